namespace PolicyCore.Syntax;

/// <summary>One policy file as written. Fields are null when absent or unusable (already reported).</summary>
internal sealed class PolicyFileSyntax(string file)
{
    public string File { get; } = file;

    public SourcePosition Position { get; set; } = SourcePosition.Start;

    public YamlScalar? Version { get; set; }

    /// <summary>Top-level <c>mode</c>: <c>enforce</c> (default) or <c>shadow</c> for every rule of the file.</summary>
    public YamlScalar? Mode { get; set; }

    /// <summary>Top-level <c>spiffe_path</c>: names SPIFFE path segments, e.g. <c>/ns/{namespace}/sa/{service_account}</c>.</summary>
    public YamlScalar? SpiffePath { get; set; }

    /// <summary>Position of the <c>rules</c> key, when present.</summary>
    public SourcePosition? RulesPosition { get; set; }

    public List<RuleSyntax> Rules { get; } = [];

    public List<NamedBlockSyntax> Roles { get; } = [];

    public List<NamedBlockSyntax> Identities { get; } = [];

    /// <summary>Top-level <c>requirements</c>: route requirements (version 2).</summary>
    public List<RequirementSyntax> Requirements { get; } = [];

    /// <summary>Keys of constructs that need <c>version: 2</c>, in document order.</summary>
    public List<YamlScalar> VersionTwoKeys { get; } = [];
}

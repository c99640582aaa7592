namespace PolicyCore.Syntax;

/// <summary>One policy file as written. Fields are null when absent or unusable (already reported).</summary>
internal sealed class PolicyFileSyntax(string file)
{
    public string File { get; } = file;

    public SourcePosition Position { get; set; } = SourcePosition.Start;

    public YamlScalar? Version { get; set; }

    /// <summary>Position of the <c>rules</c> key, when present.</summary>
    public SourcePosition? RulesPosition { get; set; }

    public List<RuleSyntax> Rules { get; } = [];
}

namespace PolicyCore.Syntax;

/// <summary>One rule as written.</summary>
internal sealed class RuleSyntax(string file, SourcePosition position)
{
    public string File { get; } = file;

    /// <summary>Start of the rule's mapping (its first key).</summary>
    public SourcePosition Position { get; } = position;

    public YamlScalar? Id { get; set; }

    public YamlScalar? Description { get; set; }

    public YamlScalar? Effect { get; set; }

    public MatchSyntax? Match { get; set; }

    public WhenSyntax? When { get; set; }

    /// <summary><c>mode</c>: <c>enforce</c> (default) or <c>shadow</c> (version 2).</summary>
    public YamlScalar? Mode { get; set; }

    /// <summary><c>obligations</c> (allow rules only, version 2).</summary>
    public ObligationsSyntax? Obligations { get; set; }

    /// <summary>The <c>require</c> key (allow rules only, version 2), or null when absent.</summary>
    public YamlScalar? RequireKey { get; set; }

    /// <summary><c>require</c>: requirement names, e.g. <c>sender_constrained</c>.</summary>
    public IReadOnlyList<YamlScalar> Require { get; set; } = [];
}

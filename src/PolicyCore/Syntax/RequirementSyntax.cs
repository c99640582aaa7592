namespace PolicyCore.Syntax;

/// <summary>One entry of the top-level <c>requirements</c> list: routes whose every request must meet <c>require</c>.</summary>
internal sealed class RequirementSyntax(string file, SourcePosition position)
{
    public string File { get; } = file;

    /// <summary>Start of the entry's mapping (its first key).</summary>
    public SourcePosition Position { get; } = position;

    /// <summary>Optional <c>id</c>: the rule id a decision carries (else <c>requirement:ROUTE</c>).</summary>
    public YamlScalar? Id { get; set; }

    public YamlScalar? Description { get; set; }

    /// <summary><c>mode</c>: <c>enforce</c> (default) or <c>shadow</c>.</summary>
    public YamlScalar? Mode { get; set; }

    public YamlScalar? RoutesKey { get; set; }

    public IReadOnlyList<YamlScalar> Routes { get; set; } = [];

    public YamlScalar? RequireKey { get; set; }

    public IReadOnlyList<YamlScalar> Require { get; set; } = [];

    /// <summary>True when <c>routes</c> or <c>require</c> had the wrong shape (already reported): no "missing" diagnostic.</summary>
    public bool HadError { get; set; }
}

namespace PolicyCore.Syntax;

/// <summary>The <c>match</c> block: what request a rule applies to. An empty list matches anything.</summary>
internal sealed class MatchSyntax(SourcePosition position)
{
    public SourcePosition Position { get; } = position;

    public IReadOnlyList<YamlScalar> Routes { get; set; } = [];

    public IReadOnlyList<YamlScalar> Hosts { get; set; } = [];

    public IReadOnlyList<YamlScalar> Methods { get; set; } = [];

    public IReadOnlyList<YamlScalar> Paths { get; set; } = [];

    /// <summary><c>labels</c>: route labels (version 2).</summary>
    public List<LabelConditionSyntax> Labels { get; } = [];
}

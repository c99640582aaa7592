namespace PolicyCore.Syntax;

/// <summary>One entry of <c>when.headers</c> or <c>when.query</c>: a name and exactly one of equals / in / present.</summary>
internal sealed class ValueConditionSyntax(SourcePosition position)
{
    public SourcePosition Position { get; } = position;

    public YamlScalar? Name { get; set; }

    public YamlScalar? EqualsValue { get; set; }

    public IReadOnlyList<YamlScalar>? In { get; set; }

    public SourcePosition InPosition { get; set; }

    public YamlScalar? Present { get; set; }

    public bool HadTypeError { get; set; }
}

namespace PolicyCore.Syntax;

/// <summary>One entry of <c>when.claims</c>: a name and exactly one of equals / contains / contains_any.</summary>
internal sealed class ClaimConditionSyntax(SourcePosition position)
{
    public SourcePosition Position { get; } = position;

    public YamlScalar? Name { get; set; }

    public YamlScalar? EqualsValue { get; set; }

    public YamlScalar? Contains { get; set; }

    /// <summary>Null when the key is absent; the key's position is <see cref="ContainsAnyPosition"/>.</summary>
    public IReadOnlyList<YamlScalar>? ContainsAny { get; set; }

    public SourcePosition ContainsAnyPosition { get; set; }

    /// <summary>True when a value was present but unusable (already reported as PC1005); suppresses PC1015.</summary>
    public bool HadTypeError { get; set; }
}

namespace PolicyCore.Syntax;

/// <summary>
/// One entry of <c>when.attributes</c>: an identity attribute (<c>identity: spiffe.namespace</c>) compared with a route
/// label (<c>equals_label: namespace</c>), a value (<c>equals: x</c>) or a list (<c>in: [a, b]</c>).
/// </summary>
internal sealed class AttributeConditionSyntax(SourcePosition position)
{
    public SourcePosition Position { get; } = position;

    public YamlScalar? Identity { get; set; }

    public YamlScalar? EqualsLabel { get; set; }

    public YamlScalar? EqualsValue { get; set; }

    public IReadOnlyList<YamlScalar>? In { get; set; }

    public SourcePosition InPosition { get; set; }

    public bool HadTypeError { get; set; }
}

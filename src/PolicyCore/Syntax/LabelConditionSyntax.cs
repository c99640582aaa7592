namespace PolicyCore.Syntax;

/// <summary>One entry of <c>labels: { zone: prod }</c> or <c>{ zone: [prod, staging] }</c>: the route label equals one of the values.</summary>
internal sealed class LabelConditionSyntax(YamlScalar name, IReadOnlyList<YamlScalar> values)
{
    public YamlScalar Name { get; } = name;

    public IReadOnlyList<YamlScalar> Values { get; } = values;
}

using PolicyCore.Model;

namespace PolicyCore.Compilation;

/// <summary>
/// <c>attributes: [ { identity: spiffe.namespace, equals_label: namespace } ]</c>: an identity attribute equals a route
/// label, or one of fixed values. A missing attribute or label cannot be evaluated.
/// </summary>
internal sealed class AttributeCondition(AttributeSource source, string? label, string[] values) : RuleCondition
{
    public override Truth Evaluate(RequestContext context, PolicyIdentity identity)
    {
        if (!source.TryRead(identity, out var actual))
        {
            return Truth.Error;
        }

        if (label is not null)
        {
            if (!context.RouteLabels.TryGetValue(label, out var expected) || expected is null)
            {
                return Truth.Error;
            }

            return actual.Equals(expected, source.Comparison) ? Truth.True : Truth.False;
        }

        foreach (var value in values)
        {
            if (actual.Equals(value, source.Comparison))
            {
                return Truth.True;
            }
        }

        return Truth.False;
    }

    public override string Describe()
        => label is not null ? $"attributes: {source.Text} equals_label {label}" : $"attributes: {source.Text} in {List(values)}";
}

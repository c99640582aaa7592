using PolicyCore.Model;

namespace PolicyCore.Compilation;

/// <summary><c>labels: { zone: prod }</c>: the route label equals one of the values (ordinal). A route without the label cannot be evaluated.</summary>
internal sealed class LabelCondition(string name, string[] values) : RuleCondition
{
    public string Name { get; } = name;

    public string[] Values { get; } = values;

    public override Truth Evaluate(RequestContext context, PolicyIdentity identity)
    {
        if (!context.RouteLabels.TryGetValue(Name, out var actual) || actual is null)
        {
            return Truth.Error;
        }

        foreach (var value in Values)
        {
            if (string.Equals(actual, value, StringComparison.Ordinal))
            {
                return Truth.True;
            }
        }

        return Truth.False;
    }

    public override string Describe() => $"labels: {Name} in {List(Values)}";
}

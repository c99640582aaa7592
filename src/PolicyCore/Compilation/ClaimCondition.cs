using PolicyCore.Model;

namespace PolicyCore.Compilation;

/// <summary>
/// A claim condition: <c>equals</c> (the claim has exactly one value, equal to the operand), <c>contains</c> (one of the
/// claim's values equals the operand) or <c>contains_any</c> (one of the values equals one of the operands). A missing
/// claim never matches. Comparisons are ordinal.
/// </summary>
internal sealed class ClaimCondition(string name, ClaimOperator op, string[] operands) : RuleCondition
{
    public string Name { get; } = name;

    public ClaimOperator Operator { get; } = op;

    public override bool Matches(RequestContext context, PolicyIdentity identity)
    {
        if (!identity.Claims.TryGetValue(Name, out var values) || values is null)
        {
            return false;
        }

        if (Operator == ClaimOperator.Equal)
        {
            return values.Length == 1 && string.Equals(values[0], operands[0], StringComparison.Ordinal);
        }

        foreach (var value in values)
        {
            foreach (var operand in operands)
            {
                if (string.Equals(value, operand, StringComparison.Ordinal))
                {
                    return true;
                }
            }
        }

        return false;
    }
}

using PolicyCore.Model;

namespace PolicyCore.Compilation;

/// <summary>
/// A claim condition: <c>equals</c> (the claim has exactly one value, equal to the operand), <c>contains</c> (one of the
/// claim's values equals the operand) or <c>contains_any</c> (one of the values equals one of the operands). A missing
/// claim cannot be evaluated; so cannot <c>equals</c> on a claim with several values (wrong shape). Comparisons are ordinal.
/// </summary>
internal sealed class ClaimCondition(string name, ClaimOperator op, string[] operands) : RuleCondition
{
    public string Name { get; } = name;

    public ClaimOperator Operator { get; } = op;

    public override Truth Evaluate(RequestContext context, PolicyIdentity identity)
    {
        if (!identity.Claims.TryGetValue(Name, out var values) || values is null)
        {
            return Truth.Error;
        }

        if (Operator == ClaimOperator.Equal)
        {
            if (values.Length != 1)
            {
                return Truth.Error;
            }

            return string.Equals(values[0], operands[0], StringComparison.Ordinal) ? Truth.True : Truth.False;
        }

        foreach (var value in values)
        {
            foreach (var operand in operands)
            {
                if (string.Equals(value, operand, StringComparison.Ordinal))
                {
                    return Truth.True;
                }
            }
        }

        return Truth.False;
    }

    public override string Describe() => Operator switch
    {
        ClaimOperator.Equal => $"claims: {Name} equals {operands[0]}",
        ClaimOperator.Contains => $"claims: {Name} contains {operands[0]}",
        _ => $"claims: {Name} contains_any {List(operands)}",
    };
}

using PolicyCore.Model;

namespace PolicyCore.Compilation;

/// <summary>
/// One compiled condition of a rule's <c>when</c> block (or of a role grant, an alias, a combinator operand). A rule
/// matches only when every condition is <see cref="Truth.True"/>. Implementations must be pure, allocation-free and
/// never throw; a condition that cannot be evaluated returns <see cref="Truth.Error"/>.
/// </summary>
internal abstract class RuleCondition
{
    public abstract Truth Evaluate(RequestContext context, PolicyIdentity identity);

    /// <summary>The condition as written (for explanations), e.g. <c>spiffe_ids: [spiffe://a/b]</c>.</summary>
    public abstract string Describe();

    public override string ToString() => Describe();

    /// <summary>Kleene AND: false wins, then error, else true (an empty list is true).</summary>
    public static Truth All(RuleCondition[] conditions, RequestContext context, PolicyIdentity identity)
    {
        var result = Truth.True;
        foreach (var condition in conditions)
        {
            var truth = condition.Evaluate(context, identity);
            if (truth == Truth.False)
            {
                return Truth.False;
            }

            if (truth == Truth.Error)
            {
                result = Truth.Error;
            }
        }

        return result;
    }

    /// <summary>Kleene OR over blocks (each an AND): true wins, then error, else false (an empty list is false).</summary>
    public static Truth Any(RuleCondition[][] blocks, RequestContext context, PolicyIdentity identity)
    {
        var result = Truth.False;
        foreach (var block in blocks)
        {
            var truth = All(block, context, identity);
            if (truth == Truth.True)
            {
                return Truth.True;
            }

            if (truth == Truth.Error)
            {
                result = Truth.Error;
            }
        }

        return result;
    }

    internal static string List(IEnumerable<string> values) => "[" + string.Join(", ", values) + "]";

    internal static string Block(RuleCondition[] conditions)
    {
        var parts = new string[conditions.Length];
        for (var i = 0; i < parts.Length; i++)
        {
            parts[i] = conditions[i].Describe();
        }

        return "{ " + string.Join("; ", parts) + " }";
    }
}

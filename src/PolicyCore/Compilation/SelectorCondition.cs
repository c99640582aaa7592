using PolicyCore.Model;

namespace PolicyCore.Compilation;

/// <summary>
/// <c>roles: [a, b]</c> or <c>identities: [x]</c>: the identity satisfies one grant of the named roles or aliases (each
/// grant an AND of identity conditions; nested roles are inlined at compile time).
/// </summary>
internal sealed class SelectorCondition(string field, string[] names, RuleCondition[][] grants) : RuleCondition
{
    public string[] Names { get; } = names;

    public override Truth Evaluate(RequestContext context, PolicyIdentity identity) => Any(grants, context, identity);

    public override string Describe() => field + ": " + List(Names);
}

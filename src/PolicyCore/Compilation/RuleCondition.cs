using PolicyCore.Model;

namespace PolicyCore.Compilation;

/// <summary>
/// One compiled condition of a rule's <c>when</c> block. A rule matches only when every condition holds. A condition
/// that cannot be evaluated (missing claim, no SPIFFE id) is false. New condition kinds (route labels, time windows,
/// roles) are new subclasses; implementations must be pure, allocation-free and never throw.
/// </summary>
internal abstract class RuleCondition
{
    public abstract bool Matches(RequestContext context, PolicyIdentity identity);
}

using PolicyCore.Model;

namespace PolicyCore.Compilation;

/// <summary><c>spiffe_ids</c>: the identity's SPIFFE id matches any of the patterns; no SPIFFE id never matches.</summary>
internal sealed class SpiffeIdCondition(IdentityPattern[] patterns) : RuleCondition
{
    public override bool Matches(RequestContext context, PolicyIdentity identity)
    {
        var spiffeId = identity.SpiffeId;
        if (spiffeId is null)
        {
            return false;
        }

        foreach (var pattern in patterns)
        {
            if (pattern.Matches(spiffeId))
            {
                return true;
            }
        }

        return false;
    }
}

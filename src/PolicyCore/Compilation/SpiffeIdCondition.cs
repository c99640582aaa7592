using PolicyCore.Model;

namespace PolicyCore.Compilation;

/// <summary><c>spiffe_ids</c>: the identity's SPIFFE id matches any of the patterns; no SPIFFE id cannot be evaluated.</summary>
internal sealed class SpiffeIdCondition(IdentityPattern[] patterns) : RuleCondition
{
    public override Truth Evaluate(RequestContext context, PolicyIdentity identity)
    {
        var spiffeId = identity.SpiffeId;
        if (spiffeId is null)
        {
            return Truth.Error;
        }

        foreach (var pattern in patterns)
        {
            if (pattern.Matches(spiffeId))
            {
                return Truth.True;
            }
        }

        return Truth.False;
    }

    public override string Describe() => "spiffe_ids: " + List(patterns.Select(p => p.Text));
}

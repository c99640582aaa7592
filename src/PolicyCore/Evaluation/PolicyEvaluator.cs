using PolicyCore.Compilation;
using PolicyCore.Model;

namespace PolicyCore.Evaluation;

/// <summary>
/// Decides one request against a compiled policy. Pure, thread-safe, allocation-free, never throws:
/// no policy → <see cref="Decision.Unavailable"/>; no identity or no matching rule → <see cref="Decision.NoMatch"/>;
/// the first matching deny (load order) beats any allow; otherwise the first matching allow.
/// </summary>
public static class PolicyEvaluator
{
    public static Decision Evaluate(PolicySet? policy, RequestContext context)
    {
        if (policy is null || context is null)
        {
            return Decision.Unavailable;
        }

        try
        {
            var identity = context.Identity;
            if (identity is null)
            {
                return Decision.NoMatch; // anonymous never matches a rule
            }

            var bucket = policy.Index.Find(context.RouteId);
            foreach (var rule in bucket.Denies)
            {
                if (rule.Matches(context, identity))
                {
                    return new Decision(Effect.Deny, rule.Id, DecisionReason.DeniedByRule);
                }
            }

            foreach (var rule in bucket.Allows)
            {
                if (rule.Matches(context, identity))
                {
                    return new Decision(Effect.Allow, rule.Id, DecisionReason.AllowedByRule);
                }
            }

            return Decision.NoMatch;
        }
#pragma warning disable CA1031 // Fail closed: a bug in a condition must deny, never crash the request or allow.
        catch (Exception)
#pragma warning restore CA1031
        {
            return Decision.Unavailable;
        }
    }
}

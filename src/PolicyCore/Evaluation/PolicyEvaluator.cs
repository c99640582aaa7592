using PolicyCore.Compilation;
using PolicyCore.Model;

namespace PolicyCore.Evaluation;

/// <summary>
/// Decides one request against a compiled policy. Pure, thread-safe, allocation-free, never throws:
/// no policy → <see cref="Decision.Unavailable"/>; no identity or no matching rule → <see cref="Decision.NoMatch"/>;
/// the first matching enforced deny (load order) beats any allow; otherwise the first matching enforced allow.
/// Shadow rules never change the effect; what they would have decided is reported on the decision.
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

            policy.Index.Find(context, out var routed, out var unrouted);
            var unevaluable = default(Unevaluable);
            var deny = FirstMatch(routed.Denies, unrouted.Denies, context, identity, int.MaxValue, ref unevaluable);
            CompiledRule? allow = null;
            Decision decision;
            if (deny is not null)
            {
                decision = new Decision(Effect.Deny, deny.Id, DecisionReason.DeniedByRule);
            }
            else
            {
                allow = FirstMatch(routed.Allows, unrouted.Allows, context, identity, int.MaxValue, ref unevaluable);
                decision = allow is null
                    ? Decision.NoMatch
                    : new Decision(Effect.Allow, allow.Id, DecisionReason.AllowedByRule) { Obligations = allow.Obligations };
            }

            if (unevaluable.Count != 0)
            {
                decision = decision with { UnevaluableRuleCount = unevaluable.Count, UnevaluableRuleId = unevaluable.FirstId };
            }

            if (routed.HasShadow || unrouted.HasShadow)
            {
                decision = WithShadow(decision, routed, unrouted, context, identity, deny, allow);
            }

            return decision;
        }
#pragma warning disable CA1031 // Fail closed: a bug in a condition must deny, never crash the request or allow.
        catch (Exception)
#pragma warning restore CA1031
        {
            return Decision.Unavailable;
        }
    }

    /// <summary>
    /// Explains one request: the decision (exactly what <see cref="Evaluate"/> returns) and, for every rule in load
    /// order, whether it matched, did not match (with the first condition that failed) or could not be evaluated (with
    /// the condition that could not). For tools and operators, not for the hot path: it allocates.
    /// </summary>
    public static PolicyExplanation Explain(PolicySet? policy, RequestContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var decision = Evaluate(policy, context);
        var rules = new List<RuleExplanation>();
        if (policy is not null)
        {
            foreach (var rule in policy.CompiledRules)
            {
                var (truth, failed) = rule.Explain(context, context.Identity);
                var outcome = truth switch
                {
                    Truth.True => RuleOutcome.Matched,
                    Truth.Error => RuleOutcome.NotEvaluable,
                    _ => RuleOutcome.NotMatched,
                };
                rules.Add(new RuleExplanation(rule.Info, outcome, failed));
            }
        }

        return new PolicyExplanation(decision, rules);
    }

    private static Decision WithShadow(
        Decision decision, RuleSlot routed, RuleSlot unrouted, RequestContext context, PolicyIdentity identity, CompiledRule? deny, CompiledRule? allow)
    {
        // The decision if every shadow rule were enforced: the first matching deny of either kind wins, else the first
        // matching allow. Report it only when a shadow rule would be the deciding rule.
        var ignored = default(Unevaluable);
        var shadowDeny = FirstMatch(routed.ShadowDenies, unrouted.ShadowDenies, context, identity, deny?.Order ?? int.MaxValue, ref ignored);
        if (shadowDeny is not null)
        {
            return decision with { ShadowEffect = Effect.Deny, ShadowRuleId = shadowDeny.Id };
        }

        if (deny is not null)
        {
            return decision;
        }

        var shadowAllow = FirstMatch(routed.ShadowAllows, unrouted.ShadowAllows, context, identity, allow?.Order ?? int.MaxValue, ref ignored);
        return shadowAllow is null ? decision : decision with { ShadowEffect = Effect.Allow, ShadowRuleId = shadowAllow.Id };
    }

    /// <summary>The first matching rule of two load-ordered arrays (merged by order), below <paramref name="orderLimit"/>.</summary>
    private static CompiledRule? FirstMatch(
        CompiledRule[] first, CompiledRule[] second, RequestContext context, PolicyIdentity identity, int orderLimit, ref Unevaluable unevaluable)
    {
        int i = 0, j = 0;
        while (i < first.Length || j < second.Length)
        {
            var rule = j >= second.Length || (i < first.Length && first[i].Order < second[j].Order) ? first[i++] : second[j++];
            if (rule.Order >= orderLimit)
            {
                return null;
            }

            var truth = rule.Evaluate(context, identity);
            if (truth == Truth.True)
            {
                return rule;
            }

            if (truth == Truth.Error)
            {
                unevaluable.Count++;
                unevaluable.FirstId ??= rule.Id;
            }
        }

        return null;
    }

    private struct Unevaluable
    {
        public int Count;
        public string? FirstId;
    }
}

using PolicyCore.Compilation;
using PolicyCore.Model;

namespace PolicyCore.Evaluation;

/// <summary>
/// Decides one request against a compiled policy. Pure, thread-safe, allocation-free, never throws:
/// no policy → <see cref="Decision.Unavailable"/>; no identity → <see cref="Decision.NoMatch"/>; then
/// <list type="number">
/// <item>the first matching enforced deny (load order) beats everything (<c>denied_by_rule</c>);</item>
/// <item>an enforced route requirement of the request's route the identity does not meet denies before any allow rule is
/// consulted (<c>sender_constraint_required</c>, the requirement's id);</item>
/// <item>the first matching enforced allow whose <c>require</c> the identity meets allows;</item>
/// <item>else, when some enforced allow matched in everything but its <c>require</c>, the first such rule denies with
/// <c>sender_constraint_required</c> (the caller learns the route needs a bound credential, not "no rule");</item>
/// <item>else default deny (<c>no_matching_rule</c>).</item>
/// </list>
/// Shadow rules and shadow requirements never change the effect; what they would have decided is reported on the decision.
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

            var met = RequirementNames.Met(identity);
            policy.Index.Find(context, out var routed, out var unrouted);
            var requirements = policy.Index.Requirements(context.RouteId);
            var unevaluable = default(Unevaluable);
            var deny = FirstMatch(routed.Denies, unrouted.Denies, context, identity, int.MaxValue, ref unevaluable);
            CompiledRule? allow = null;
            CompiledRule? blocked = null;
            RouteRequirement? unmetRoute = null;
            Decision decision;
            if (deny is not null)
            {
                decision = new Decision(Effect.Deny, deny.Id, DecisionReason.DeniedByRule);
            }
            else if ((unmetRoute = requirements.FirstUnmet(met, includeShadow: false)) is not null)
            {
                decision = new Decision(Effect.Deny, unmetRoute.DeciderId, RequirementNames.Reason(unmetRoute.Requirements & ~met));
            }
            else
            {
                allow = FirstAllow(routed.Allows, unrouted.Allows, context, identity, met, int.MaxValue, ref unevaluable, out blocked);
                decision = allow is not null
                    ? new Decision(Effect.Allow, allow.Id, DecisionReason.AllowedByRule) { Obligations = allow.Obligations }
                    : blocked is not null
                        ? new Decision(Effect.Deny, blocked.Id, RequirementNames.Reason(blocked.Requirements & ~met))
                        : Decision.NoMatch;
            }

            if (unevaluable.Count != 0)
            {
                decision = decision with { UnevaluableRuleCount = unevaluable.Count, UnevaluableRuleId = unevaluable.FirstId };
            }

            if (routed.HasShadow || unrouted.HasShadow || requirements.HasShadow)
            {
                decision = WithShadow(decision, routed, unrouted, requirements, context, identity, met, deny, unmetRoute, allow, blocked);
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
    /// Explains one request: the decision (exactly what <see cref="Evaluate"/> returns); for every rule in load order,
    /// whether it matched, did not match (with the first condition that failed), could not be evaluated (with the
    /// condition that could not) or matched but its <c>require</c> was not met; and the route requirements of the request's
    /// route, met or not. For tools and operators, not for the hot path: it allocates.
    /// </summary>
    public static PolicyExplanation Explain(PolicySet? policy, RequestContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var decision = Evaluate(policy, context);
        var rules = new List<RuleExplanation>();
        var requirements = new List<RequirementExplanation>();
        if (policy is not null)
        {
            foreach (var rule in policy.CompiledRules)
            {
                var (outcome, failed) = rule.Explain(context, context.Identity);
                rules.Add(new RuleExplanation(rule.Info, outcome, failed));
            }

            var met = context.Identity is null ? RequirementFlags.None : RequirementNames.Met(context.Identity);
            foreach (var requirement in policy.Index.Requirements(context.RouteId).Entries)
            {
                var unmet = requirement.Requirements & ~met;
                requirements.Add(new RequirementExplanation(
                    requirement.Info, requirement.DeciderId, unmet == RequirementFlags.None,
                    unmet == RequirementFlags.None ? null : $"require: {RuleCondition.List(requirement.Info.Requirements)}: {RequirementNames.DescribeUnmet(unmet)}"));
            }
        }

        return new PolicyExplanation(decision, rules, requirements);
    }

    private static Decision WithShadow(
        Decision decision, RuleSlot routed, RuleSlot unrouted, RouteRequirementSet requirements, RequestContext context, PolicyIdentity identity,
        RequirementFlags met, CompiledRule? deny, RouteRequirement? unmetRoute, CompiledRule? allow, CompiledRule? blocked)
    {
        // The decision if every shadow rule and shadow requirement were enforced: the first matching deny of either kind
        // wins, then the first unmet route requirement, then the first matching allow (requirement met), then the first
        // allow blocked only by its requirement. Report it only when a shadow rule or requirement would be the decider.
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

        if (requirements.HasShadow)
        {
            var firstUnmet = requirements.FirstUnmet(met, includeShadow: true);
            if (firstUnmet is not null)
            {
                return firstUnmet.IsShadow ? decision with { ShadowEffect = Effect.Deny, ShadowRuleId = firstUnmet.DeciderId } : decision;
            }
        }
        else if (unmetRoute is not null)
        {
            return decision;
        }

        var shadowAllow = FirstAllow(
            routed.ShadowAllows, unrouted.ShadowAllows, context, identity, met, allow?.Order ?? int.MaxValue, ref ignored, out var shadowBlocked);
        if (shadowAllow is not null)
        {
            return decision with { ShadowEffect = Effect.Allow, ShadowRuleId = shadowAllow.Id };
        }

        if (allow is null && shadowBlocked is not null && (blocked is null || shadowBlocked.Order < blocked.Order))
        {
            return decision with { ShadowEffect = Effect.Deny, ShadowRuleId = shadowBlocked.Id };
        }

        return decision;
    }

    /// <summary>
    /// The first allow rule of two load-ordered arrays (merged by order, below <paramref name="orderLimit"/>) that matches
    /// and whose requirements the identity meets; <paramref name="blocked"/> is the first rule before it that matched in
    /// everything but its requirements.
    /// </summary>
    private static CompiledRule? FirstAllow(
        CompiledRule[] first, CompiledRule[] second, RequestContext context, PolicyIdentity identity, RequirementFlags met, int orderLimit,
        ref Unevaluable unevaluable, out CompiledRule? blocked)
    {
        blocked = null;
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
                if ((rule.Requirements & ~met) == RequirementFlags.None)
                {
                    return rule;
                }

                blocked ??= rule;
            }
            else if (truth == Truth.Error)
            {
                unevaluable.Count++;
                unevaluable.FirstId ??= rule.Id;
            }
        }

        return null;
    }

    /// <summary>The first matching rule of two load-ordered arrays (merged by order), below <paramref name="orderLimit"/>,
    /// requirements aside (deny rules have none).</summary>
    private static CompiledRule? FirstMatch(
        CompiledRule[] first, CompiledRule[] second, RequestContext context, PolicyIdentity identity, int orderLimit, ref Unevaluable unevaluable)
        => FirstAllow(first, second, context, identity, (RequirementFlags)byte.MaxValue, orderLimit, ref unevaluable, out _);

    private struct Unevaluable
    {
        public int Count;
        public string? FirstId;
    }
}

using System.Text.Json.Nodes;
using PolicyCore.Evaluation;
using PolicyCore.Model;

namespace Gateway.Hosting.Policy;

/// <summary>Reading compiled rules for people: condition kinds, short summaries, JSON shapes, near misses.</summary>
internal static class RuleFacts
{
    /// <summary>True for a condition that depends on the request's context (time, headers, query), not on the identity.</summary>
    public static bool IsContextCondition(string condition)
        => condition.StartsWith("headers:", StringComparison.Ordinal)
            || condition.StartsWith("query:", StringComparison.Ordinal)
            || condition.StartsWith("time:", StringComparison.Ordinal)
            || (IsCombinator(condition) && (condition.Contains("headers:", StringComparison.Ordinal)
                || condition.Contains("query:", StringComparison.Ordinal) || condition.Contains("time:", StringComparison.Ordinal)));

    public static bool IsLabelCondition(string condition)
        => condition.StartsWith("labels:", StringComparison.Ordinal) || condition.Contains("equals_label", StringComparison.Ordinal);

    private static bool IsCombinator(string condition)
        => condition.StartsWith("not ", StringComparison.Ordinal) || condition.StartsWith("any [", StringComparison.Ordinal)
            || condition.StartsWith("all [", StringComparison.Ordinal);

    public static List<string> ContextConditions(PolicyRule rule) => [.. rule.Conditions.Where(IsContextCondition)];

    /// <summary>The conditions that select callers (identity fields, roles, aliases, claims), without label and context ones.</summary>
    public static List<string> IdentityConditions(PolicyRule rule)
        => [.. rule.Conditions.Where(c => !IsContextCondition(c) && !c.StartsWith("labels:", StringComparison.Ordinal))];

    public static string Effect(PolicyRule rule) => (rule.Mode == RuleMode.Shadow ? "shadow " : "") + (rule.Effect == PolicyCore.Model.Effect.Allow ? "allow" : "deny");

    public static string List(IReadOnlyList<string> items, string any = "*") => items.Count == 0 ? any : string.Join(", ", items);

    public static string Labels(IReadOnlyDictionary<string, string> labels)
        => labels.Count == 0 ? "-" : string.Join(", ", labels.OrderBy(l => l.Key, StringComparer.Ordinal).Select(l => $"{l.Key}={l.Value}"));

    /// <summary>
    /// A rule that matched the request's route, method and host but failed later, could not be evaluated, or matched in
    /// everything but its <c>require</c>.
    /// </summary>
    public static bool IsNearMiss(RuleExplanation e)
        => e.Outcome is RuleOutcome.NotEvaluable or RuleOutcome.RequirementNotMet
            || (e.Outcome == RuleOutcome.NotMatched && e.FailedCondition is { } f
                && !f.StartsWith("match.routes", StringComparison.Ordinal)
                && !f.StartsWith("match.methods", StringComparison.Ordinal)
                && !f.StartsWith("match.hosts", StringComparison.Ordinal));

    public static string Outcome(RuleOutcome outcome) => outcome switch
    {
        RuleOutcome.Matched => "matched",
        RuleOutcome.NotEvaluable => "not_evaluable",
        RuleOutcome.RequirementNotMet => "requirement_not_met",
        _ => "not_matched",
    };

    /// <summary>How a near miss is introduced in text output.</summary>
    public static string OutcomeLabel(RuleOutcome outcome) => outcome switch
    {
        RuleOutcome.NotEvaluable => "not evaluable: ",
        RuleOutcome.RequirementNotMet => "requirement not met: ",
        _ => "failed: ",
    };

    /// <summary><c>  [require sender_constrained]</c> for a rule with <c>require</c>, else empty.</summary>
    public static string RequireSuffix(PolicyRule rule) => rule.Requirements.Count == 0 ? "" : $"  [require {string.Join(", ", rule.Requirements)}]";

    /// <summary>What a requirement name asks of the caller, for people.</summary>
    public static string Meaning(string requirement) => requirement == "sender_constrained"
        ? "a sender-constrained credential (mTLS client certificate, certificate-bound or DPoP token), not a plain bearer token"
        : requirement;

    /// <summary>The enforced route requirements naming the route, in load order.</summary>
    public static List<PolicyRequirement> RouteRequirements(PolicyCore.PolicySet policy, string routeId)
        => [.. policy.Requirements.Where(r => r.Mode == RuleMode.Enforce && r.Routes.Contains(routeId))];

    /// <summary>A route requirement as JSON; <paramref name="id"/> is the rule id decisions carry for the route in question.</summary>
    public static JsonObject RequirementRef(PolicyRequirement requirement, string? id) => new()
    {
        ["id"] = id ?? requirement.Id,
        ["kind"] = "requirement",
        ["mode"] = requirement.Mode == RuleMode.Shadow ? "shadow" : "enforce",
        ["routes"] = Array(requirement.Routes),
        ["require"] = Array(requirement.Requirements),
        ["file"] = PolicyToolContext.Rel(requirement.File),
        ["line"] = requirement.Line,
        ["column"] = requirement.Column,
    };

    public static JsonObject RuleRef(PolicyRule rule)
    {
        var o = new JsonObject
        {
            ["id"] = rule.Id,
            ["effect"] = rule.Effect == PolicyCore.Model.Effect.Allow ? "allow" : "deny",
            ["mode"] = rule.Mode == RuleMode.Shadow ? "shadow" : "enforce",
            ["file"] = PolicyToolContext.Rel(rule.File),
            ["line"] = rule.Line,
            ["column"] = rule.Column,
        };
        if (rule.Requirements.Count > 0)
        {
            o["require"] = Array(rule.Requirements);
        }

        return o;
    }

    /// <summary>The rule or route requirement a decision names, as JSON.</summary>
    public static JsonObject? DeciderRef(string? id, PolicyCore.PolicySet? policy)
    {
        if (id is null)
        {
            return null;
        }

        if (policy?.FindRule(id) is { } rule)
        {
            return RuleRef(rule);
        }

        return policy?.FindRequirement(id) is { } requirement ? RequirementRef(requirement, id) : new JsonObject { ["id"] = id };
    }

    public static JsonArray Array(IEnumerable<string> items)
    {
        var a = new JsonArray();
        foreach (var i in items)
        {
            a.Add(i);
        }

        return a;
    }

    public static JsonObject Object(IReadOnlyDictionary<string, string> map)
    {
        var o = new JsonObject();
        foreach (var (k, v) in map.OrderBy(p => p.Key, StringComparer.Ordinal))
        {
            o[k] = v;
        }

        return o;
    }

    public static string DecisionText(Decision d, PolicyCore.PolicySet? policy)
    {
        var effect = d.Effect == PolicyCore.Model.Effect.Allow ? "ALLOW" : "DENY";
        if (d.RuleId is null)
        {
            return $"{effect} ({d.Reason.ToCode()}): no rule matched, default deny";
        }

        var rule = policy?.FindRule(d.RuleId) is { } r ? $"{r.Id} ({PolicyToolContext.Where(r)})"
            : policy?.FindRequirement(d.RuleId) is { } q ? $"route requirement {d.RuleId} ({PolicyToolContext.Rel(q.File)}:{q.Line}:{q.Column})"
            : d.RuleId;
        return $"{effect} ({d.Reason.ToCode()}) by {rule}";
    }
}

using System.Text.Json.Nodes;
using PolicyCore;
using PolicyCore.Evaluation;
using PolicyCore.Model;

namespace Gateway.Hosting.Policy;

/// <summary>One request's explanation, as text and as JSON: decision, deciding rule, matches, near misses and why.</summary>
internal static class ExplanationView
{
    public static void WriteText(TextWriter w, PolicySet policy, ResolvedRequest request, PolicyExplanation explanation, string indent = "", bool all = false)
    {
        var c = request.Context;
        var route = c.RouteId is null
            ? "no route (no configured route matches: the gateway would answer 404)"
            : $"route {c.RouteId}{(request.RouteInferred ? " (from the config's routes)" : "")}, labels {RuleFacts.Labels(c.RouteLabels)}";
        w.WriteLine($"{indent}request:  {c.Method} {c.Host}{c.Path} at {c.Time:yyyy-MM-ddTHH:mm:ssZ}; {route}");
        w.WriteLine($"{indent}identity: {Identity(policy, c.Identity!)}");
        var d = explanation.Decision;
        w.WriteLine($"{indent}decision: {RuleFacts.DecisionText(d, policy)}");
        if (d.Reason == DecisionReason.SenderConstraintRequired)
        {
            w.WriteLine($"{indent}  {(policy.FindRequirement(d.RuleId!) is not null ? "the route requires" : "the only allow rules that match require")} "
                + $"{RuleFacts.Meaning("sender_constrained")}; this request's credential is a plain bearer credential");
        }
        if (d.ShadowEffect is { } shadow)
        {
            w.WriteLine($"{indent}  shadow: would {(shadow == Effect.Allow ? "ALLOW" : "DENY")} by {d.ShadowRuleId} if shadow rules were enforced");
        }

        if (d.UnevaluableRuleCount > 0)
        {
            w.WriteLine($"{indent}  note: {d.UnevaluableRuleCount} examined rule(s) could not be evaluated (first: {d.UnevaluableRuleId}) and did not match");
        }

        if (d.Obligations is { } o)
        {
            w.WriteLine($"{indent}  obligations: headers {string.Join(", ", o.Headers.Select(h => $"{h.Key}: {h.Value}"))}{(o.RateLimitClass is null ? "" : $"; rate_limit_class {o.RateLimitClass}")}");
        }

        w.WriteLine($"{indent}matched:");
        if (explanation.Matched.Count == 0)
        {
            w.WriteLine($"{indent}  (none)");
        }

        foreach (var m in explanation.Matched)
        {
            var deciding = m.Rule.Id == d.RuleId ? "  <- decides" : "";
            w.WriteLine($"{indent}  {RuleFacts.Effect(m.Rule),-13} {m.Rule.Id}  {PolicyToolContext.Where(m.Rule)}{RuleFacts.RequireSuffix(m.Rule)}{deciding}");
        }

        if (explanation.Requirements.Count > 0)
        {
            w.WriteLine($"{indent}route requirements:");
            foreach (var q in explanation.Requirements)
            {
                var shadowMark = q.Requirement.Mode == RuleMode.Shadow ? "shadow " : "";
                var deciding = q.DeciderId == d.RuleId ? "  <- decides" : "";
                w.WriteLine($"{indent}  {shadowMark}require {string.Join(", ", q.Requirement.Requirements)}  {q.DeciderId}  "
                    + $"{PolicyToolContext.Rel(q.Requirement.File)}:{q.Requirement.Line}:{q.Requirement.Column}  {(q.Met ? "met" : "NOT MET")}{deciding}");
                if (!q.Met)
                {
                    w.WriteLine($"{indent}                {q.FailedRequirement}");
                }
            }
        }

        var near = explanation.Rules.Where(r => all ? !r.Matched : RuleFacts.IsNearMiss(r)).ToList();
        if (near.Count > 0)
        {
            w.WriteLine($"{indent}{(all ? "did not match:" : "near misses (right route/method, failed later):")}");
            foreach (var n in near)
            {
                var deciding = n.Rule.Id == d.RuleId ? "  <- decides" : "";
                w.WriteLine($"{indent}  {RuleFacts.Effect(n.Rule),-13} {n.Rule.Id}  {PolicyToolContext.Where(n.Rule)}{RuleFacts.RequireSuffix(n.Rule)}{deciding}");
                w.WriteLine($"{indent}                {RuleFacts.OutcomeLabel(n.Outcome)}{n.FailedCondition}");
            }
        }

        var other = explanation.Rules.Count - explanation.Matched.Count - near.Count;
        if (!all && other > 0)
        {
            w.WriteLine($"{indent}not applicable (other route, method or host): {other} rule(s)");
        }
    }

    public static string Identity(PolicySet policy, PolicyIdentity id)
    {
        var parts = new List<string> { id.Subject };
        if (id.Issuer is not null)
        {
            parts.Add($"issuer {id.Issuer}");
        }

        parts.Add($"auth {id.AuthMethod} ({ToolRequest.Binding(id)})");
        if (id.TrustDomain is not null)
        {
            parts.Add($"trust domain {id.TrustDomain}");
        }

        if (id.Claims.Count > 0)
        {
            parts.Add("claims " + string.Join(" ", id.Claims.OrderBy(k => k.Key, StringComparer.Ordinal).Select(k => $"{k.Key}=[{string.Join(", ", k.Value)}]")));
        }

        var roles = policy.RolesOf(id);
        if (roles.Count > 0)
        {
            parts.Add("roles " + string.Join(", ", roles));
        }

        return string.Join("; ", parts);
    }

    public static JsonObject DecisionJson(Decision d, PolicySet? policy)
    {
        var o = new JsonObject
        {
            ["decision"] = d.Effect == Effect.Allow ? "allow" : "deny",
            ["reason"] = d.Reason.ToCode(),
            ["rule"] = RuleFacts.DeciderRef(d.RuleId, policy),
        };
        if (d.ShadowEffect is { } s)
        {
            o["shadow"] = new JsonObject { ["decision"] = s == Effect.Allow ? "allow" : "deny", ["rule"] = d.ShadowRuleId };
        }

        if (d.UnevaluableRuleCount > 0)
        {
            o["unevaluableRuleCount"] = d.UnevaluableRuleCount;
            o["unevaluableRule"] = d.UnevaluableRuleId;
        }

        return o;
    }

    public static JsonObject RequestJson(PolicySet policy, ResolvedRequest request)
    {
        var c = request.Context;
        var id = c.Identity!;
        var claims = new JsonObject();
        foreach (var (k, v) in id.Claims.OrderBy(p => p.Key, StringComparer.Ordinal))
        {
            claims[k] = RuleFacts.Array(v);
        }

        return new JsonObject
        {
            ["identity"] = new JsonObject
            {
                ["subject"] = id.Subject,
                ["issuer"] = id.Issuer,
                ["authMethod"] = id.AuthMethod,
                ["senderConstrained"] = id.SenderConstrained,
                ["spiffeId"] = id.SpiffeId,
                ["trustDomain"] = id.TrustDomain,
                ["claims"] = claims,
                ["roles"] = RuleFacts.Array(policy.RolesOf(id)),
            },
            ["method"] = c.Method,
            ["host"] = c.Host,
            ["path"] = c.Path,
            ["route"] = c.RouteId,
            ["routeInferred"] = request.RouteInferred,
            ["labels"] = RuleFacts.Object(c.RouteLabels),
            ["time"] = c.Time.ToString("O", System.Globalization.CultureInfo.InvariantCulture),
        };
    }

    public static JsonObject ToJson(PolicySet policy, ResolvedRequest request, PolicyExplanation explanation)
    {
        var matched = new JsonArray();
        foreach (var m in explanation.Matched)
        {
            matched.Add(RuleFacts.RuleRef(m.Rule));
        }

        var near = new JsonArray();
        var notApplicable = 0;
        foreach (var r in explanation.Rules)
        {
            if (r.Matched)
            {
                continue;
            }

            if (!RuleFacts.IsNearMiss(r))
            {
                notApplicable++;
                continue;
            }

            var o = RuleFacts.RuleRef(r.Rule);
            o["outcome"] = RuleFacts.Outcome(r.Outcome);
            o["failed"] = r.FailedCondition;
            near.Add(o);
        }

        var requirements = new JsonArray();
        foreach (var q in explanation.Requirements)
        {
            var o = RuleFacts.RequirementRef(q.Requirement, q.DeciderId);
            o["met"] = q.Met;
            o["failed"] = q.FailedRequirement;
            requirements.Add(o);
        }

        var result = DecisionJson(explanation.Decision, policy);
        result["request"] = RequestJson(policy, request);
        result["requirements"] = requirements;
        result["matched"] = matched;
        result["nearMisses"] = near;
        result["notApplicable"] = notApplicable;
        return result;
    }
}

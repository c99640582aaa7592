using PolicyCore;
using PolicyCore.Evaluation;
using PolicyCore.Model;

namespace Gateway.Hosting.Policy;

/// <summary>
/// Reasoning over compiled rules and routes for <c>reach</c> and <c>who</c>: which methods and path patterns of a rule
/// can occur on a route, and whether an identity satisfies a rule there — by evaluating the rule with the real
/// evaluator on a representative request (a path the rule and the route's template both match). Conditions on the
/// request's context (time, headers, query) are reported as "conditional", never as reachable or not.
/// </summary>
internal static class RuleProbe
{
    /// <summary>A Monday, 00:30 UTC: time windows are probed hour by hour over the week after it.</summary>
    private static readonly DateTimeOffset ProbeWeek = new(2026, 1, 5, 0, 30, 0, TimeSpan.Zero);

    /// <summary>The rule names the route (or none) and its <c>match.labels</c> hold for the route's labels.</summary>
    public static bool AppliesToRoute(PolicyRule rule, RouteEntry route)
    {
        if (rule.Routes.Count > 0 && !rule.Routes.Contains(route.Id))
        {
            return false;
        }

        foreach (var (name, values) in rule.Labels)
        {
            if (!route.Labels.TryGetValue(name, out var v) || !values.Contains(v))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>Methods the rule can match on the route (empty = any), or null when they do not overlap.</summary>
    public static List<string>? Methods(PolicyRule rule, RouteEntry route, string? method = null)
    {
        var result = new List<string>();
        if (method is not null)
        {
            var m = method.ToUpperInvariant();
            return (rule.Methods.Count == 0 || rule.Methods.Contains(m)) && route.MatchesMethod(m) ? [m] : null;
        }

        if (rule.Methods.Count == 0)
        {
            return [.. route.Methods];
        }

        foreach (var m in rule.Methods)
        {
            if (route.MatchesMethod(m))
            {
                result.Add(m);
            }
        }

        return result.Count == 0 ? null : result;
    }

    /// <summary>The rule's path patterns that can match on the route, each with a sample path both match.</summary>
    public static List<(string Pattern, string Sample)> Paths(PolicyRule rule, RouteEntry route)
    {
        var result = new List<(string, string)>();
        if (rule.Paths.Count == 0)
        {
            result.Add(("*", route.RepresentativePath()));
            return result;
        }

        foreach (var pattern in rule.Paths)
        {
            foreach (var sample in Samples(pattern))
            {
                if (route.MatchesPath(sample))
                {
                    result.Add((pattern, sample));
                    break;
                }
            }
        }

        return result;
    }

    /// <summary>A host the rule and the route both accept, or null.</summary>
    public static string? Host(PolicyRule rule, RouteEntry route, string? host = null)
    {
        if (host is not null)
        {
            return host;
        }

        var candidates = rule.Hosts.Count > 0 ? rule.Hosts : route.Hosts.Count > 0 ? route.Hosts : ["localhost"];
        foreach (var c in candidates)
        {
            var h = ToolRequest.NormalizeHost(c);
            h = h.StartsWith("*.", StringComparison.Ordinal) ? "x" + h[1..] : h;
            if (route.MatchesHost(h))
            {
                return h;
            }
        }

        return null;
    }

    /// <summary>Policy path pattern matching (README: exact, <c>*</c>/<c>{id}</c> one non-empty segment, final <c>/**</c> the prefix and below).</summary>
    public static bool PathMatches(string pattern, string path, bool ignoreCase)
    {
        var cmp = ignoreCase ? StringComparison.OrdinalIgnoreCase : StringComparison.Ordinal;
        if (pattern.EndsWith("/**", StringComparison.Ordinal))
        {
            var prefix = pattern[..^3];
            if (PathMatches(prefix.Length == 0 ? "/" : prefix, path, ignoreCase) && prefix.Length > 0)
            {
                return true;
            }

            var ps = prefix.Split('/');
            var xs = path.Split('/');
            if (xs.Length <= ps.Length)
            {
                return prefix.Length == 0 && path.StartsWith('/');
            }

            for (var i = 0; i < ps.Length; i++)
            {
                if (!SegmentMatches(ps[i], xs[i], cmp))
                {
                    return false;
                }
            }

            return true;
        }

        var p = pattern.Split('/');
        var x = path.Split('/');
        if (p.Length != x.Length)
        {
            return false;
        }

        for (var i = 0; i < p.Length; i++)
        {
            if (!SegmentMatches(p[i], x[i], cmp))
            {
                return false;
            }
        }

        return true;
    }

    private static bool SegmentMatches(string pattern, string segment, StringComparison cmp)
        => pattern == "*" || (pattern.StartsWith('{') && pattern.EndsWith('}')) ? segment.Length > 0 : string.Equals(pattern, segment, cmp);

    private static IEnumerable<string> Samples(string pattern)
    {
        var wide = pattern.EndsWith("/**", StringComparison.Ordinal);
        var body = wide ? pattern[..^3] : pattern;
        var parts = body.Split('/').Select(s => s == "*" || (s.StartsWith('{') && s.EndsWith('}')) ? "x" : s);
        var concrete = string.Join('/', parts);
        if (!wide)
        {
            yield return concrete;
            yield break;
        }

        yield return concrete + "/x";
        yield return concrete.Length == 0 ? "/" : concrete;
    }

    /// <summary>
    /// Whether the identity satisfies the rule on this route for a request (method, host, path): <see cref="Reach.Yes"/>,
    /// <see cref="Reach.Conditional"/> (a time/header/query condition decides; <paramref name="why"/> says which) or
    /// <see cref="Reach.No"/> (<paramref name="why"/> is the failing identity condition).
    /// </summary>
    public static Reach Evaluate(PolicySet policy, PolicyRule rule, PolicyIdentity identity, RouteEntry route, string method, string host, string path, out string? why)
    {
        if (rule.Requirements.Count > 0 && !identity.SenderConstrained)
        {
            // The same identity with a bound credential: if the rule reaches it then, only the requirement stands in the way.
            var bound = new PolicyIdentity(identity.Subject, identity.Issuer, identity.AuthMethod, identity.SpiffeId, identity.TrustDomain, identity.Claims, senderConstrained: true);
            if (Evaluate(policy, rule, bound, route, method, host, path, out why) == Reach.No)
            {
                return Reach.No;
            }

            why = $"require {string.Join(", ", rule.Requirements)}";
            return Reach.SenderConstraintRequired;
        }

        var context = ContextConditions(rule);
        var first = Explain(policy, rule, identity, route, method, host, path, ProbeWeek);
        if (first.Matched)
        {
            why = context.Count == 0 ? null : string.Join("; ", context);
            return context.Count == 0 ? Reach.Yes : Reach.Conditional;
        }

        if (first.FailedCondition is { } failed && RuleFacts.IsContextCondition(failed.Replace(" (cannot be evaluated)", "", StringComparison.Ordinal)))
        {
            if (failed.StartsWith("time:", StringComparison.Ordinal))
            {
                // The identity passed every identity condition before the time window: is there an hour it matches?
                for (var h = 1; h < 7 * 24; h++)
                {
                    if (Explain(policy, rule, identity, route, method, host, path, ProbeWeek.AddHours(h)).Matched)
                    {
                        why = string.Join("; ", context);
                        return Reach.Conditional;
                    }
                }
            }

            why = string.Join("; ", context);
            return Reach.Conditional;
        }

        why = first.FailedCondition;
        return Reach.No;
    }

    private static List<string> ContextConditions(PolicyRule rule) => RuleFacts.ContextConditions(rule);

    private static RuleExplanation Explain(PolicySet policy, PolicyRule rule, PolicyIdentity identity, RouteEntry route, string method, string host, string path, DateTimeOffset time)
    {
        var context = new RequestContext(identity, route.Id, host, method, path, time, route.Labels, new ToolRequestAttributes(new(StringComparer.OrdinalIgnoreCase), new(StringComparer.Ordinal)));
        var explanation = PolicyEvaluator.Explain(policy, context);
        return rule.Order < explanation.Rules.Count && explanation.Rules[rule.Order].Rule.Id == rule.Id
            ? explanation.Rules[rule.Order]
            : explanation.Rules.First(r => r.Rule.Id == rule.Id);
    }
}

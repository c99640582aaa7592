using System.Text;
using System.Text.RegularExpressions;
using PolicyCore.Evaluation;
using PolicyCore.Model;

namespace PolicyCore.Tests.Evaluation;

/// <summary>
/// Property-style check: the indexed evaluator gives the same decision as an obvious linear scan, written here
/// independently from the spec (regexes and string splitting, no shared code), on generated rules and requests. The
/// first file is version 1; the second is version 2 with <c>require: [sender_constrained]</c> on some allow rules and
/// route requirements, and callers are bound or bearer at random.
/// </summary>
public sealed class ReferenceEvaluatorTests : IDisposable
{
    private static readonly string[] Routes = ["r1", "r2", "r3"];
    private static readonly string[] RequestRoutes = ["r1", "r2", "r3", "r4"];
    private static readonly string[] Hosts = ["api.example.org", "*.example.org", "other.org"];
    private static readonly string[] RequestHosts = ["api.example.org", "x.example.org", "a.b.example.org", "example.org", "other.org"];
    private static readonly string[] Methods = ["GET", "POST", "DELETE"];
    private static readonly string[] Paths = ["/a", "/a/**", "/a/*", "/a/{id}/b", "/b", "/", "/a/", "/**"];
    private static readonly string[] RequestPaths = ["/", "/a", "/a/", "/a/b", "/a/b/c", "/a/1/b", "/ab", "/b", "/b/", "/A", "/A/B", "/a/1/B"];
    private static readonly string[] Subjects = ["svc-a", "svc-*", "team/*", "team/**", "**"];
    private static readonly string[] RequestSubjects = ["svc-a", "svc-b", "team/x", "team/x/y", "svc-"];
    private static readonly string[] SpiffeIds = ["spiffe://example.org/ns/*/sa/x", "spiffe://example.org/ns/a/**", "spiffe://example.org/ns/a/sa/x"];
    private static readonly string[] RequestSpiffeIds = ["spiffe://example.org/ns/a/sa/x", "spiffe://example.org/ns/b/sa/x", "spiffe://example.org/ns/a/sa/x/y"];
    private static readonly string[] Scopes = ["read", "write", "admin"];

    private readonly string _dir = Path.Combine(Path.GetTempPath(), "policycore-ref-" + Guid.NewGuid().ToString("N"));

    public ReferenceEvaluatorTests() => Directory.CreateDirectory(_dir);

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Theory]
    [InlineData("Seed1", 1)]
    [InlineData("Seed7", 7)]
    [InlineData("Seed42", 42)]
    [InlineData("Seed2024", 2024)]
    public void Evaluate_GeneratedPolicies_MatchesLinearReference(string name, int seed)
    {
        var random = new Random(seed);
        var rules = new List<RefRule>();
        for (var i = 0; i < 300; i++)
        {
            rules.Add(RandomRule(random, $"rule-{i}", canRequire: i >= 150));
        }

        // Route requirements (version 2, second file): each on one or two routes, with or without an id.
        var requirements = new List<(string? Id, List<string> Routes)>();
        for (var k = 1 + random.Next(2); k > 0; k--)
        {
            var routes = new List<string>();
            Pick(random, RequestRoutes, routes, 1.0);
            requirements.Add((random.Next(2) == 0 ? $"req-{k}" : null, routes));
        }

        // Split over two files to exercise load order across files.
        var first = Path.Combine(_dir, $"{name}-a.yaml");
        var second = Path.Combine(_dir, $"{name}-b.yaml");
        File.WriteAllText(first, ToYaml(rules.GetRange(0, 150), version: 1, []));
        File.WriteAllText(second, ToYaml(rules.GetRange(150, 150), version: 2, requirements));
        var result = PolicyLoader.LoadFiles([first, second]);
        Assert.True(result.Succeeded, string.Join(Environment.NewLine, result.Diagnostics));

        int decided = 0, allowed = 0, denied = 0, senderConstraint = 0;
        for (var i = 0; i < 2000; i++)
        {
            var context = RandomRequest(random);
            var expected = ReferenceEvaluate(rules, requirements, context);
            var actual = PolicyEvaluator.Evaluate(result.Policy, context);
            Assert.True(
                (expected.Effect, expected.RuleId, expected.Reason) == (actual.Effect, actual.RuleId, actual.Reason),
                $"{name} request {i}: {context.Method} {context.Host}{context.Path} route={context.RouteId} subject={context.Identity?.Subject} "
                + $"spiffe={context.Identity?.SpiffeId}: expected {expected}, got {actual}");
            decided += actual.RuleId is null ? 0 : 1;
            allowed += actual.IsAllowed ? 1 : 0;
            denied += actual.Reason == DecisionReason.DeniedByRule ? 1 : 0;
            senderConstraint += actual.Reason == DecisionReason.SenderConstraintRequired ? 1 : 0;
        }

        Assert.True(decided > 200, $"too few requests matched a rule ({decided}); the generator is not exercising the evaluator");
        Assert.True(allowed > 200 && denied > 200 && senderConstraint > 50, $"allowed {allowed}, denied by rule {denied}, sender constraint {senderConstraint}");
    }

    private static Decision ReferenceEvaluate(List<RefRule> rules, List<(string? Id, List<string> Routes)> requirements, RequestContext context)
    {
        if (context.Identity is null)
        {
            return Decision.NoMatch;
        }

        var bound = context.Identity.SenderConstrained;
        RefRule? firstAllow = null;
        RefRule? firstBlocked = null;
        foreach (var rule in rules)
        {
            if (!RefMatches(rule, context))
            {
                continue;
            }

            if (rule.Effect == "deny")
            {
                return new Decision(Effect.Deny, rule.Id, DecisionReason.DeniedByRule);
            }

            if (rule.RequireSenderConstrained && !bound)
            {
                firstBlocked ??= rule;
            }
            else
            {
                firstAllow ??= rule;
            }
        }

        foreach (var (id, routes) in requirements)
        {
            if (!bound && context.RouteId is not null && routes.Contains(context.RouteId))
            {
                return new Decision(Effect.Deny, id ?? "requirement:" + context.RouteId, DecisionReason.SenderConstraintRequired);
            }
        }

        return firstAllow is not null ? new Decision(Effect.Allow, firstAllow.Id, DecisionReason.AllowedByRule)
            : firstBlocked is not null ? new Decision(Effect.Deny, firstBlocked.Id, DecisionReason.SenderConstraintRequired)
            : Decision.NoMatch;
    }

    private static bool RefMatches(RefRule rule, RequestContext context)
    {
        var identity = context.Identity!;
        return (rule.Routes.Count == 0 || (context.RouteId is not null && rule.Routes.Contains(context.RouteId)))
            && (rule.Hosts.Count == 0 || rule.Hosts.Exists(h => HostMatches(h, context.Host)))
            && (rule.Methods.Count == 0 || rule.Methods.Contains(context.Method))
            && (rule.Paths.Count == 0 || rule.Paths.Exists(p => PathMatches(p, context.Path, ignoreCase: rule.Effect == "deny")))
            && (rule.Subjects.Count == 0 || rule.Subjects.Exists(s => IdentityMatches(s, identity.Subject)))
            && (rule.SpiffeIds.Count == 0 || (identity.SpiffeId is not null && rule.SpiffeIds.Exists(s => IdentityMatches(s, identity.SpiffeId))))
            && (rule.ScopeContains is null || (identity.Claims.TryGetValue("scope", out var scopes) && Array.IndexOf(scopes, rule.ScopeContains) >= 0))
            && (rule.EnvEquals is null || (identity.Claims.TryGetValue("env", out var env) && env.Length == 1 && env[0] == rule.EnvEquals));
    }

    private static bool HostMatches(string pattern, string host)
        => pattern.StartsWith("*.", StringComparison.Ordinal)
            ? host.EndsWith(pattern[1..], StringComparison.OrdinalIgnoreCase) && host.Length > pattern.Length - 1
            : string.Equals(pattern, host, StringComparison.OrdinalIgnoreCase);

    private static bool PathMatches(string pattern, string path, bool ignoreCase)
    {
        var p = pattern[1..].Split('/');
        var s = path[1..].Split('/');
        var rest = p[^1] == "**";
        var fixedCount = rest ? p.Length - 1 : p.Length;
        if (rest ? s.Length < fixedCount : s.Length != fixedCount)
        {
            return false;
        }

        for (var i = 0; i < fixedCount; i++)
        {
            var wildcard = p[i] == "*" || p[i].StartsWith('{');
            if (wildcard ? s[i].Length == 0 : !string.Equals(p[i], s[i], ignoreCase ? StringComparison.OrdinalIgnoreCase : StringComparison.Ordinal))
            {
                return false;
            }
        }

        return true;
    }

    private static bool IdentityMatches(string pattern, string value)
    {
        var regex = new StringBuilder("^");
        var body = pattern;
        var rest = false;
        if (pattern == "**" || pattern.EndsWith("/**", StringComparison.Ordinal))
        {
            body = pattern[..^2];
            rest = true;
        }

        foreach (var part in body.Split('*'))
        {
            if (regex.Length > 1)
            {
                regex.Append("[^/]+");
            }

            regex.Append(Regex.Escape(part));
        }

        regex.Append(rest ? ".+$" : "$");
        return Regex.IsMatch(value, regex.ToString(), RegexOptions.CultureInvariant);
    }

    private static RefRule RandomRule(Random random, string id, bool canRequire)
    {
        // Few, narrow deny rules: with many broad ones nearly every request is denied and allow rules go untested.
        var deny = random.Next(20) == 0;
        var rule = new RefRule(id, deny ? "deny" : "allow");
        rule.RequireSenderConstrained = canRequire && !deny && random.Next(3) == 0;
        Pick(random, Routes, rule.Routes, 0.5);
        Pick(random, Hosts, rule.Hosts, 0.2);
        Pick(random, Methods, rule.Methods, deny ? 1.0 : 0.4);
        Pick(random, Paths, rule.Paths, deny ? 1.0 : 0.5);
        Pick(random, Subjects, rule.Subjects, deny ? 1.0 : 0.5);
        Pick(random, SpiffeIds, rule.SpiffeIds, 0.2);
        rule.ScopeContains = random.Next(4) == 0 ? Scopes[random.Next(Scopes.Length)] : null;
        rule.EnvEquals = random.Next(6) == 0 ? (random.Next(2) == 0 ? "prod" : "dev") : null;
        return rule;
    }

    private static void Pick(Random random, string[] pool, List<string> target, double probability)
    {
        if (random.NextDouble() >= probability)
        {
            return;
        }

        var count = 1 + random.Next(2);
        for (var i = 0; i < count; i++)
        {
            var value = pool[random.Next(pool.Length)];
            if (!target.Contains(value))
            {
                target.Add(value);
            }
        }
    }

    private static RequestContext RandomRequest(Random random)
    {
        PolicyIdentity? identity = null;
        if (random.Next(10) != 0)
        {
            var claims = new Dictionary<string, string[]>();
            if (random.Next(3) != 0)
            {
                claims["scope"] = random.Next(2) == 0 ? [Scopes[random.Next(Scopes.Length)]] : [Scopes[random.Next(Scopes.Length)], Scopes[random.Next(Scopes.Length)]];
            }

            if (random.Next(2) == 0)
            {
                claims["env"] = random.Next(4) == 0 ? ["prod", "dev"] : [random.Next(2) == 0 ? "prod" : "dev"];
            }

            identity = new PolicyIdentity(
                RequestSubjects[random.Next(RequestSubjects.Length)],
                "https://issuer.example.org",
                "jwt",
                random.Next(3) == 0 ? null : RequestSpiffeIds[random.Next(RequestSpiffeIds.Length)],
                "example.org",
                claims,
                senderConstrained: random.Next(2) == 0);
        }

        return new RequestContext(
            identity,
            random.Next(5) == 0 ? null : RequestRoutes[random.Next(RequestRoutes.Length)],
            RequestHosts[random.Next(RequestHosts.Length)],
            Methods[random.Next(Methods.Length)],
            RequestPaths[random.Next(RequestPaths.Length)],
            DateTimeOffset.UnixEpoch);
    }

    private static string ToYaml(List<RefRule> rules, int version, List<(string? Id, List<string> Routes)> requirements)
    {
        var text = new StringBuilder($"version: {version}\n");
        if (requirements.Count > 0)
        {
            text.Append("requirements:\n");
            foreach (var (id, routes) in requirements)
            {
                text.Append(id is null ? "  - require: [sender_constrained]\n" : $"  - id: {id}\n    require: [sender_constrained]\n");
                AppendList(text, "    routes", routes);
            }
        }

        text.Append("rules:\n");
        foreach (var rule in rules)
        {
            text.Append("  - id: ").Append(rule.Id).Append('\n');
            text.Append("    effect: ").Append(rule.Effect).Append('\n');
            if (rule.RequireSenderConstrained)
            {
                text.Append("    require: [sender_constrained]\n");
            }

            text.Append("    match:\n");
            AppendList(text, "      routes", rule.Routes);
            AppendList(text, "      hosts", rule.Hosts);
            AppendList(text, "      methods", rule.Methods);
            AppendList(text, "      paths", rule.Paths);
            text.Append("    when:\n");
            AppendList(text, "      subjects", rule.Subjects);
            AppendList(text, "      spiffe_ids", rule.SpiffeIds);
            if (rule.ScopeContains is not null || rule.EnvEquals is not null)
            {
                text.Append("      claims:\n");
                if (rule.ScopeContains is not null)
                {
                    text.Append("        - name: scope\n          contains: ").Append(rule.ScopeContains).Append('\n');
                }

                if (rule.EnvEquals is not null)
                {
                    text.Append("        - name: env\n          equals: ").Append(rule.EnvEquals).Append('\n');
                }
            }
        }

        return text.ToString();
    }

    private static void AppendList(StringBuilder text, string key, List<string> values)
    {
        text.Append(key).Append(": [");
        for (var i = 0; i < values.Count; i++)
        {
            text.Append(i == 0 ? "\"" : ", \"").Append(values[i]).Append('"');
        }

        text.Append("]\n");
    }

    private sealed class RefRule(string id, string effect)
    {
        public string Id { get; } = id;

        public string Effect { get; } = effect;

        public List<string> Routes { get; } = [];

        public List<string> Hosts { get; } = [];

        public List<string> Methods { get; } = [];

        public List<string> Paths { get; } = [];

        public List<string> Subjects { get; } = [];

        public List<string> SpiffeIds { get; } = [];

        public string? ScopeContains { get; set; }

        public string? EnvEquals { get; set; }

        public bool RequireSenderConstrained { get; set; }
    }
}

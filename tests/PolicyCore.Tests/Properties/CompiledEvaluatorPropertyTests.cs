using System.Text;
using System.Text.RegularExpressions;
using CsCheck;
using PolicyCore.Evaluation;
using PolicyCore.Model;
using PolicyCore.Tests.Support;

namespace PolicyCore.Tests.Properties;

/// <summary>
/// Property test (CsCheck): generated version 2 policies (roles with nested roles and aliases, aliases, route labels,
/// attribute segmentation, header conditions, not/any combinators, shadow rules, rules with and without routes,
/// <c>require: [sender_constrained]</c> on allow rules, <c>when.sender_constrained</c>, enforced and shadow route
/// requirements with and without ids) and generated requests (bound and bearer credentials). The compiled, indexed
/// evaluator must give exactly what a plain reference evaluator gives: the effect, the deciding rule, the reason, the
/// shadow outcome and the "could not be evaluated" count and rule. The reference is
/// written here from the README's semantics, sharing no code with PolicyCore (regexes, string splitting, linear scans).
/// </summary>
public sealed class CompiledEvaluatorPropertyTests
{
    private static readonly string[] Routes = ["r1", "r2", "r3"];
    private static readonly string[] RequirementRoutes = ["r1", "r2", "r3", "r4"];
    private static readonly string[] Methods = ["GET", "POST", "DELETE"];
    private static readonly string[] Paths = ["/a", "/a/**", "/a/*", "/a/{id}/b", "/b", "/", "/a/", "/**", "/B/**"];
    private static readonly string[] RequestPaths = ["/", "/a", "/a/", "/a/b", "/a/1/b", "/ab", "/b", "/b/x", "/A", "/B/c", "/c"];
    private static readonly string[] Subjects = ["svc-a", "svc-*", "team/*", "**"];
    private static readonly string[] RequestSubjects = ["svc-a", "svc-b", "team/x", "team/x/y"];
    private static readonly string[] SpiffeIds = ["spiffe://example.org/ns/*/sa/x", "spiffe://example.org/ns/a/**", "spiffe://example.org/ns/a/sa/x"];
    private static readonly string?[] RequestSpiffeIds = ["spiffe://example.org/ns/a/sa/x", "spiffe://example.org/ns/b/sa/x", "spiffe://example.org/ns/a/sa/x/y", null];
    private static readonly string[] RoleNames = ["r0", "r1", "r2"];
    private static readonly string[] AliasNames = ["a0", "a1"];

    private static Gen<string[]> Subset(string[] pool, int percent)
        => Gen.Int[0, 99].SelectMany(p => p >= percent
            ? Gen.Const(Array.Empty<string>())
            : Gen.OneOf(pool).Array[1, 2].Select(a => a.Distinct().ToArray()));

    private static Gen<T?> Maybe<T>(Gen<T> gen, int percent)
        where T : class
        => Gen.Int[0, 99].SelectMany(p => p < percent ? gen.Select(x => (T?)x) : Gen.Const((T?)null));

    private static readonly Gen<Claim> ClaimGen =
        Gen.Select(Gen.OneOf("env", "groups"), Gen.OneOf("prod", "dev", "ops"), Gen.Bool, (n, v, eq) => new Claim(n, v, eq));

    private static Gen<Block> IdentityBlock(string[] roles) =>
        Gen.Select(Subset(Subjects, 50), Subset(SpiffeIds, 40), Maybe(ClaimGen, 30), Subset(AliasNames, 20),
                roles.Length == 0 ? Gen.Const(Array.Empty<string>()) : Subset(roles, 25),
                (s, sp, c, a, r) => new Block { Subjects = s, SpiffeIds = sp, Claim = c, Aliases = a, Roles = r })
            .Where(b => !b.IsEmpty);

    private static Gen<Block> RuleBlock(int depth)
    {
        var leaf = Gen.Select(
            Subset(Subjects, 40), Subset(SpiffeIds, 25), Maybe(ClaimGen, 25), Subset(RoleNames, 15), Subset(AliasNames, 15),
            Gen.Int[0, 99], Gen.Int[0, 99], Gen.Int[0, 99], Gen.Int[0, 99],
            (s, sp, c, r, a, ns, header, zone, bound) => new Block
            {
                Subjects = s, SpiffeIds = sp, Claim = c, Roles = r, Aliases = a, NamespaceEqualsLabel = ns < 10,
                DebugHeader = header < 8 ? true : header < 15 ? false : null, Zone = zone < 8 ? "prod" : zone < 12 ? "dev" : null,
                SenderConstrained = bound < 5 ? true : bound < 10 ? false : null,
            });
        if (depth == 0)
        {
            return leaf;
        }

        var inner = RuleBlock(depth - 1).Where(b => !b.IsEmpty);
        return Gen.Select(leaf, Maybe(inner, 10), Maybe(inner.Array[1, 2], 10), (b, not, any) => b with { Not = not, Any = any });
    }

    private static readonly Gen<Rule> RuleGen = Gen.Select(
        Gen.Int[0, 99], Gen.Int[0, 99], Subset(Routes, 50), Subset(Methods, 40), Subset(Paths, 50),
        Gen.Int[0, 99], Maybe(RuleBlock(1), 85), Gen.Int[0, 99],
        (effect, mode, routes, methods, paths, zone, when, require) => new Rule
        {
            Deny = effect < 30, Shadow = mode < 12, Routes = routes, Methods = methods, Paths = paths,
            MatchZone = zone < 10 ? "prod" : null, When = when, Require = effect >= 30 && require < 30,
        });

    private static readonly Gen<RouteRequirement> RequirementGen = Gen.Select(
        Gen.Int[0, 99], Gen.Int[0, 99], Gen.OneOf(RequirementRoutes).Array[1, 2],
        (id, mode, routes) => new RouteRequirement(id < 40, mode < 25, [.. routes.Distinct()]));

    private static readonly Gen<Policy> PolicyGen = Gen.Select(
        IdentityBlock([]).Array[1, 2], IdentityBlock(["r0"]).Array[1, 2], IdentityBlock(["r0", "r1"]).Array[1, 2],
        IdentityBlock([]).Where(b => b.Roles.Length == 0 && b.Aliases.Length == 0), IdentityBlock([]).Where(b => b.Roles.Length == 0 && b.Aliases.Length == 0),
        RuleGen.Array[1, 30], Gen.Bool, Gen.Int[0, 99].SelectMany(p => p < 55 ? Gen.Const(Array.Empty<RouteRequirement>()) : RequirementGen.Array[1, 3]),
        (g0, g1, g2, a0, a1, rules, shadowFile, requirements) => new Policy([g0, g1, g2], [a0, a1], rules, shadowFile, requirements));

    private static readonly Gen<Request> RequestGen = Gen.Select(
        Gen.Int[0, 19], Gen.OneOf(RequestSubjects), Gen.OneOf(RequestSpiffeIds), Gen.OneOf("prod", "dev", "both", "none"),
        Gen.OneOf("ops", "none"), Gen.OneOf<string?>("r1", "r2", "r3", "r4", null), Gen.OneOf(Methods),
        Gen.Select(Gen.OneOf(RequestPaths), Gen.OneOf<string?>("prod", "dev", null), Gen.OneOf<string?>("a", "b", null), Gen.Int[0, 2],
            (p, z, n, h) => (Path: p, Zone: z, Namespace: n, Header: h)),
        Gen.Bool,
        (anon, subject, spiffe, env, groups, route, method, rest, bound) => new Request(
            anon == 0 ? null : subject, spiffe, env, groups, route, method, rest.Path, rest.Zone, rest.Namespace, rest.Header, bound));

    [Fact]
    public void Evaluate_GeneratedPolicies_EqualsReferenceEvaluator()
    {
        int allows = 0, denies = 0, shadows = 0, unevaluable = 0, senderConstraint = 0, routeRequirement = 0, shadowRequirement = 0;
        Gen.Select(PolicyGen, RequestGen.Array[60, 60]).Sample(
            (policy, requests) =>
            {
                var yaml = policy.ToYaml();
                var result = PolicyLoader.LoadText("gen.yaml", yaml);
                Assert.True(result.Succeeded, string.Join("\n", result.Diagnostics) + "\n" + yaml);
                foreach (var request in requests)
                {
                    var context = request.ToContext();
                    var expected = Reference(policy, request);
                    var actual = PolicyEvaluator.Evaluate(result.Policy, context);
                    var got = (actual.Effect, actual.RuleId, actual.Reason, actual.ShadowEffect, actual.ShadowRuleId, actual.UnevaluableRuleCount, actual.UnevaluableRuleId);
                    Assert.True(expected == got, $"{request}: expected {expected}, got {got}\n{yaml}");
                    Assert.Equal(actual, PolicyEvaluator.Explain(result.Policy, context).Decision);
                    allows += actual.IsAllowed ? 1 : 0;
                    denies += actual.Reason == DecisionReason.DeniedByRule ? 1 : 0;
                    shadows += actual.ShadowRuleId is null ? 0 : 1;
                    unevaluable += actual.UnevaluableRuleCount > 0 ? 1 : 0;
                    senderConstraint += actual.Reason == DecisionReason.SenderConstraintRequired ? 1 : 0;
                    routeRequirement += actual.Reason == DecisionReason.SenderConstraintRequired && !actual.RuleId!.StartsWith("rule-", StringComparison.Ordinal) ? 1 : 0;
                    shadowRequirement += actual.ShadowRuleId is { } sr && !sr.StartsWith("rule-", StringComparison.Ordinal) ? 1 : 0;
                }
            },
            iter: 300,
            threads: 1);

        // The generator must exercise every outcome, or the equality above proves little.
        Assert.True(
            allows > 500 && denies > 200 && shadows > 100 && unevaluable > 200 && senderConstraint > 300 && routeRequirement > 100 && shadowRequirement > 20,
            $"allows {allows}, denies {denies}, shadows {shadows}, unevaluable {unevaluable}, sender constraint {senderConstraint} "
            + $"(route requirement {routeRequirement}), shadow requirement {shadowRequirement}");
    }

    // ---------------------------------------------------------------- reference evaluator

    private enum T3
    {
        F,
        T,
        E,
    }

    private static T3 And(IEnumerable<T3> values)
    {
        var list = values.ToList();
        return list.Contains(T3.F) ? T3.F : list.Contains(T3.E) ? T3.E : T3.T;
    }

    private static T3 Or(IEnumerable<T3> values)
    {
        var list = values.ToList();
        return list.Contains(T3.T) ? T3.T : list.Contains(T3.E) ? T3.E : T3.F;
    }

    private static (Effect, string?, DecisionReason, Effect?, string?, int, string?) Reference(Policy policy, Request request)
    {
        if (request.Subject is null)
        {
            return (Effect.Deny, null, DecisionReason.NoMatchingRule, null, null, 0, null);
        }

        var truths = new T3[policy.Rules.Length];
        for (var i = 0; i < truths.Length; i++)
        {
            truths[i] = RuleTruth(policy, policy.Rules[i], request);
        }

        bool IsShadow(int i) => policy.ShadowFile || policy.Rules[i].Shadow;
        bool Met(int i) => !policy.Rules[i].Require || request.Bound;
        bool RequirementShadow(int k) => policy.ShadowFile || policy.Requirements[k].Shadow;
        bool RequirementUnmet(int k) => !request.Bound && request.Route is not null && policy.Requirements[k].Routes.Contains(request.Route);
        var count = 0;
        string? first = null;
        int? deny = null, allow = null, blocked = null, requirement = null;
        for (var i = 0; i < truths.Length && deny is null; i++)
        {
            if (!policy.Rules[i].Deny || IsShadow(i))
            {
                continue;
            }

            if (truths[i] == T3.T)
            {
                deny = i;
            }
            else if (truths[i] == T3.E)
            {
                count++;
                first ??= Id(i);
            }
        }

        if (deny is null)
        {
            requirement = Enumerable.Range(0, policy.Requirements.Length).Where(k => !RequirementShadow(k) && RequirementUnmet(k)).Cast<int?>().FirstOrDefault();
        }

        if (deny is null && requirement is null)
        {
            for (var i = 0; i < truths.Length && allow is null; i++)
            {
                if (policy.Rules[i].Deny || IsShadow(i))
                {
                    continue;
                }

                if (truths[i] == T3.T && Met(i))
                {
                    allow = i;
                }
                else if (truths[i] == T3.T)
                {
                    blocked ??= i;
                }
                else if (truths[i] == T3.E)
                {
                    count++;
                    first ??= Id(i);
                }
            }
        }

        // Shadow outcome: the decision if every rule and requirement were enforced; reported when a shadow one decides it.
        Effect? shadowEffect = null;
        string? shadowRule = null;
        var all = Enumerable.Range(0, truths.Length).ToList();
        var combinedDeny = all.Where(i => policy.Rules[i].Deny && truths[i] == T3.T).Cast<int?>().FirstOrDefault();
        var combinedRequirement = Enumerable.Range(0, policy.Requirements.Length).Where(RequirementUnmet).Cast<int?>().FirstOrDefault();
        var combinedAllow = all.Where(i => !policy.Rules[i].Deny && truths[i] == T3.T && Met(i)).Cast<int?>().FirstOrDefault();
        var combinedBlocked = all.Where(i => !policy.Rules[i].Deny && truths[i] == T3.T && !Met(i)).Cast<int?>().FirstOrDefault();
        var (isShadow, effect, decider) = combinedDeny is { } cd ? (IsShadow(cd), Effect.Deny, Id(cd))
            : combinedRequirement is { } cr ? (RequirementShadow(cr), Effect.Deny, RequirementId(policy, cr, request.Route!))
            : combinedAllow is { } ca ? (IsShadow(ca), Effect.Allow, Id(ca))
            : combinedBlocked is { } cb ? (IsShadow(cb), Effect.Deny, Id(cb))
            : (false, Effect.Deny, "");
        if (isShadow)
        {
            (shadowEffect, shadowRule) = (effect, decider);
        }

        return deny is { } x ? (Effect.Deny, Id(x), DecisionReason.DeniedByRule, shadowEffect, shadowRule, count, first)
            : requirement is { } r ? (Effect.Deny, RequirementId(policy, r, request.Route!), DecisionReason.SenderConstraintRequired, shadowEffect, shadowRule, count, first)
            : allow is { } y ? (Effect.Allow, Id(y), DecisionReason.AllowedByRule, shadowEffect, shadowRule, count, first)
            : blocked is { } z ? (Effect.Deny, Id(z), DecisionReason.SenderConstraintRequired, shadowEffect, shadowRule, count, first)
            : (Effect.Deny, null, DecisionReason.NoMatchingRule, shadowEffect, shadowRule, count, first);
    }

    private static string RequirementId(Policy policy, int k, string route) => policy.Requirements[k].HasId ? $"req-{k}" : "requirement:" + route;

    private static string Id(int i) => $"rule-{i}";

    private static T3 RuleTruth(Policy policy, Rule rule, Request request)
    {
        var matches = (rule.Routes.Length == 0 || (request.Route is not null && rule.Routes.Contains(request.Route)))
            && (rule.Methods.Length == 0 || rule.Methods.Contains(request.Method))
            && (rule.Paths.Length == 0 || rule.Paths.Any(p => PathMatches(p, request.Path, ignoreCase: rule.Deny)));
        if (!matches)
        {
            return T3.F;
        }

        var parts = new List<T3>();
        if (rule.MatchZone is not null)
        {
            parts.Add(request.Zone is null ? T3.E : request.Zone == rule.MatchZone ? T3.T : T3.F);
        }

        if (rule.When is not null)
        {
            parts.Add(BlockTruth(policy, rule.When, request));
        }

        return And(parts);
    }

    private static T3 BlockTruth(Policy policy, Block block, Request request)
    {
        var parts = new List<T3>();
        if (block.Subjects.Length > 0)
        {
            parts.Add(block.Subjects.Any(s => IdentityMatches(s, request.Subject!)) ? T3.T : T3.F);
        }

        if (block.SpiffeIds.Length > 0)
        {
            parts.Add(request.SpiffeId is null ? T3.E : block.SpiffeIds.Any(s => IdentityMatches(s, request.SpiffeId)) ? T3.T : T3.F);
        }

        if (block.Claim is { } claim)
        {
            var values = request.Claims.TryGetValue(claim.Name, out var v) ? v : null;
            parts.Add(values is null ? T3.E
                : claim.Equal ? (values.Length != 1 ? T3.E : values[0] == claim.Value ? T3.T : T3.F)
                : values.Contains(claim.Value) ? T3.T : T3.F);
        }

        if (block.Zone is not null)
        {
            parts.Add(request.Zone is null ? T3.E : request.Zone == block.Zone ? T3.T : T3.F);
        }

        if (block.NamespaceEqualsLabel)
        {
            var m = request.SpiffeId is null ? null : Regex.Match(request.SpiffeId, "^spiffe://[^/]+/ns/([^/]+)/sa/[^/]+$");
            parts.Add(m is null || !m.Success || request.Namespace is null ? T3.E : m.Groups[1].Value == request.Namespace ? T3.T : T3.F);
        }

        if (block.Aliases.Length > 0)
        {
            parts.Add(Or(block.Aliases.Select(a => BlockTruth(policy, policy.Aliases[Array.IndexOf(AliasNames, a)], request))));
        }

        if (block.Roles.Length > 0)
        {
            parts.Add(Or(block.Roles.Select(r => RoleTruth(policy, r, request))));
        }

        if (block.SenderConstrained is { } bound)
        {
            parts.Add(request.Bound == bound ? T3.T : T3.F);
        }

        if (block.DebugHeader is { } present)
        {
            parts.Add(request.Header == 0 ? T3.E : (request.Header == 2) == present ? T3.T : T3.F);
        }

        if (block.Not is { } not)
        {
            parts.Add(BlockTruth(policy, not, request) switch { T3.T => T3.F, T3.F => T3.T, _ => T3.E });
        }

        if (block.Any is { } any)
        {
            parts.Add(Or(any.Select(b => BlockTruth(policy, b, request))));
        }

        return And(parts);
    }

    private static T3 RoleTruth(Policy policy, string role, Request request)
        => Or(policy.RoleGrants[Array.IndexOf(RoleNames, role)].Select(g => BlockTruth(policy, g, request)));

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

        var pieces = body.Split('*');
        for (var i = 0; i < pieces.Length; i++)
        {
            regex.Append(i == 0 ? "" : "[^/]+").Append(Regex.Escape(pieces[i]));
        }

        regex.Append(rest ? ".+$" : "$");
        return Regex.IsMatch(value, regex.ToString(), RegexOptions.CultureInvariant);
    }

    // ---------------------------------------------------------------- model and YAML

    private sealed record Claim(string Name, string Value, bool Equal);

    private sealed record Block
    {
        public string[] Subjects { get; init; } = [];
        public string[] SpiffeIds { get; init; } = [];
        public Claim? Claim { get; init; }
        public string[] Roles { get; init; } = [];
        public string[] Aliases { get; init; } = [];
        public bool NamespaceEqualsLabel { get; init; }
        public bool? DebugHeader { get; init; }
        public string? Zone { get; init; }
        public Block? Not { get; init; }
        public Block[]? Any { get; init; }
        public bool? SenderConstrained { get; init; }

        public bool IsEmpty => Subjects.Length == 0 && SpiffeIds.Length == 0 && Claim is null && Roles.Length == 0 && Aliases.Length == 0
            && !NamespaceEqualsLabel && DebugHeader is null && Zone is null && Not is null && Any is null && SenderConstrained is null;

        public string ToYaml()
        {
            var fields = new List<string>();
            if (Subjects.Length > 0) fields.Add("subjects: " + Flow(Subjects));
            if (SpiffeIds.Length > 0) fields.Add("spiffe_ids: " + Flow(SpiffeIds));
            if (Claim is { } c) fields.Add($"claims: [{{ name: {c.Name}, {(c.Equal ? "equals" : "contains")}: \"{c.Value}\" }}]");
            if (Roles.Length > 0) fields.Add("roles: " + Flow(Roles));
            if (Aliases.Length > 0) fields.Add("identities: " + Flow(Aliases));
            if (NamespaceEqualsLabel) fields.Add("attributes: [{ identity: spiffe.namespace, equals_label: namespace }]");
            if (DebugHeader is { } h) fields.Add($"headers: [{{ name: X-Debug, present: {(h ? "true" : "false")} }}]");
            if (Zone is not null) fields.Add($"labels: {{ zone: \"{Zone}\" }}");
            if (SenderConstrained is { } sc) fields.Add($"sender_constrained: {(sc ? "true" : "false")}");
            if (Not is not null) fields.Add("not: " + Not.ToYaml());
            if (Any is not null) fields.Add("any: [" + string.Join(", ", Any.Select(b => b.ToYaml())) + "]");
            return "{ " + string.Join(", ", fields) + " }";
        }
    }

    private sealed record Rule
    {
        public bool Deny { get; init; }
        public bool Shadow { get; init; }
        public string[] Routes { get; init; } = [];
        public string[] Methods { get; init; } = [];
        public string[] Paths { get; init; } = [];
        public string? MatchZone { get; init; }
        public Block? When { get; init; }
        public bool Require { get; init; }
    }

    private sealed record RouteRequirement(bool HasId, bool Shadow, string[] Routes);

    private sealed record Policy(Block[][] RoleGrants, Block[] Aliases, Rule[] Rules, bool ShadowFile, RouteRequirement[] Requirements)
    {
        public string ToYaml()
        {
            var text = new StringBuilder("version: 2\nspiffe_path: /ns/{namespace}/sa/{service_account}\n");
            if (ShadowFile)
            {
                text.Append("mode: shadow\n");
            }

            text.Append("identities:\n");
            for (var i = 0; i < Aliases.Length; i++)
            {
                text.Append("  ").Append(AliasNames[i]).Append(": ").Append(Aliases[i].ToYaml()).Append('\n');
            }

            text.Append("roles:\n");
            for (var i = 0; i < RoleGrants.Length; i++)
            {
                text.Append("  ").Append(RoleNames[i]).Append(":\n    grants: [").Append(string.Join(", ", RoleGrants[i].Select(g => g.ToYaml()))).Append("]\n");
            }

            if (Requirements.Length > 0)
            {
                text.Append("requirements:\n");
                for (var k = 0; k < Requirements.Length; k++)
                {
                    var r = Requirements[k];
                    text.Append("  - { ").Append(r.HasId ? $"id: req-{k}, " : "").Append(r.Shadow ? "mode: shadow, " : "")
                        .Append("routes: ").Append(Flow(r.Routes)).Append(", require: [sender_constrained] }\n");
                }
            }

            text.Append("rules:\n");
            for (var i = 0; i < Rules.Length; i++)
            {
                var rule = Rules[i];
                text.Append("  - id: ").Append(Id(i)).Append("\n    effect: ").Append(rule.Deny ? "deny" : "allow").Append('\n');
                if (rule.Shadow)
                {
                    text.Append("    mode: shadow\n");
                }

                if (rule.Require)
                {
                    text.Append("    require: [sender_constrained]\n");
                }

                text.Append("    match: { routes: ").Append(Flow(rule.Routes)).Append(", methods: ").Append(Flow(rule.Methods))
                    .Append(", paths: ").Append(Flow(rule.Paths));
                if (rule.MatchZone is not null)
                {
                    text.Append(", labels: { zone: \"").Append(rule.MatchZone).Append("\" }");
                }

                text.Append(" }\n");
                if (rule.When is not null)
                {
                    text.Append("    when: ").Append(rule.When.ToYaml()).Append('\n');
                }
            }

            return text.ToString();
        }
    }

    private static string Flow(string[] values) => "[" + string.Join(", ", values.Select(v => "\"" + v + "\"")) + "]";

    private sealed record Request(
        string? Subject, string? SpiffeId, string Env, string Groups, string? Route, string Method, string Path, string? Zone, string? Namespace, int Header,
        bool Bound)
    {
        public Dictionary<string, string[]> Claims
        {
            get
            {
                var claims = new Dictionary<string, string[]>();
                if (Env != "none")
                {
                    claims["env"] = Env == "both" ? ["prod", "dev"] : [Env];
                }

                if (Groups != "none")
                {
                    claims["groups"] = [Groups, "all"];
                }

                return claims;
            }
        }

        public RequestContext ToContext()
        {
            var identity = Subject is null ? null : new PolicyIdentity(Subject, "https://issuer.example.org", "jwt", SpiffeId, "example.org", Claims, senderConstrained: Bound);
            var labels = new Dictionary<string, string>();
            if (Zone is not null)
            {
                labels["zone"] = Zone;
            }

            if (Namespace is not null)
            {
                labels["namespace"] = Namespace;
            }

            // Header: 0 = no header access, 1 = access without X-Debug, 2 = X-Debug present.
            var attributes = Header == 0 ? null : new TestRequestAttributes(Header == 2 ? new() { ["X-Debug"] = "1" } : null);
            return new RequestContext(identity, Route, "api.example.org", Method, Path, PolicyTestHelpers.Now, labels, attributes);
        }
    }
}

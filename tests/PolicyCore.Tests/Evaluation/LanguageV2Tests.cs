using PolicyCore.Evaluation;
using PolicyCore.Model;
using PolicyCore.Tests.Support;
using static PolicyCore.Tests.Support.PolicyTestHelpers;

namespace PolicyCore.Tests.Evaluation;

public class LanguageV2Tests
{
    private const string Td = "spiffe://example.org";

    private const string SegmentationPolicy = """
        version: 2
        spiffe_path: /ns/{namespace}/sa/{service_account}
        identities:
          settlement-service:
            spiffe_ids: ["spiffe://example.org/ns/settlement/sa/api"]
        roles:
          payments-reader:
            grants:
              - identities: [settlement-service]
              - spiffe_ids: ["spiffe://example.org/ns/payments/sa/*"]
          auditor:
            grants:
              - issuers: ["https://idp.example.org"]
                claims: [{ name: groups, contains: auditors }]
          reader-or-auditor:
            grants:
              - roles: [payments-reader]
              - roles: [auditor]
        rules:
          - id: read-payments
            effect: allow
            match: { routes: [payments], methods: [GET], labels: { zone: prod } }
            when: { roles: [reader-or-auditor] }
            obligations:
              headers: { X-Tenant: payments }
              rate_limit_class: gold
          - id: same-namespace
            effect: allow
            match: { methods: [GET, POST], paths: ["/internal/**"] }
            when:
              attributes:
                - identity: spiffe.namespace
                  equals_label: namespace
          - id: dev-never-prod
            effect: deny
            match: { labels: { zone: prod } }
            when: { trust_domains: [dev.example.org] }
        """;

    private static readonly PolicySet Segmentation = Compile(SegmentationPolicy);

    private static PolicyIdentity Spiffe(string path, string trustDomain = "example.org", Dictionary<string, string[]>? claims = null, string? issuer = "https://issuer.example.org")
        => Identity(subject: $"spiffe://{trustDomain}{path}", spiffeId: $"spiffe://{trustDomain}{path}", trustDomain: trustDomain, claims: claims, issuer: issuer);

    private static RequestContext At(PolicyIdentity? identity, string path = "/", string method = "GET", string? route = null,
        Dictionary<string, string>? labels = null, IRequestAttributes? attributes = null, DateTimeOffset? time = null)
        => new(identity, route, "api.example.org", method, path, time ?? Now, labels, attributes);

    private static readonly Dictionary<string, string> Prod = new() { ["zone"] = "prod", ["namespace"] = "payments" };

    public static TheoryData<string, string, string?, string?> RoleCases => new()
    {
        // name, spiffe path, groups claim, expected rule
        { "AliasThroughNestedRole", "/ns/settlement/sa/api", null, "read-payments" },
        { "PatternThroughNestedRole", "/ns/payments/sa/worker", null, "read-payments" },
        { "ClaimGrantNeedsIssuer", "/ns/other/sa/x", "auditors", null },
        { "NoRole", "/ns/other/sa/x", null, null },
    };

    [Theory]
    [MemberData(nameof(RoleCases))]
    public void Evaluate_Roles_SelectIdentities(string name, string path, string? groups, string? expected)
    {
        var claims = groups is null ? null : new Dictionary<string, string[]> { ["groups"] = [groups] };
        var decision = PolicyEvaluator.Evaluate(Segmentation, At(Spiffe(path, claims: claims), "/p", route: "payments", labels: Prod));

        Assert.True(expected == decision.RuleId, $"{name}: {decision}");
    }

    [Fact]
    public void Evaluate_RoleFromClaim_GrantedWhenIssuerAndClaimHold()
    {
        var identity = Spiffe("/ns/other/sa/x", claims: new() { ["groups"] = ["auditors"] }, issuer: "https://idp.example.org");

        var decision = PolicyEvaluator.Evaluate(Segmentation, At(identity, "/p", route: "payments", labels: Prod));

        Assert.Equal("read-payments", decision.RuleId);
        Assert.Equal(["auditor", "reader-or-auditor"], Segmentation.RolesOf(identity));
    }

    [Fact]
    public void Evaluate_AllowWithObligations_CarriesThem()
    {
        var decision = PolicyEvaluator.Evaluate(Segmentation, At(Spiffe("/ns/payments/sa/a"), "/p", route: "payments", labels: Prod));

        Assert.True(decision.IsAllowed);
        Assert.Equal("payments", decision.Obligations!.Headers["x-tenant"]);
        Assert.Equal("gold", decision.Obligations.RateLimitClass);
    }

    [Fact]
    public void Evaluate_RoleNeverWidensDeny_DevTrustDomainDeniedOnProd()
    {
        // The dev identity matches the role pattern's shape in its own trust domain only; the deny still applies.
        var dev = Spiffe("/ns/payments/sa/a", trustDomain: "dev.example.org");

        var decision = PolicyEvaluator.Evaluate(Segmentation, At(dev, "/p", route: "payments", labels: Prod));

        Assert.Equal(new Decision(Effect.Deny, "dev-never-prod", DecisionReason.DeniedByRule), decision);
    }

    [Theory]
    [InlineData("SameNamespace", "/ns/payments/sa/a", "payments", "same-namespace")]
    [InlineData("OtherNamespace", "/ns/orders/sa/a", "payments", null)]
    [InlineData("LayoutMismatch", "/ns/payments/sa/a/extra", "payments", null)]
    public void Evaluate_AttributeEqualsLabel_Segments(string name, string path, string ns, string? expected)
    {
        var labels = new Dictionary<string, string> { ["namespace"] = ns };

        var decision = PolicyEvaluator.Evaluate(Segmentation, At(Spiffe(path), "/internal/x", labels: labels));

        Assert.True(expected == decision.RuleId, $"{name}: {decision}");
    }

    [Fact]
    public void Evaluate_MissingLabel_NotEvaluableAndReported()
    {
        var decision = PolicyEvaluator.Evaluate(Segmentation, At(Spiffe("/ns/payments/sa/a"), "/internal/x"));

        Assert.Equal(Decision.NoMatch.Effect, decision.Effect);
        Assert.Null(decision.RuleId);
        Assert.Equal(1, decision.UnevaluableRuleCount);
        Assert.Equal("same-namespace", decision.UnevaluableRuleId);
    }

    [Fact]
    public void Evaluate_SpiffeSegmentOfNonFittingId_NotEvaluable()
    {
        var decision = PolicyEvaluator.Evaluate(Segmentation, At(Spiffe("/workload"), "/internal/x", labels: Prod));

        Assert.Equal("same-namespace", decision.UnevaluableRuleId);
    }

    private const string ContextPolicy = """
        version: 2
        rules:
          - id: office-hours
            effect: allow
            match: { paths: ["/reports/**"] }
            when:
              subjects: [svc-a]
              time: { days: [mon-fri], from: "08:00", to: "18:00", time_zone: Europe/Berlin }
          - id: night-batch
            effect: allow
            match: { paths: ["/batch/**"] }
            when:
              subjects: [svc-a]
              time: { from: "22:00", to: "06:00", time_zone: America/New_York }
          - id: canary
            effect: allow
            match: { paths: ["/canary/**"] }
            when:
              subjects: [svc-a]
              headers: [{ name: X-Env, in: [canary, staging] }]
              query: [{ name: dry_run, equals: "true" }]
          - id: no-debug
            effect: deny
            when:
              headers: [{ name: X-Debug, present: true }]
          - id: combinators
            effect: allow
            match: { paths: ["/combo"] }
            when:
              any:
                - { subjects: [svc-a] }
                - { subjects: [svc-b] }
              not: { claims: [{ name: env, equals: dev }] }
          - id: all-of
            effect: allow
            match: { paths: ["/all"] }
            when:
              all:
                - { subjects: ["svc-*"] }
                - { trust_domains: [example.org] }
        """;

    private static readonly PolicySet Context = Compile(ContextPolicy);

    [Theory]
    [InlineData("BerlinWeekdayMorning", "2025-01-06T08:30:00+01:00", true)]   // Monday 08:30 Berlin
    [InlineData("BerlinBeforeOpening", "2025-01-06T07:59:00+01:00", false)]
    [InlineData("BerlinClosingIsExclusive", "2025-01-06T18:00:00+01:00", false)]
    [InlineData("BerlinSaturday", "2025-01-04T10:00:00+01:00", false)]
    [InlineData("BerlinSummerTime", "2025-07-07T06:30:00Z", true)]            // 08:30 CEST
    [InlineData("UtcInputConverted", "2025-01-06T07:30:00Z", true)]           // 08:30 CET
    public void Evaluate_TimeWindow_UsesZone(string name, string time, bool allowed)
    {
        var decision = PolicyEvaluator.Evaluate(Context, At(Identity(), "/reports/x", time: DateTimeOffset.Parse(time, System.Globalization.CultureInfo.InvariantCulture)));

        Assert.True(allowed == decision.IsAllowed, $"{name}: {decision}");
    }

    [Theory]
    [InlineData("LateEvening", "2025-01-07T04:00:00Z", true)]   // 23:00 New York
    [InlineData("EarlyMorning", "2025-01-07T10:59:00Z", true)]  // 05:59
    [InlineData("Daytime", "2025-01-07T17:00:00Z", false)]      // 12:00
    public void Evaluate_TimeWindowAcrossMidnight_Wraps(string name, string time, bool allowed)
    {
        var decision = PolicyEvaluator.Evaluate(Context, At(Identity(), "/batch/x", time: DateTimeOffset.Parse(time, System.Globalization.CultureInfo.InvariantCulture)));

        Assert.True(allowed == decision.IsAllowed, $"{name}: {decision}");
    }

    [Theory]
    [InlineData("CanaryWithDryRun", "canary", "true", true)]
    [InlineData("StagingWithDryRun", "staging", "true", true)]
    [InlineData("ProdHeader", "prod", "true", false)]
    [InlineData("NoDryRun", "canary", null, false)]
    [InlineData("NoHeader", null, "true", false)]
    public void Evaluate_HeaderAndQuery_Conditions(string name, string? env, string? dryRun, bool allowed)
    {
        var headers = env is null ? null : new Dictionary<string, string> { ["x-env"] = env };
        var query = dryRun is null ? null : new Dictionary<string, string> { ["dry_run"] = dryRun };

        var decision = PolicyEvaluator.Evaluate(Context, At(Identity(), "/canary/x", attributes: new TestRequestAttributes(headers, query)));

        Assert.True(allowed == decision.IsAllowed, $"{name}: {decision}");
    }

    [Fact]
    public void Evaluate_HeaderPresentDeny_Wins()
    {
        var attributes = new TestRequestAttributes(new() { ["X-Env"] = "canary", ["X-Debug"] = "1" }, new() { ["dry_run"] = "true" });

        var decision = PolicyEvaluator.Evaluate(Context, At(Identity(), "/canary/x", attributes: attributes));

        Assert.Equal("no-debug", decision.RuleId);
    }

    [Fact]
    public void Evaluate_NoRequestAttributes_HeaderRulesNotEvaluable()
    {
        var decision = PolicyEvaluator.Evaluate(Context, At(Identity(), "/canary/x"));

        Assert.False(decision.IsAllowed);
        Assert.Equal(2, decision.UnevaluableRuleCount); // the header deny, then the header allow
        Assert.Equal("no-debug", decision.UnevaluableRuleId);
    }

    [Theory]
    [InlineData("AnyFirst", "svc-a", new[] { "prod" }, true)]
    [InlineData("AnySecond", "svc-b", new[] { "prod" }, true)]
    [InlineData("NotBlocks", "svc-a", new[] { "dev" }, false)]
    [InlineData("AnyNeither", "svc-c", new[] { "prod" }, false)]
    public void Evaluate_Combinators(string name, string subject, string[]? env, bool allowed)
    {
        var claims = env is null ? null : new Dictionary<string, string[]> { ["env"] = env };

        var decision = PolicyEvaluator.Evaluate(Context, At(Identity(subject: subject, claims: claims), "/combo", attributes: new TestRequestAttributes()));

        Assert.True(allowed == decision.IsAllowed, $"{name}: {decision}");
    }

    [Fact]
    public void Evaluate_NotOverMissingClaim_CannotBeEvaluated()
    {
        // Cedar-like: 'not' of an error is an error, so the rule does not match even though 'any' held.
        var decision = PolicyEvaluator.Evaluate(Context, At(Identity(subject: "svc-b"), "/combo", attributes: new TestRequestAttributes()));

        Assert.False(decision.IsAllowed);
        Assert.Equal("combinators", decision.UnevaluableRuleId);
    }

    [Fact]
    public void Evaluate_AllCombinator_EveryBlock()
    {
        Assert.True(PolicyEvaluator.Evaluate(Context, At(Identity(subject: "svc-z"), "/all", attributes: new TestRequestAttributes())).IsAllowed);
        Assert.False(PolicyEvaluator.Evaluate(Context, At(Identity(subject: "svc-z", trustDomain: "other.org"), "/all", attributes: new TestRequestAttributes())).IsAllowed);
    }

    private const string ShadowPolicy = """
        version: 2
        rules:
          - id: allow-read
            effect: allow
            match: { methods: [GET] }
            when: { subjects: ["svc-*"] }
          - id: shadow-deny-legacy
            effect: deny
            mode: shadow
            match: { paths: ["/legacy/**"] }
            when: { subjects: ["svc-*"] }
          - id: shadow-allow-post
            effect: allow
            mode: shadow
            match: { methods: [POST] }
            when: { subjects: [svc-a] }
        """;

    [Theory]
    [InlineData("WouldDeny", "GET", "/legacy/x", Effect.Allow, "allow-read", Effect.Deny, "shadow-deny-legacy")]
    [InlineData("WouldAllow", "POST", "/new", Effect.Deny, null, Effect.Allow, "shadow-allow-post")]
    [InlineData("NoChange", "GET", "/new", Effect.Allow, "allow-read", null, null)]
    public void Evaluate_ShadowRules_ReportedNeverEnforced(string name, string method, string path, Effect effect, string? rule, Effect? shadow, string? shadowRule)
    {
        var policy = Compile(ShadowPolicy);

        var decision = PolicyEvaluator.Evaluate(policy, At(Identity(), path, method));

        Assert.True((effect, rule, shadow, shadowRule) == (decision.Effect, decision.RuleId, decision.ShadowEffect, decision.ShadowRuleId), $"{name}: {decision}");
        Assert.Equal(shadow is not null && shadow != effect, decision.ShadowFlipsEffect);
    }

    [Fact]
    public void Evaluate_ShadowFile_AllRulesShadow()
    {
        var policy = Compile("version: 2\nmode: shadow\nrules:\n  - id: deny-all\n    effect: deny\n");

        var decision = PolicyEvaluator.Evaluate(policy, At(Identity()));

        Assert.Equal((Effect.Deny, (string?)null, Effect.Deny, "deny-all"), (decision.Effect, decision.RuleId, decision.ShadowEffect, decision.ShadowRuleId));
        Assert.Equal(RuleMode.Shadow, policy.Rules[0].Mode);
        Assert.False(decision.ShadowFlipsEffect);
    }

    [Fact]
    public void Explain_ReportsMatchedAndFirstFailure()
    {
        var explanation = PolicyEvaluator.Explain(Context, At(Identity(subject: "svc-b"), "/combo", "GET", attributes: new TestRequestAttributes()));

        Assert.Equal(explanation.Decision, PolicyEvaluator.Evaluate(Context, At(Identity(subject: "svc-b"), "/combo", "GET", attributes: new TestRequestAttributes())));
        Assert.Equal(Context.RuleCount, explanation.Rules.Count);
        var byId = explanation.Rules.ToDictionary(r => r.Rule.Id);
        Assert.Equal(RuleOutcome.NotMatched, byId["office-hours"].Outcome);
        Assert.StartsWith("match.paths: '/combo'", byId["office-hours"].FailedCondition, StringComparison.Ordinal);
        Assert.Equal(RuleOutcome.NotEvaluable, byId["combinators"].Outcome);
        Assert.Contains("cannot be evaluated", byId["combinators"].FailedCondition, StringComparison.Ordinal);
        Assert.Empty(explanation.Matched);
    }

    [Fact]
    public void Rules_ExposeSourceLocationsAndShape()
    {
        var rule = Segmentation.FindRule("read-payments")!;

        Assert.Equal(("test.yaml", 20, 5), (rule.File, rule.Line, rule.Column));
        Assert.Equal(["payments"], rule.Routes);
        Assert.Equal(["GET"], rule.Methods);
        Assert.Equal(["prod"], rule.Labels["zone"]);
        Assert.Equal(["reader-or-auditor"], rule.Roles);
        Assert.Equal(3, Segmentation.Rules.Count);
        Assert.Equal(["auditor", "payments-reader", "reader-or-auditor"], Segmentation.RoleNames);
    }

    [Fact]
    public void Evaluate_NewConditions_AllocateNothing()
    {
        var attributes = new TestRequestAttributes(new() { ["X-Env"] = "canary" }, new() { ["dry_run"] = "true" });
        var contexts = new[]
        {
            At(Spiffe("/ns/payments/sa/a"), "/p", route: "payments", labels: Prod),
            At(Spiffe("/ns/payments/sa/a"), "/internal/x", labels: Prod),
            At(Spiffe("/ns/payments/sa/a"), "/internal/x"),
            At(Identity(), "/canary/x", attributes: attributes),
            At(Identity(), "/reports/x"),
            At(Identity(subject: "svc-b"), "/combo", attributes: attributes),
        };
        var shadow = Compile(ShadowPolicy);
        foreach (var context in contexts)
        {
            PolicyEvaluator.Evaluate(Segmentation, context);
            PolicyEvaluator.Evaluate(Context, context);
            PolicyEvaluator.Evaluate(shadow, context);
        }

        var before = GC.GetAllocatedBytesForCurrentThread();
        for (var i = 0; i < 200; i++)
        {
            foreach (var context in contexts)
            {
                PolicyEvaluator.Evaluate(Segmentation, context);
                PolicyEvaluator.Evaluate(Context, context);
                PolicyEvaluator.Evaluate(shadow, context);
            }
        }

        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
    }

    [Fact]
    public void Load_VersionOneFile_StillValidAndSameDecisions()
    {
        var v1 = Compile("version: 1\nrules:\n  - id: r\n    effect: allow\n    match: {paths: [\"/a/**\"]}\n    when: {subjects: [svc-a]}\n");

        Assert.Equal("r", PolicyEvaluator.Evaluate(v1, At(Identity(), "/a/b")).RuleId);
    }
}

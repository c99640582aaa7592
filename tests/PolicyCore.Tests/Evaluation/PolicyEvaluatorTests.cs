using PolicyCore.Evaluation;
using PolicyCore.Model;
using PolicyCore.Tests.Support;
using static PolicyCore.Tests.Support.PolicyTestHelpers;

namespace PolicyCore.Tests.Evaluation;

public class PolicyEvaluatorTests
{
    private const string PaymentsPolicy = """
        version: 1
        rules:
          - id: payments-read
            effect: allow
            match:
              routes: [payments]
              methods: [get]
              paths: ["/payments", "/payments/**"]
            when:
              spiffe_ids: ["spiffe://example.org/ns/*/sa/reader"]
          - id: payments-refund
            effect: allow
            match:
              routes: [payments]
              methods: [POST]
              paths: ["/payments/{id}/refunds"]
            when:
              subjects: [svc-billing]
              claims:
                - name: scope
                  contains: payments.refund
                - name: env
                  equals: prod
          - id: hosts-only
            effect: allow
            match:
              hosts: ["*.internal.example.org"]
              paths: ["/status/*"]
            when:
              trust_domains: [Example.org]
          - id: no-deletes
            effect: deny
            match:
              methods: [DELETE]
            when:
              subjects: ["**"]
        """;

    private static readonly PolicySet Policy = Compile(PaymentsPolicy);

    private static PolicyIdentity Reader(string ns = "payments") => Identity(subject: "spiffe://example.org/ns/" + ns + "/sa/reader", spiffeId: "spiffe://example.org/ns/" + ns + "/sa/reader");

    public static TheoryData<string, string, string, string?, string, string?> ReaderCases => new()
    {
        // name, method, path, route, host, expected rule (null = default deny)
        { "ExactPrefix", "GET", "/payments", "payments", "api.example.org", "payments-read" },
        { "Below", "GET", "/payments/1/x", "payments", "api.example.org", "payments-read" },
        { "TrailingSlashUnderDoubleStar", "GET", "/payments/", "payments", "api.example.org", "payments-read" },
        { "SiblingPrefixNotMatched", "GET", "/paymentsX", "payments", "api.example.org", null },
        { "CaseSensitivePath", "GET", "/Payments", "payments", "api.example.org", null },
        { "OtherRoute", "GET", "/payments", "orders", "api.example.org", null },
        { "NoRoute", "GET", "/payments", null, "api.example.org", null },
        { "WrongMethod", "PUT", "/payments", "payments", "api.example.org", null },
        { "LowerCaseRequestMethod", "get", "/payments", "payments", "api.example.org", "payments-read" },
        { "WildcardHostSubdomain", "GET", "/status/db", null, "a.internal.example.org", "hosts-only" },
        { "WildcardHostDeepSubdomain", "GET", "/status/db", null, "a.b.internal.example.org", "hosts-only" },
        { "WildcardHostNotApex", "GET", "/status/db", null, "internal.example.org", null },
        { "WildcardHostNotSuffixTrick", "GET", "/status/db", null, "evilinternal.example.org", null },
        { "SingleStarNotTwoSegments", "GET", "/status/db/x", null, "a.internal.example.org", null },
        { "SingleStarNotEmpty", "GET", "/status/", null, "a.internal.example.org", null },
    };

    [Theory]
    [MemberData(nameof(ReaderCases))]
    public void Evaluate_ReaderRequest_MatchesExpectedRule(string name, string method, string path, string? route, string host, string? expected)
    {
        var decision = PolicyEvaluator.Evaluate(Policy, Request(Reader(), path, method, route, host));

        Assert.True(expected == decision.RuleId, $"{name}: expected {expected ?? "default deny"}, got {decision}");
        Assert.Equal(expected is null ? DecisionReason.NoMatchingRule : DecisionReason.AllowedByRule, decision.Reason);
        Assert.Equal(expected is null ? Effect.Deny : Effect.Allow, decision.Effect);
    }

    [Fact]
    public void Evaluate_NullPolicy_ReturnsUnavailable()
    {
        Assert.Equal(Decision.Unavailable, PolicyEvaluator.Evaluate(null, Request(Reader())));
    }

    [Fact]
    public void Evaluate_NullIdentity_DeniesWithNoMatchingRule()
    {
        var policy = Compile("version: 1\nrules:\n  - id: any\n    effect: allow\n");

        var decision = PolicyEvaluator.Evaluate(policy, Request(null, "/payments", route: "payments"));

        Assert.Equal(Decision.NoMatch, decision);
        Assert.False(decision.IsAllowed);
    }

    [Fact]
    public void Evaluate_RuleWithoutWhen_AllowsAnyAuthenticatedIdentity()
    {
        var policy = Compile("version: 1\nrules:\n  - id: any\n    effect: allow\n");

        Assert.Equal("any", PolicyEvaluator.Evaluate(policy, Request(Identity(subject: "x"))).RuleId);
    }

    [Fact]
    public void Evaluate_EmptyPolicy_DefaultDeny()
    {
        var policy = Compile("version: 1\nrules: []\n");

        Assert.Equal(Decision.NoMatch, PolicyEvaluator.Evaluate(policy, Request(Reader())));
    }

    [Theory]
    [InlineData("DenyFirst", true)]
    [InlineData("DenyLast", false)]
    public void Evaluate_DenyAndAllowMatch_DenyWinsRegardlessOfOrder(string name, bool denyFirst)
    {
        const string Allow = "  - id: allow-1\n    effect: allow\n    when: {subjects: [svc-a]}\n";
        const string Deny = "  - id: deny-1\n    effect: deny\n    match: {paths: [\"/x/**\"]}\n    when: {subjects: [svc-a]}\n";
        var policy = Compile("version: 1\nrules:\n" + (denyFirst ? Deny + Allow : Allow + Deny));

        var decision = PolicyEvaluator.Evaluate(policy, Request(Identity(), "/x/y"));

        Assert.True(decision == new Decision(Effect.Deny, "deny-1", DecisionReason.DeniedByRule), name);
    }

    [Fact]
    public void Evaluate_SeveralMatches_FirstInLoadOrderDecides()
    {
        var policy = Compile("""
            version: 1
            rules:
              - id: allow-a
                effect: allow
                when: {subjects: [svc-a]}
              - id: allow-b
                effect: allow
                when: {subjects: ["svc-*"]}
              - id: deny-a
                effect: deny
                match: {routes: [r]}
                when: {subjects: ["svc-*"]}
              - id: deny-b
                effect: deny
                match: {methods: [DELETE]}
                when: {subjects: [svc-a]}
            """);

        Assert.Equal("allow-a", PolicyEvaluator.Evaluate(policy, Request(Identity(), route: "other")).RuleId);
        Assert.Equal("deny-a", PolicyEvaluator.Evaluate(policy, Request(Identity(), route: "r")).RuleId);
        Assert.Equal("deny-b", PolicyEvaluator.Evaluate(policy, Request(Identity(), method: "DELETE", route: null)).RuleId);
        Assert.Equal("deny-a", PolicyEvaluator.Evaluate(policy, Request(Identity(), method: "DELETE", route: "r")).RuleId);
    }

    [Fact]
    public void Evaluate_DeleteByAnyone_DeniedByRule()
    {
        var decision = PolicyEvaluator.Evaluate(Policy, Request(Reader(), "/payments", "DELETE", "payments"));

        Assert.Equal(new Decision(Effect.Deny, "no-deletes", DecisionReason.DeniedByRule), decision);
        Assert.Equal("denied_by_rule", decision.Reason.ToCode());
    }

    public static TheoryData<string, string?, bool> SpiffeCases => new()
    {
        { "StarMatchesOneSegment", "spiffe://example.org/ns/payments/sa/reader", true },
        { "StarDoesNotCrossSlash", "spiffe://example.org/ns/a/b/sa/reader", false },
        { "StarNeedsAtLeastOneChar", "spiffe://example.org/ns//sa/reader", false },
        { "OtherTrustDomain", "spiffe://other.org/ns/payments/sa/reader", false },
        { "SuffixMismatch", "spiffe://example.org/ns/payments/sa/writer", false },
        { "NullSpiffeIdNeverMatches", null, false },
    };

    [Theory]
    [MemberData(nameof(SpiffeCases))]
    public void Evaluate_SpiffePattern_MatchesOnlyOneSegment(string name, string? spiffeId, bool allowed)
    {
        var identity = Identity(subject: "s", spiffeId: spiffeId);

        var decision = PolicyEvaluator.Evaluate(Policy, Request(identity, "/payments", "GET", "payments"));

        Assert.True(allowed == decision.IsAllowed, $"{name}: {decision}");
    }

    public static TheoryData<string, string, Dictionary<string, string[]>?, bool> ClaimCases => new()
    {
        { "AllClaimsHold", "svc-billing", new() { ["scope"] = ["payments.read", "payments.refund"], ["env"] = ["prod"] }, true },
        { "ContainsMissingValue", "svc-billing", new() { ["scope"] = ["payments.read"], ["env"] = ["prod"] }, false },
        { "ContainsIsExactElementNotSubstring", "svc-billing", new() { ["scope"] = ["payments.refund.all"], ["env"] = ["prod"] }, false },
        { "EqualsWithTwoValues", "svc-billing", new() { ["scope"] = ["payments.refund"], ["env"] = ["prod", "dev"] }, false },
        { "EqualsDifferentValue", "svc-billing", new() { ["scope"] = ["payments.refund"], ["env"] = ["dev"] }, false },
        { "MissingClaimDoesNotMatch", "svc-billing", new() { ["scope"] = ["payments.refund"] }, false },
        { "NoClaims", "svc-billing", null, false },
        { "WrongSubject", "svc-other", new() { ["scope"] = ["payments.refund"], ["env"] = ["prod"] }, false },
    };

    [Theory]
    [MemberData(nameof(ClaimCases))]
    public void Evaluate_ClaimConditions_AllMustHold(string name, string subject, Dictionary<string, string[]>? claims, bool allowed)
    {
        var identity = Identity(subject: subject, claims: claims);

        var decision = PolicyEvaluator.Evaluate(Policy, Request(identity, "/payments/p-1/refunds", "POST", "payments"));

        Assert.True(allowed == decision.IsAllowed, $"{name}: {decision}");
        Assert.Equal(allowed ? "payments-refund" : null, decision.RuleId);
    }

    [Fact]
    public void Evaluate_ParameterSegment_RequiresNonEmptySegment()
    {
        var identity = Identity(subject: "svc-billing", claims: new() { ["scope"] = ["payments.refund"], ["env"] = ["prod"] });

        Assert.False(PolicyEvaluator.Evaluate(Policy, Request(identity, "/payments//refunds", "POST", "payments")).IsAllowed);
        Assert.False(PolicyEvaluator.Evaluate(Policy, Request(identity, "/payments/1/2/refunds", "POST", "payments")).IsAllowed);
    }

    [Fact]
    public void Evaluate_MissingClaimInDenyRule_DenyDoesNotMatch()
    {
        var policy = Compile("""
            version: 1
            rules:
              - id: allow-all
                effect: allow
                when: {subjects: ["**"]}
              - id: deny-contractors
                effect: deny
                when:
                  claims:
                    - name: employment
                      equals: contractor
            """);

        Assert.Equal("allow-all", PolicyEvaluator.Evaluate(policy, Request(Identity())).RuleId);
        Assert.Equal("deny-contractors", PolicyEvaluator.Evaluate(policy, Request(Identity(claims: new() { ["employment"] = ["contractor"] }))).RuleId);
    }

    [Fact]
    public void Evaluate_IssuerAuthMethodTrustDomain_ExactMatch()
    {
        var policy = Compile("""
            version: 1
            rules:
              - id: r
                effect: allow
                when:
                  issuers: ["https://issuer.example.org"]
                  auth_methods: [mtls]
                  trust_domains: [example.org]
            """);

        Assert.True(PolicyEvaluator.Evaluate(policy, Request(Identity(authMethod: "mtls", trustDomain: "EXAMPLE.org"))).IsAllowed);
        Assert.False(PolicyEvaluator.Evaluate(policy, Request(Identity(authMethod: "jwt"))).IsAllowed);
        Assert.False(PolicyEvaluator.Evaluate(policy, Request(Identity(authMethod: "mtls", issuer: "https://issuer.example.org/"))).IsAllowed);
        Assert.False(PolicyEvaluator.Evaluate(policy, Request(Identity(authMethod: "mtls", issuer: null))).IsAllowed);
        Assert.False(PolicyEvaluator.Evaluate(policy, Request(Identity(authMethod: "mtls", trustDomain: null))).IsAllowed);
    }

    [Fact]
    public void Evaluate_MalformedContext_NeverThrows()
    {
        var policy = Compile("version: 1\nrules:\n  - id: r\n    effect: allow\n    match: {hosts: [a.org], methods: [GET], paths: [\"/a\"]}\n    when: {subjects: [x]}\n");
        var context = new RequestContext(Identity(subject: null!), null, null!, null!, null!, Now);

        Assert.Equal(Decision.NoMatch, PolicyEvaluator.Evaluate(policy, context));
        Assert.Equal(Decision.Unavailable, PolicyEvaluator.Evaluate(policy, null!));
    }

    [Fact]
    public void Evaluate_Warm_AllocatesNothing()
    {
        var context = Request(Reader(), "/payments/1/x", "GET", "payments");
        PolicyEvaluator.Evaluate(Policy, context);

        var before = GC.GetAllocatedBytesForCurrentThread();
        for (var i = 0; i < 1000; i++)
        {
            PolicyEvaluator.Evaluate(Policy, context);
        }

        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
    }
}

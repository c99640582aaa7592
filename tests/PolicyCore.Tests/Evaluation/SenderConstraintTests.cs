using PolicyCore.Evaluation;
using PolicyCore.Model;
using static PolicyCore.Tests.Support.PolicyTestHelpers;

namespace PolicyCore.Tests.Evaluation;

/// <summary>
/// <c>require: [sender_constrained]</c> on allow rules, top-level route <c>requirements</c> and
/// <c>when.sender_constrained</c>: decisions, reasons, rule ids, shadow reporting, explanations, allocation.
/// </summary>
public class SenderConstraintTests
{
    private const string RulePolicy = """
        version: 2
        rules:
          - id: transfers-write
            effect: allow
            require: [sender_constrained]
            match: { routes: [transfers], methods: [POST] }
            when: { subjects: [svc-a, svc-b] }
          - id: transfers-write-legacy
            effect: allow
            match: { routes: [transfers], methods: [POST] }
            when: { subjects: [svc-b] }
          - id: transfers-write-bound-too
            effect: allow
            require: [sender_constrained]
            match: { routes: [transfers] }
            when: { subjects: [svc-a, svc-c] }
          - id: no-frozen-accounts
            effect: deny
            match: { routes: [transfers], paths: ["/frozen/**"] }
        """;

    private const string RoutePolicy = """
        version: 2
        requirements:
          - routes: [payments, refunds]
            require: [sender_constrained]
          - id: ledger-needs-binding
            description: The ledger is high impact.
            routes: [ledger]
            require: [sender_constrained]
        rules:
          - id: payments-read
            effect: allow
            match: { routes: [payments, refunds, ledger, orders] }
            when: { subjects: [svc-a] }
          - id: no-payments-admin
            effect: deny
            match: { routes: [payments], paths: ["/admin/**"] }
          - id: routeless-read
            effect: allow
            match: { paths: ["/public/**"] }
            when: { subjects: [svc-a] }
        """;

    private static readonly PolicySet Rules = Compile(RulePolicy);
    private static readonly PolicySet Routes = Compile(RoutePolicy);

    private static PolicyIdentity Caller(string subject, bool bound)
        => new(subject, "https://issuer.example.org", bound ? "mtls" : "jwt", null, "example.org", null, senderConstrained: bound);

    private static RequestContext At(PolicyIdentity identity, string? route, string path = "/x", string method = "POST")
        => new(identity, route, "api.example.org", method, path, Now);

    public static TheoryData<string, string, bool, string, Effect, string?, DecisionReason> RuleCases => new()
    {
        // name, subject, bound, path, effect, rule id, reason
        { "BoundCallerAllowed", "svc-a", true, "/x", Effect.Allow, "transfers-write", DecisionReason.AllowedByRule },
        { "BearerCallerDeniedWithRuleAndReason", "svc-a", false, "/x", Effect.Deny, "transfers-write", DecisionReason.SenderConstraintRequired },
        { "BearerCallerAllowedByRuleWithoutRequirement", "svc-b", false, "/x", Effect.Allow, "transfers-write-legacy", DecisionReason.AllowedByRule },
        { "BoundCallerFirstRuleWins", "svc-b", true, "/x", Effect.Allow, "transfers-write", DecisionReason.AllowedByRule },
        { "BearerCallerOnlyLaterRequirementRule", "svc-c", false, "/x", Effect.Deny, "transfers-write-bound-too", DecisionReason.SenderConstraintRequired },
        { "NoRuleMatchesAtAll", "svc-z", false, "/x", Effect.Deny, null, DecisionReason.NoMatchingRule },
        { "DenyBeatsUnmetRequirement", "svc-a", false, "/frozen/1", Effect.Deny, "no-frozen-accounts", DecisionReason.DeniedByRule },
        { "DenyBeatsBoundAllow", "svc-a", true, "/frozen/1", Effect.Deny, "no-frozen-accounts", DecisionReason.DeniedByRule },
    };

    [Theory]
    [MemberData(nameof(RuleCases))]
    public void Evaluate_RuleRequirement_DecidesAndNamesTheRule(
        string name, string subject, bool bound, string path, Effect effect, string? ruleId, DecisionReason reason)
    {
        var decision = PolicyEvaluator.Evaluate(Rules, At(Caller(subject, bound), "transfers", path));

        Assert.True((effect, ruleId, reason) == (decision.Effect, decision.RuleId, decision.Reason), $"{name}: {decision}");
    }

    [Fact]
    public void Evaluate_BearerCaller_ReasonCodeIsSenderConstraintRequired()
    {
        var decision = PolicyEvaluator.Evaluate(Rules, At(Caller("svc-a", bound: false), "transfers"));

        Assert.Equal("sender_constraint_required", decision.Reason.ToCode());
        Assert.False(decision.IsAllowed);
        Assert.Null(decision.Obligations);
    }

    public static TheoryData<string, string, bool, string?, string, Effect, string?, DecisionReason> RouteCases => new()
    {
        // name, subject, bound, route, path, effect, rule id, reason
        { "BoundCallerAllowed", "svc-a", true, "payments", "/x", Effect.Allow, "payments-read", DecisionReason.AllowedByRule },
        { "BearerDeniedBeforeAllowRules", "svc-a", false, "payments", "/x", Effect.Deny, "requirement:payments", DecisionReason.SenderConstraintRequired },
        { "SyntheticIdNamesTheRequestRoute", "svc-a", false, "refunds", "/x", Effect.Deny, "requirement:refunds", DecisionReason.SenderConstraintRequired },
        { "ExplicitIdIsTheRuleId", "svc-a", false, "ledger", "/x", Effect.Deny, "ledger-needs-binding", DecisionReason.SenderConstraintRequired },
        { "EvenWithoutAnyAllow", "svc-z", false, "payments", "/x", Effect.Deny, "requirement:payments", DecisionReason.SenderConstraintRequired },
        { "BoundWithoutAllowIsDefaultDeny", "svc-z", true, "payments", "/x", Effect.Deny, null, DecisionReason.NoMatchingRule },
        { "DenyRuleStillWins", "svc-a", false, "payments", "/admin/x", Effect.Deny, "no-payments-admin", DecisionReason.DeniedByRule },
        { "DenyRuleWinsForBoundToo", "svc-a", true, "payments", "/admin/x", Effect.Deny, "no-payments-admin", DecisionReason.DeniedByRule },
        { "OtherRouteUnaffected", "svc-a", false, "orders", "/x", Effect.Allow, "payments-read", DecisionReason.AllowedByRule },
        { "RoutelessRequestUnaffected", "svc-a", false, null, "/public/x", Effect.Allow, "routeless-read", DecisionReason.AllowedByRule },
        { "RoutelessRuleOnProtectedRoute", "svc-z", false, "payments", "/public/x", Effect.Deny, "requirement:payments", DecisionReason.SenderConstraintRequired },
    };

    [Theory]
    [MemberData(nameof(RouteCases))]
    public void Evaluate_RouteRequirement_DeniesUnboundBeforeAllowRules(
        string name, string subject, bool bound, string? route, string path, Effect effect, string? ruleId, DecisionReason reason)
    {
        var decision = PolicyEvaluator.Evaluate(Routes, At(Caller(subject, bound), route, path, "GET"));

        Assert.True((effect, ruleId, reason) == (decision.Effect, decision.RuleId, decision.Reason), $"{name}: {decision}");
    }

    [Fact]
    public void Evaluate_RouteRequirement_CountsOnlyDenyRulesAsExamined()
    {
        var policy = Compile("""
            version: 2
            requirements:
              - routes: [payments]
                require: [sender_constrained]
            rules:
              - id: deny-on-claim
                effect: deny
                match: { routes: [payments] }
                when: { claims: [{ name: env, equals: dev }] }
              - id: allow-on-claim
                effect: allow
                match: { routes: [payments] }
                when: { claims: [{ name: tier, equals: gold }] }
            """);

        var decision = PolicyEvaluator.Evaluate(policy, At(Caller("svc-a", bound: false), "payments"));

        Assert.Equal((DecisionReason.SenderConstraintRequired, 1, "deny-on-claim"), (decision.Reason, decision.UnevaluableRuleCount, decision.UnevaluableRuleId));
    }

    [Fact]
    public void Evaluate_WhenSenderConstrainedFalseOnDeny_DeniesBearerOnly()
    {
        var policy = Compile("""
            version: 2
            rules:
              - id: admin-read
                effect: allow
                match: { paths: ["/admin/**"] }
                when: { subjects: [svc-a] }
              - id: admin-needs-bound-credential
                effect: deny
                match: { paths: ["/admin/**"] }
                when: { sender_constrained: false }
            """);

        Assert.Equal("admin-needs-bound-credential", PolicyEvaluator.Evaluate(policy, At(Caller("svc-a", false), null, "/admin/x")).RuleId);
        Assert.Equal("admin-read", PolicyEvaluator.Evaluate(policy, At(Caller("svc-a", true), null, "/admin/x")).RuleId);
        Assert.Equal(["sender_constrained: false"], policy.FindRule("admin-needs-bound-credential")!.Conditions);
    }

    // ---------------------------------------------------------------- shadow

    [Fact]
    public void Evaluate_ShadowAllowWithUnmetRequirement_ReportsWouldDenyByIt()
    {
        var policy = Compile("""
            version: 2
            rules:
              - id: new-bound-write
                effect: allow
                mode: shadow
                require: [sender_constrained]
                match: { routes: [transfers] }
                when: { subjects: [svc-a] }
            """);

        var bearer = PolicyEvaluator.Evaluate(policy, At(Caller("svc-a", false), "transfers"));
        var bound = PolicyEvaluator.Evaluate(policy, At(Caller("svc-a", true), "transfers"));

        Assert.Equal((Effect.Deny, (string?)null, DecisionReason.NoMatchingRule), (bearer.Effect, bearer.RuleId, bearer.Reason));
        Assert.Equal((Effect.Deny, "new-bound-write", false), (bearer.ShadowEffect, bearer.ShadowRuleId, bearer.ShadowFlipsEffect));
        Assert.Equal((Effect.Deny, (string?)null), (bound.Effect, bound.RuleId));
        Assert.Equal((Effect.Allow, "new-bound-write", true), (bound.ShadowEffect, bound.ShadowRuleId, bound.ShadowFlipsEffect));
    }

    [Fact]
    public void Evaluate_ShadowAllowWithUnmetRequirement_DoesNotOverrideEnforcedAllow()
    {
        var policy = Compile("""
            version: 2
            rules:
              - id: shadow-bound
                effect: allow
                mode: shadow
                require: [sender_constrained]
                match: { routes: [transfers] }
                when: { subjects: [svc-a] }
              - id: enforced
                effect: allow
                match: { routes: [transfers] }
                when: { subjects: [svc-a] }
            """);

        var decision = PolicyEvaluator.Evaluate(policy, At(Caller("svc-a", false), "transfers"));

        Assert.Equal((Effect.Allow, "enforced"), (decision.Effect, decision.RuleId));
        Assert.Null(decision.ShadowEffect);
        Assert.Null(decision.ShadowRuleId);
    }

    [Fact]
    public void Evaluate_ShadowRouteRequirement_ReportsWouldDenyButAllows()
    {
        var policy = Compile("""
            version: 2
            requirements:
              - id: payments-bound-rollout
                mode: shadow
                routes: [payments]
                require: [sender_constrained]
            rules:
              - id: payments-read
                effect: allow
                match: { routes: [payments] }
                when: { subjects: [svc-a] }
            """);

        var bearer = PolicyEvaluator.Evaluate(policy, At(Caller("svc-a", false), "payments"));
        var bound = PolicyEvaluator.Evaluate(policy, At(Caller("svc-a", true), "payments"));

        Assert.Equal((Effect.Allow, "payments-read", DecisionReason.AllowedByRule), (bearer.Effect, bearer.RuleId, bearer.Reason));
        Assert.Equal((Effect.Deny, "payments-bound-rollout", true), (bearer.ShadowEffect, bearer.ShadowRuleId, bearer.ShadowFlipsEffect));
        Assert.Equal((Effect.Allow, "payments-read"), (bound.Effect, bound.RuleId));
        Assert.Null(bound.ShadowEffect);
        Assert.Equal(RuleMode.Shadow, policy.Requirements[0].Mode);
        Assert.True(policy.HasShadowRequirements);
    }

    [Fact]
    public void Evaluate_RequirementInShadowFile_IsShadow()
    {
        var policy = Compile("""
            version: 2
            mode: shadow
            requirements:
              - routes: [payments]
                require: [sender_constrained]
            """);

        var decision = PolicyEvaluator.Evaluate(policy, At(Caller("svc-a", false), "payments"));

        Assert.Equal((Effect.Deny, (string?)null, DecisionReason.NoMatchingRule), (decision.Effect, decision.RuleId, decision.Reason));
        Assert.Equal((Effect.Deny, "requirement:payments"), (decision.ShadowEffect, decision.ShadowRuleId));
    }

    [Fact]
    public void Evaluate_ShadowDenyStillReportedOverRouteRequirement()
    {
        var policy = Compile("""
            version: 2
            requirements:
              - routes: [payments]
                require: [sender_constrained]
            rules:
              - id: shadow-deny
                effect: deny
                mode: shadow
                match: { routes: [payments] }
            """);

        var decision = PolicyEvaluator.Evaluate(policy, At(Caller("svc-a", false), "payments"));

        Assert.Equal(("requirement:payments", DecisionReason.SenderConstraintRequired), (decision.RuleId, decision.Reason));
        Assert.Equal((Effect.Deny, "shadow-deny"), (decision.ShadowEffect, decision.ShadowRuleId));
    }

    // ---------------------------------------------------------------- explain and tools API

    [Fact]
    public void Explain_RuleMatchedButRequirementNotMet_SaysSo()
    {
        var explanation = PolicyEvaluator.Explain(Rules, At(Caller("svc-a", false), "transfers"));

        var rule = explanation.Rules.Single(r => r.Rule.Id == "transfers-write");
        Assert.Equal(RuleOutcome.RequirementNotMet, rule.Outcome);
        Assert.False(rule.Matched);
        Assert.StartsWith("require: [sender_constrained]: the credential is not sender-constrained", rule.FailedCondition);
        Assert.Contains("transfers-write: matched, but requirement not met", rule.ToString());
        Assert.Equal(PolicyEvaluator.Evaluate(Rules, At(Caller("svc-a", false), "transfers")), explanation.Decision);
        Assert.Equal(RuleOutcome.Matched, PolicyEvaluator.Explain(Rules, At(Caller("svc-a", true), "transfers")).Rules[0].Outcome);
    }

    [Fact]
    public void Explain_FailingConditionComesBeforeRequirement()
    {
        var explanation = PolicyEvaluator.Explain(Rules, At(Caller("svc-z", false), "transfers"));

        var rule = explanation.Rules.Single(r => r.Rule.Id == "transfers-write");
        Assert.Equal(RuleOutcome.NotMatched, rule.Outcome);
        Assert.Equal("subjects: [svc-a, svc-b]", rule.FailedCondition);
    }

    [Fact]
    public void Explain_RouteRequirement_ListedWithOutcome()
    {
        var bearer = PolicyEvaluator.Explain(Routes, At(Caller("svc-a", false), "ledger", "/x", "GET"));
        var bound = PolicyEvaluator.Explain(Routes, At(Caller("svc-a", true), "ledger", "/x", "GET"));
        var other = PolicyEvaluator.Explain(Routes, At(Caller("svc-a", false), "orders", "/x", "GET"));

        var requirement = Assert.Single(bearer.Requirements);
        Assert.Equal(("ledger-needs-binding", false), (requirement.DeciderId, requirement.Met));
        Assert.StartsWith("require: [sender_constrained]: the credential is not sender-constrained", requirement.FailedRequirement);
        Assert.Equal("The ledger is high impact.", requirement.Requirement.Description);
        Assert.True(Assert.Single(bound.Requirements).Met);
        Assert.Empty(other.Requirements);
        Assert.Equal("payments-read", Assert.Single(bearer.Matched).Rule.Id);
    }

    [Fact]
    public void PolicySet_ExposesRequirements()
    {
        Assert.Equal(["sender_constrained"], Rules.FindRule("transfers-write")!.Requirements);
        Assert.Empty(Rules.FindRule("transfers-write-legacy")!.Requirements);
        Assert.Equal(2, Routes.Requirements.Count);
        var first = Routes.Requirements[0];
        Assert.Null(first.Id);
        Assert.Equal(["payments", "refunds"], first.Routes);
        Assert.Equal(["sender_constrained"], first.Requirements);
        Assert.Equal((3, 5, 0), (first.Line, first.Column, first.Order));
        Assert.Same(first, Routes.FindRequirement("requirement:refunds"));
        Assert.Same(Routes.Requirements[1], Routes.FindRequirement("ledger-needs-binding"));
        Assert.Null(Routes.FindRequirement("requirement:ledger"));
        Assert.Null(Routes.FindRequirement("payments-read"));
        Assert.False(Routes.HasShadowRequirements);
    }

    // ---------------------------------------------------------------- cost

    [Fact]
    public void Evaluate_Requirements_AllocateNothing()
    {
        var shadow = Compile("""
            version: 2
            requirements:
              - { id: rollout, mode: shadow, routes: [transfers], require: [sender_constrained] }
            rules:
              - { id: s, effect: allow, mode: shadow, require: [sender_constrained], match: { routes: [transfers] }, when: { subjects: [svc-a] } }
            """);
        var contexts = new[]
        {
            At(Caller("svc-a", false), "transfers"),
            At(Caller("svc-a", true), "transfers"),
            At(Caller("svc-c", false), "transfers"),
            At(Caller("svc-a", false), "transfers", "/frozen/1"),
            At(Caller("svc-a", false), "payments", "/x", "GET"),
            At(Caller("svc-a", false), "refunds", "/x", "GET"),
            At(Caller("svc-a", true), "ledger", "/x", "GET"),
            At(Caller("svc-a", false), null, "/public/x", "GET"),
        };
        foreach (var context in contexts)
        {
            PolicyEvaluator.Evaluate(Rules, context);
            PolicyEvaluator.Evaluate(Routes, context);
            PolicyEvaluator.Evaluate(shadow, context);
        }

        var before = GC.GetAllocatedBytesForCurrentThread();
        for (var i = 0; i < 200; i++)
        {
            foreach (var context in contexts)
            {
                PolicyEvaluator.Evaluate(Rules, context);
                PolicyEvaluator.Evaluate(Routes, context);
                PolicyEvaluator.Evaluate(shadow, context);
            }
        }

        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
    }
}

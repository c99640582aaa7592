using System.Text.Json;

namespace Gateway.Tests.Cli;

/// <summary>The policy verbs with <c>require: [sender_constrained]</c>, route <c>requirements</c> and bound/bearer callers.</summary>
[Collection("Console")]
public sealed class PolicySenderConstraintVerbTests
{
    private const string Frontend = "spiffe://demo.local/ns/shop/sa/frontend";

    private const string Policy = """
        version: 2
        requirements:
          - id: inventory-bound
            routes: [inventory]
            require: [sender_constrained]
        rules:
          - id: frontend-reads-orders
            effect: allow
            require: [sender_constrained]
            match: { routes: [orders], methods: [GET] }
            when: { spiffe_ids: ["spiffe://demo.local/ns/shop/sa/frontend"] }
          - id: frontend-reads-inventory
            effect: allow
            match: { routes: [inventory], methods: [GET] }
            when: { spiffe_ids: ["spiffe://demo.local/ns/shop/sa/frontend"] }
          - id: admin-needs-binding
            effect: deny
            match: { paths: ["/orders/admin/**"] }
            when: { sender_constrained: false }
        """;

    private const string Tests = """
        tests:
          - name: bound frontend reads an order
            request: { identity: { subject: spiffe://demo.local/ns/shop/sa/frontend, sender_constrained: true }, path: /orders/1 }
            expect: { decision: allow, rule: frontend-reads-orders, reason: allowed_by_rule }
          - name: bearer frontend is told to bind (default false)
            request: { identity: { subject: spiffe://demo.local/ns/shop/sa/frontend }, path: /orders/1 }
            expect: { decision: deny, rule: frontend-reads-orders, reason: sender_constraint_required }
          - name: bearer frontend on a route with a requirement
            request: { identity: { subject: spiffe://demo.local/ns/shop/sa/frontend, sender_constrained: false }, path: /inventory/1 }
            expect: { decision: deny, rule: inventory-bound, reason: sender_constraint_required }
          - name: mtls is always bound
            request: { identity: { subject: spiffe://demo.local/ns/shop/sa/frontend, auth_method: mtls }, path: /inventory/1 }
            expect: { decision: allow, rule: frontend-reads-inventory }
          - name: deny on bearer admin calls
            request: { identity: spiffe://demo.local/ns/shop/sa/frontend, path: /orders/admin/x }
            expect: { decision: deny, rule: admin-needs-binding, reason: denied_by_rule }
        """;

    [Fact]
    public async Task Test_SenderConstrainedIdentityField_DecidesAsTheGatewayWould()
    {
        using var config = new CliConfig(Policy);
        var file = config.Write("t/bound.tests.yaml", Tests);

        var (exit, output, error) = await CliRun.RunAsync("policy", "test", file, "--config", config.ConfigFile);

        Assert.True(exit == 0, output + error);
        Assert.Contains("5 passed, 0 failed", output);
    }

    [Fact]
    public async Task Test_BearerWhereBoundExpected_FailsWithReasonAndWhy()
    {
        using var config = new CliConfig(Policy);
        var file = config.Write("fail.tests.yaml", """
            tests:
              - name: bearer expected to be allowed
                request: { identity: { subject: spiffe://demo.local/ns/shop/sa/frontend }, path: /orders/1 }
                expect: { decision: allow, reason: allowed_by_rule }
            """);

        var (exit, output, _) = await CliRun.RunAsync("policy", "test", file, "--config", config.ConfigFile);

        Assert.Equal(1, exit);
        Assert.Contains("reason: expected allowed_by_rule, got sender_constraint_required", output);
        Assert.Contains("auth jwt (bearer)", output);
        Assert.Contains("requirement not met: require: [sender_constrained]: the credential is not sender-constrained", output);
    }

    [Theory]
    [InlineData("not a boolean", "{ subject: a, sender_constrained: yes }", ":3:60: error: sender_constrained is true or false, not 'yes'")]
    [InlineData("mtls unbound", "{ subject: a, auth_method: mtls, sender_constrained: false }", ":3:79: error: an mtls identity is always sender-constrained")]
    [InlineData("misspelt", "{ subject: a, sender_constraind: true }", ":3:40: error: unknown field 'sender_constraind'")]
    public async Task Test_BadSenderConstrainedField_ExitsTwoWithFileLineColumn(string name, string identity, string expected)
    {
        _ = name;
        using var config = new CliConfig(Policy);
        var file = config.Write("bad.tests.yaml", $"tests:\n  - name: x\n    request: {{ identity: {identity}, path: /orders/1 }}\n    expect: {{ decision: deny }}\n");

        var (exit, _, error) = await CliRun.RunAsync("policy", "test", file, "--config", config.ConfigFile);

        Assert.Equal(2, exit);
        Assert.Contains("bad.tests.yaml" + expected, error);
    }

    [Fact]
    public async Task Test_UnknownExpectedRequirementId_IsAnError()
    {
        using var config = new CliConfig(Policy);
        var file = config.Write("bad.tests.yaml", "tests:\n  - name: x\n    request: { identity: a, path: /inventory/1 }\n    expect: { decision: deny, rule: requirement:nope }\n");

        var (exit, _, error) = await CliRun.RunAsync("policy", "test", file, "--config", config.ConfigFile);

        Assert.Equal(2, exit);
        Assert.Contains("expected rule 'requirement:nope' is not in the policy", error);
    }

    [Fact]
    public async Task Explain_BearerOnRouteRequirement_ShowsRequirementNotMet()
    {
        using var config = new CliConfig(Policy);

        var (exit, output, _) = await CliRun.RunAsync("policy", "explain", "--config", config.ConfigFile, "--subject", Frontend, "--path", "/inventory/1");

        Assert.Equal(0, exit);
        Assert.Contains("decision: DENY (sender_constraint_required) by route requirement inventory-bound (", output);
        Assert.Contains("the route requires a sender-constrained credential", output);
        Assert.Matches(@"route requirements:\n\s+require sender_constrained\s+inventory-bound\s+\S+policy0\.yaml:3:5\s+NOT MET\s+<- decides", output.ReplaceLineEndings("\n"));
        Assert.Matches(@"allow\s+frontend-reads-inventory", output);
    }

    [Fact]
    public async Task Explain_SenderConstrainedFlag_Allows()
    {
        using var config = new CliConfig(Policy);

        var (exit, output, _) = await CliRun.RunAsync(
            "policy", "explain", "--config", config.ConfigFile, "--subject", Frontend, "--path", "/orders/1", "--sender-constrained");

        Assert.Equal(0, exit);
        Assert.Contains("auth jwt (sender-constrained)", output);
        Assert.Matches(@"allow\s+frontend-reads-orders\s+\S+  \[require sender_constrained\]  <- decides", output);
    }

    [Fact]
    public async Task Explain_Json_RuleBlockedByRequirement()
    {
        using var config = new CliConfig(Policy);

        var (exit, output, _) = await CliRun.RunAsync("policy", "explain", "--config", config.ConfigFile, "--subject", Frontend, "--path", "/orders/1", "--json");

        Assert.Equal(0, exit);
        using var doc = JsonDocument.Parse(output);
        var root = doc.RootElement;
        Assert.Equal("sender_constraint_required", root.GetProperty("reason").GetString());
        Assert.Equal("frontend-reads-orders", root.GetProperty("rule").GetProperty("id").GetString());
        Assert.Equal("sender_constrained", root.GetProperty("rule").GetProperty("require")[0].GetString());
        Assert.False(root.GetProperty("request").GetProperty("identity").GetProperty("senderConstrained").GetBoolean());
        var near = root.GetProperty("nearMisses").EnumerateArray().Single(n => n.GetProperty("id").GetString() == "frontend-reads-orders");
        Assert.Equal("requirement_not_met", near.GetProperty("outcome").GetString());
        Assert.Equal(0, root.GetProperty("requirements").GetArrayLength());
    }

    [Fact]
    public async Task Explain_JsonRouteRequirement_IsTheDecider()
    {
        using var config = new CliConfig(Policy);

        var (_, output, _) = await CliRun.RunAsync("policy", "explain", "--config", config.ConfigFile, "--subject", Frontend, "--path", "/inventory/1", "--json");

        using var doc = JsonDocument.Parse(output);
        var rule = doc.RootElement.GetProperty("rule");
        Assert.Equal(("inventory-bound", "requirement"), (rule.GetProperty("id").GetString(), rule.GetProperty("kind").GetString()));
        var requirement = doc.RootElement.GetProperty("requirements")[0];
        Assert.False(requirement.GetProperty("met").GetBoolean());
        Assert.Equal("inventory", requirement.GetProperty("routes")[0].GetString());
    }

    [Fact]
    public async Task Who_ListsRouteRequirementAndRuleRequire()
    {
        using var config = new CliConfig(Policy);

        var (_, inventory, _) = await CliRun.RunAsync("policy", "who", "--config", config.ConfigFile, "--route", "inventory");
        var (_, orders, _) = await CliRun.RunAsync("policy", "who", "--config", config.ConfigFile, "--route", "orders", "--json");

        Assert.Contains("requirement inventory-bound (", inventory);
        Assert.Contains("every caller needs a sender-constrained credential", inventory);
        using var doc = JsonDocument.Parse(orders);
        Assert.Equal(0, doc.RootElement.GetProperty("requirements").GetArrayLength());
        var allow = doc.RootElement.GetProperty("allow")[0];
        Assert.Equal(("frontend-reads-orders", "sender_constrained"), (allow.GetProperty("id").GetString(), allow.GetProperty("require")[0].GetString()));
    }

    [Fact]
    public async Task Who_TextShowsRuleRequirement()
    {
        using var config = new CliConfig(Policy);

        var (exit, output, _) = await CliRun.RunAsync("policy", "who", "--config", config.ConfigFile, "--route", "orders");

        Assert.Equal(0, exit);
        Assert.Contains("require sender_constrained: only callers with a sender-constrained credential", output);
        Assert.Contains("sender_constrained: false", output);
    }

    [Fact]
    public async Task Reach_Bearer_OnlyWithBoundCredential()
    {
        using var config = new CliConfig(Policy);

        var (exit, output, _) = await CliRun.RunAsync("policy", "reach", "--config", config.ConfigFile, "--identity", Frontend);

        Assert.Equal(0, exit);
        Assert.Contains("requirement inventory-bound (", output);
        Assert.Contains("only with a sender-constrained credential (require sender_constrained)", output);
        Assert.Contains("not reachable with this bearer credential (a sender-constrained one would): inventory, orders", output);
        Assert.Contains("0 of 2 route(s) reachable", output);
    }

    [Fact]
    public async Task Reach_SenderConstrained_ReachesBoth()
    {
        using var config = new CliConfig(Policy);

        var (exit, output, _) = await CliRun.RunAsync("policy", "reach", "--config", config.ConfigFile, "--identity", Frontend, "--sender-constrained", "--json");

        Assert.Equal(0, exit);
        using var doc = JsonDocument.Parse(output);
        Assert.True(doc.RootElement.GetProperty("identity").GetProperty("senderConstrained").GetBoolean());
        Assert.Equal(0, doc.RootElement.GetProperty("senderConstraintRequiredRoutes").GetArrayLength());
        var routes = doc.RootElement.GetProperty("routes").EnumerateArray().ToDictionary(r => r.GetProperty("route").GetString()!);
        Assert.True(routes["orders"].GetProperty("reachable").GetBoolean());
        Assert.True(routes["orders"].GetProperty("grants")[0].GetProperty("requirementMet").GetBoolean());
        Assert.True(routes["inventory"].GetProperty("reachable").GetBoolean());
    }

    [Fact]
    public async Task Diff_NewRequirement_FlipsBearerRequestsAndSaysWhy()
    {
        using var config = new CliConfig(Policy);
        var old = config.Write("old.yaml", """
            version: 2
            rules:
              - id: frontend-reads-orders
                effect: allow
                match: { routes: [orders], methods: [GET] }
                when: { spiffe_ids: ["spiffe://demo.local/ns/shop/sa/frontend"] }
              - id: frontend-reads-inventory
                effect: allow
                match: { routes: [inventory], methods: [GET] }
                when: { spiffe_ids: ["spiffe://demo.local/ns/shop/sa/frontend"] }
            """);
        var requests = config.Write("requests.jsonl", string.Join('\n',
            """{"identity": {"subject": "spiffe://demo.local/ns/shop/sa/frontend"}, "path": "/inventory/1"}""",
            """{"identity": {"subject": "spiffe://demo.local/ns/shop/sa/frontend", "sender_constrained": true}, "path": "/inventory/1"}""",
            """{"identity": "spiffe://demo.local/ns/shop/sa/frontend", "authMethod": "jwt", "binding": "dpop", "method": "GET", "path": "/orders/1", "requestId": "r1"}"""));

        var (exit, output, _) = await CliRun.RunAsync("policy", "diff", old, Path.Combine(config.Dir, "policy0.yaml"), "--config", config.ConfigFile, "--requests", requests);

        Assert.Equal(1, exit);
        Assert.Contains("require: -  ->  sender_constrained", output);
        Assert.Contains("requirement inventory-bound: (none)  ->  require [sender_constrained] on [inventory]", output);
        Assert.Contains("1 flip(s)", output);
        Assert.Contains("why: route requirement inventory-bound now requires a sender-constrained credential, and this request has a bearer credential", output);
    }
}

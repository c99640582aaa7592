using System.Text.Json;

namespace Gateway.Tests.Cli;

[Collection("Console")]
public sealed class PolicyDiffVerbTests
{
    private const string NewPolicy = """
        version: 2
        rules:
          - id: frontend-reads-orders
            description: The shop frontend reads orders.
            effect: allow
            match: { routes: [orders], methods: [GET], paths: ["/orders/{id}"] }
            when:
              spiffe_ids: ["spiffe://demo.local/ns/shop/sa/frontend"]
          - id: batch-reads-inventory
            description: The nightly batch job reads inventory.
            effect: allow
            match: { routes: [inventory], methods: [GET], paths: ["/inventory/**"] }
            when:
              spiffe_ids: ["spiffe://demo.local/ns/shop/sa/batch"]
              time: { days: [mon-fri], from: "01:00", to: "05:00" }
          - id: audit-reads-orders
            effect: allow
            match: { routes: [orders], methods: [GET] }
            when: { spiffe_ids: ["spiffe://demo.local/ns/ops/sa/audit"] }
        """;

    // Gateway audit records (AuditWriter's shape): a batch read at 10:00 (outside the new window), an anonymous 401,
    // and a frontend HEAD (audit records have no claims).
    private const string AuditLog = """
        {"time":"2026-11-26T10:00:01+00:00","requestId":"r2","identity":"spiffe://demo.local/ns/shop/sa/batch","issuer":"https://dev-issuer.gateway.local","authMethod":"jwt","tokenId":"j2","tokenHash":"h2","route":"inventory","method":"GET","host":"127.0.0.1","path":"/inventory/sku-1","decision":"allow","rule":"batch-reads-inventory","reason":"allowed_by_rule","status":200,"durationMs":1.0,"source":"127.0.0.1"}
        {"time":"2026-11-26T10:00:02+00:00","requestId":"r3","identity":null,"issuer":null,"authMethod":null,"tokenId":null,"tokenHash":null,"route":"orders","method":"GET","host":"127.0.0.1","path":"/orders/42","decision":"deny","rule":null,"reason":"missing_credential","status":401,"durationMs":0.1,"source":"127.0.0.1"}
        {"time":"2026-11-26T10:00:03+00:00","requestId":"r4","identity":"spiffe://demo.local/ns/ops/sa/audit","issuer":"https://dev-issuer.gateway.local","authMethod":"jwt","tokenId":"j4","tokenHash":"h4","route":"orders","method":"GET","host":"127.0.0.1","path":"/orders/7","decision":"deny","rule":null,"reason":"no_matching_rule","status":403,"durationMs":0.2,"source":"127.0.0.1"}
        """;

    private static string Old => CliRun.RepoFile("config", "policies", "default.yaml");

    [Fact]
    public async Task Diff_RulesAddedRemovedChanged_Text()
    {
        using var config = new CliConfig();
        var @new = config.Write("new/policy.yaml", NewPolicy);

        var (exit, output, _) = await CliRun.RunAsync("policy", "diff", Old, Path.GetDirectoryName(@new)!, "--config", config.ConfigFile);

        Assert.Equal(0, exit);
        // The shipped policy also has the mTLS, sender-constrained and API-key rules, which the new file drops.
        Assert.Contains("rules: 1 added, 4 removed, 2 changed", output);
        Assert.Matches(@"\+ allow\s+audit-reads-orders", output);
        Assert.Matches(@"- deny\s+no-admin-paths", output);
        Assert.Contains("methods: GET, HEAD  ->  GET", output);
        Assert.Contains("paths: /orders/{id}, /orders/**  ->  /orders/{id}", output);
        Assert.Contains("time: days [mon-fri], 01:00-05:00 UTC", output);
    }

    [Fact]
    public async Task Diff_SamePolicy_NoChangesExitZero()
    {
        using var config = new CliConfig();

        var (exit, output, _) = await CliRun.RunAsync("policy", "diff", Old, Path.GetDirectoryName(Old)!, "--config", config.ConfigFile);

        Assert.Equal(0, exit);
        Assert.Contains("rules: 0 added, 0 removed, 0 changed", output);
    }

    [Fact]
    public async Task Diff_AuditLog_DetectsFlipsAndExitsOne()
    {
        using var config = new CliConfig();
        var @new = config.Write("new.yaml", NewPolicy);
        var log = config.Write("audit.log", AuditLog);

        var (exit, output, _) = await CliRun.RunAsync("policy", "diff", Old, @new, "--requests", log, "--config", config.ConfigFile);

        Assert.Equal(1, exit);
        Assert.Contains("requests: 2 evaluated (1 anonymous skipped), 2 flip(s)", output);
        Assert.Contains("GET 127.0.0.1/inventory/sku-1 as spiffe://demo.local/ns/shop/sa/batch", output);
        Assert.Contains("old: ALLOW (allowed_by_rule) by batch-reads-inventory", output);
        Assert.Contains("new: DENY (no_matching_rule)", output);
        Assert.Contains("why: rule batch-reads-inventory no longer matches: time:", output);
        Assert.Contains("why: allow rule audit-reads-orders now matches (new rule)", output);
        Assert.Contains("pass --allow-flips", output);
    }

    [Fact]
    public async Task Diff_AuditLogAllowFlipsJson_ExitsZeroAndListsFlips()
    {
        using var config = new CliConfig();
        var @new = config.Write("new.yaml", NewPolicy);
        var log = config.Write("audit.log", AuditLog);

        var (exit, output, _) = await CliRun.RunAsync("policy", "diff", Old, @new, "--requests", log, "--config", config.ConfigFile, "--allow-flips", "--json");

        Assert.Equal(0, exit);
        using var doc = JsonDocument.Parse(output);
        var flips = doc.RootElement.GetProperty("flips");
        Assert.Equal(2, flips.GetArrayLength());
        Assert.Equal("batch-reads-inventory", flips[0].GetProperty("old").GetProperty("rule").GetProperty("id").GetString());
        Assert.Equal("deny", flips[0].GetProperty("new").GetProperty("decision").GetString());
        Assert.Equal("audit-reads-orders", flips[1].GetProperty("new").GetProperty("rule").GetProperty("id").GetString());
        Assert.Equal(["audit-reads-orders"], doc.RootElement.GetProperty("added").EnumerateArray().Select(e => e.GetString()));
    }

    [Fact]
    public async Task Diff_TestShapedJsonl_UsesClaimsAndHeaders()
    {
        using var config = new CliConfig();
        var @new = config.Write("new.yaml", NewPolicy);
        var requests = config.Write("requests.jsonl", """
            {"identity": {"subject": "spiffe://demo.local/ns/shop/sa/frontend", "claims": {"scope": ["orders.read"]}}, "method": "HEAD", "path": "/orders/42", "time": "2026-11-26T10:00:00Z"}
            {"request": {"identity": {"subject": "spiffe://demo.local/ns/shop/sa/frontend", "claims": {"scope": "orders.read"}}, "method": "GET", "path": "/orders/42"}}
            """);

        var (exit, output, _) = await CliRun.RunAsync("policy", "diff", Old, @new, "--requests", requests, "--config", config.ConfigFile);

        Assert.Equal(1, exit);
        Assert.Contains("requests: 2 evaluated, 1 flip(s)", output);
        Assert.Contains("HEAD localhost/orders/42", output);
        Assert.Contains("why: rule frontend-reads-orders no longer matches: match.methods: 'HEAD' is not one of [GET]", output);
    }

    [Theory]
    [InlineData("one policy", new[] { "a.yaml" }, "needs OLD and NEW")]
    [InlineData("unknown flag", new[] { "a", "b", "--flips" }, "unknown option --flips")]
    public async Task Diff_UsageError_ExitsTwo(string name, string[] args, string expected)
    {
        _ = name;

        var (exit, _, error) = await CliRun.RunAsync(["policy", "diff", .. args]);

        Assert.Equal(2, exit);
        Assert.Contains(expected, error);
    }

    [Fact]
    public async Task Diff_BrokenNewPolicyOrRequests_ExitsTwoWithLocation()
    {
        using var config = new CliConfig();
        var broken = config.Write("broken.yaml", "version: 1\nrules:\n  - id: x\n    effect: allow\n    match: { methods: [G3T] }\n");
        var badLog = config.Write("bad.jsonl", "{\"identity\": \"a\", \"path\": \"/x\"}\nnot json\n");

        var policyError = await CliRun.RunAsync("policy", "diff", Old, broken, "--config", config.ConfigFile);
        var logError = await CliRun.RunAsync("policy", "diff", Old, Old, "--requests", badLog, "--config", config.ConfigFile);

        Assert.Equal(2, policyError.Exit);
        Assert.Contains("broken.yaml:5:", policyError.Err);
        Assert.Contains("PC1010", policyError.Err);
        Assert.Equal(2, logError.Exit);
        Assert.Contains("bad.jsonl:2:", logError.Err);
    }
}

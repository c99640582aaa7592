using System.Text.Json;

namespace Gateway.Tests.Cli;

[Collection("Console")]
public sealed class PolicyExplainVerbTests
{
    private static readonly string[] Frontend =
        ["--subject", "spiffe://demo.local/ns/shop/sa/frontend", "--issuer", "https://dev-issuer.gateway.local", "--claim", "scope=orders.read", "--time", "2026-11-26T10:00:00Z"];

    [Fact]
    public async Task Explain_AdminPath_DenyBeatsAllowWithBothRulesMatched()
    {
        using var config = new CliConfig();

        var (exit, output, _) = await CliRun.RunAsync(["policy", "explain", "--config", config.ConfigFile, .. Frontend, "--path", "/orders/admin/export"]);

        Assert.Equal(0, exit);
        Assert.Contains("route orders (from the config's routes), labels namespace=shop, zone=prod", output);
        Assert.Matches($@"decision: DENY \(denied_by_rule\) by no-admin-paths \(.*default\.yaml:{RuleLine("no-admin-paths")}:5\)", output);
        Assert.Matches(@"allow\s+frontend-reads-orders", output);
        Assert.Matches(@"deny\s+no-admin-paths .*<- decides", output);
    }

    [Fact]
    public async Task Explain_OtherWorkload_ShowsNearMissAndWhy()
    {
        using var config = new CliConfig();

        var (exit, output, _) = await CliRun.RunAsync(
            "policy", "explain", "--config", config.ConfigFile, "--subject", "spiffe://demo.local/ns/shop/sa/batch", "--path", "/orders/42");

        Assert.Equal(0, exit);
        Assert.Contains("decision: DENY (no_matching_rule): no rule matched, default deny", output);
        Assert.Contains("near misses", output);
        Assert.Contains("failed: spiffe_ids: [spiffe://demo.local/ns/shop/sa/frontend]", output);
    }

    [Fact]
    public async Task Explain_MissingClaim_IsNotEvaluable()
    {
        using var config = new CliConfig();

        var (_, output, _) = await CliRun.RunAsync(
            "policy", "explain", "--config", config.ConfigFile, "--subject", "spiffe://demo.local/ns/shop/sa/frontend", "--path", "/orders/42");

        Assert.Contains("not evaluable: claims: scope contains orders.read (cannot be evaluated)", output);
    }

    [Fact]
    public async Task Explain_Json_HasDecisionRuleLocationAndMatches()
    {
        using var config = new CliConfig();

        var (exit, output, _) = await CliRun.RunAsync(["policy", "explain", "--config", config.ConfigFile, .. Frontend, "--method", "head", "--path", "/orders/42", "--json"]);

        Assert.Equal(0, exit);
        using var doc = JsonDocument.Parse(output);
        var root = doc.RootElement;
        Assert.Equal("allow", root.GetProperty("decision").GetString());
        Assert.Equal("frontend-reads-orders", root.GetProperty("rule").GetProperty("id").GetString());
        Assert.Equal(RuleLine("frontend-reads-orders"), root.GetProperty("rule").GetProperty("line").GetInt32());
        Assert.Equal("orders", root.GetProperty("request").GetProperty("route").GetString());
        Assert.Equal("HEAD", root.GetProperty("request").GetProperty("method").GetString());
        Assert.Equal("demo.local", root.GetProperty("request").GetProperty("identity").GetProperty("trustDomain").GetString());
        Assert.Single(root.GetProperty("matched").EnumerateArray());
    }

    [Fact]
    public async Task Explain_HeaderAndTimeConditions_UseGivenContext()
    {
        using var config = new CliConfig("""
            version: 2
            rules:
              - id: canary
                effect: allow
                match: { routes: [orders] }
                when:
                  spiffe_ids: ["spiffe://demo.local/ns/shop/sa/*"]
                  headers: [{ name: X-Env, equals: canary }]
                  time: { days: [mon-fri], from: "08:00", to: "18:00" }
            """);
        string[] common = ["policy", "explain", "--config", config.ConfigFile, "--subject", "spiffe://demo.local/ns/shop/sa/a", "--path", "/orders/1"];

        var weekday = await CliRun.RunAsync([.. common, "--header", "x-env=canary", "--time", "2026-11-26T10:00:00Z"]);
        var noHeader = await CliRun.RunAsync([.. common, "--time", "2026-11-26T10:00:00Z"]);
        var sunday = await CliRun.RunAsync([.. common, "--header", "X-Env=canary", "--time", "2026-11-29T10:00:00Z"]);

        Assert.Contains("decision: ALLOW (allowed_by_rule) by canary", weekday.Out);
        Assert.Contains("failed: headers: X-Env in [canary]", noHeader.Out);
        Assert.Contains("failed: time:", sunday.Out);
    }

    [Theory]
    [InlineData("no subject", new[] { "--path", "/x" }, "--subject")]
    [InlineData("no path", new[] { "--subject", "s" }, "--path")]
    [InlineData("unknown option", new[] { "--subject", "s", "--path", "/x", "--colour", "red" }, "unknown option --colour")]
    [InlineData("bad time", new[] { "--subject", "s", "--path", "/x", "--time", "noon" }, "is not a time")]
    [InlineData("bad claim", new[] { "--subject", "s", "--path", "/x", "--claim", "scope" }, "write NAME=VALUE")]
    [InlineData("unknown route", new[] { "--subject", "s", "--path", "/x", "--route", "nope" }, "--route 'nope' is not in the config")]
    public async Task Explain_UsageError_ExitsTwo(string name, string[] args, string expected)
    {
        _ = name;
        using var config = new CliConfig();

        var (exit, _, error) = await CliRun.RunAsync(["policy", "explain", "--config", config.ConfigFile, .. args]);

        Assert.Equal(2, exit);
        Assert.Contains(expected, error);
    }

    /// <summary>The 1-based line of a rule in the shipped policy, so comments added above it do not break the test.</summary>
    private static int RuleLine(string id)
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "Gateway.sln")))
        {
            dir = dir.Parent;
        }

        var lines = File.ReadAllLines(Path.Combine(dir!.FullName, "config", "policies", "default.yaml"));
        return Array.FindIndex(lines, l => l.Trim() == "- id: " + id) + 1;
    }
}

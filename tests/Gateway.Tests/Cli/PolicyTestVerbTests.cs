using System.Text.Json;

namespace Gateway.Tests.Cli;

[Collection("Console")]
public sealed class PolicyTestVerbTests
{
    private const string FailingTests = """
        tests:
          - name: frontend reads an order
            request: { identity: { subject: spiffe://demo.local/ns/shop/sa/frontend, claims: { scope: [orders.read] } }, method: GET, path: /orders/42, time: "2026-11-26T10:00:00Z" }
            expect: { decision: allow, rule: frontend-reads-orders }
          - name: batch reads orders (wrong on purpose)
            request: { identity: { subject: spiffe://demo.local/ns/shop/sa/batch }, method: GET, host: api.local, path: /orders/42, route: orders, headers: {}, query: {}, time: "2026-11-26T10:00:00Z" }
            expect: { decision: allow, rule: frontend-reads-orders }
        """;

    [Fact]
    public async Task Test_ShippedTestsOnShippedConfig_ExitsZero()
    {
        var (exit, output, error) = await CliRun.RunAsync(
            "policy", "test", CliRun.RepoFile("config", "policies", "tests"), "--config", CliRun.RepoFile("config", "gateway.json"));

        Assert.True(exit == 0, output + error);
        Assert.Contains("0 failed", output);
        Assert.Contains("✓ deny beats allow on admin paths (403)", output);
    }

    [Fact]
    public async Task Test_DefaultDirNextToConfig_RunsShippedTests()
    {
        using var config = new CliConfig();
        config.Write("policies/tests/default.tests.yml", File.ReadAllText(CliRun.RepoFile("config", "policies", "tests", "default.tests.yml")));

        var (exit, output, _) = await CliRun.RunAsync("policy", "test", "--config", config.ConfigFile);

        Assert.Equal(0, exit);
        Assert.Matches(@"\d+ passed, 0 failed", output);
    }

    [Fact]
    public async Task Test_FailingTest_ExitsOneWithActualDecisionAndWhy()
    {
        using var config = new CliConfig();
        var file = config.Write("t/fail.tests.yaml", FailingTests);

        var (exit, output, _) = await CliRun.RunAsync("policy", "test", file, "--config", config.ConfigFile);

        Assert.Equal(1, exit);
        Assert.Contains("✓ frontend reads an order", output);
        Assert.Contains("✗ batch reads orders (wrong on purpose)", output);
        Assert.Contains("decision: expected allow, got deny", output);
        Assert.Contains("rule: expected frontend-reads-orders, got none", output);
        Assert.Contains("failed: spiffe_ids: [spiffe://demo.local/ns/shop/sa/frontend]", output);
        Assert.Contains("1 passed, 1 failed", output);
    }

    [Fact]
    public async Task Test_FailingTestJson_ReportsProblemsAndExplanation()
    {
        using var config = new CliConfig();
        var file = config.Write("fail.tests.yaml", FailingTests);

        var (exit, output, _) = await CliRun.RunAsync("policy", "test", file, "--config", config.ConfigFile, "--json");

        Assert.Equal(1, exit);
        using var doc = JsonDocument.Parse(output);
        Assert.Equal(1, doc.RootElement.GetProperty("passed").GetInt32());
        Assert.Equal(1, doc.RootElement.GetProperty("failed").GetInt32());
        var failed = doc.RootElement.GetProperty("tests")[1];
        Assert.False(failed.GetProperty("passed").GetBoolean());
        Assert.Equal("deny", failed.GetProperty("actual").GetProperty("decision").GetString());
        Assert.Equal("no_matching_rule", failed.GetProperty("actual").GetProperty("reason").GetString());
        var near = failed.GetProperty("explanation").GetProperty("nearMisses");
        Assert.Contains(near.EnumerateArray(), n => n.GetProperty("id").GetString() == "frontend-reads-orders");
    }

    [Theory]
    [InlineData("unknown field", "tests:\n  - name: x\n    requestt: {}\n    expect: { decision: allow }\n", ":3:5: error: unknown field 'requestt'")]
    [InlineData("bad decision", "tests:\n  - name: x\n    request: { identity: a, path: /orders/1 }\n    expect: { decision: maybe }\n", ":4:25: error: expect.decision is 'allow' or 'deny'")]
    [InlineData("yaml syntax", "tests: [\n", ":2:1: error: YAML syntax")]
    [InlineData("unknown route", "tests:\n  - name: x\n    request: { identity: a, path: /x, route: nope }\n    expect: { decision: deny }\n", ":2:5: error: test 'x': route 'nope' is not in the config")]
    [InlineData("unknown rule", "tests:\n  - name: x\n    request: { identity: a, path: /x }\n    expect: { decision: deny, rule: nope }\n", ":2:5: error: test 'x': expected rule 'nope' is not in the policy")]
    public async Task Test_BadTestFile_ExitsTwoWithFileLineColumn(string name, string yaml, string expected)
    {
        _ = name;
        using var config = new CliConfig();
        var file = config.Write("bad.tests.yaml", yaml);

        var (exit, _, error) = await CliRun.RunAsync("policy", "test", file, "--config", config.ConfigFile);

        Assert.Equal(2, exit);
        Assert.Contains("bad.tests.yaml" + expected, error);
    }

    [Fact]
    public async Task Test_BrokenPolicy_ExitsTwoWithDiagnostics()
    {
        using var config = new CliConfig("version: 1\nrules:\n  - id: x\n    effect: permit\n");

        var (exit, _, error) = await CliRun.RunAsync("policy", "test", config.Dir, "--config", config.ConfigFile);

        Assert.Equal(2, exit);
        Assert.Contains("policy0.yaml:4:13: error: PC1006", error);
    }

    [Fact]
    public async Task Test_EmptyFolder_ExitsTwo()
    {
        using var config = new CliConfig();
        Directory.CreateDirectory(Path.Combine(config.Dir, "empty"));

        var (exit, _, error) = await CliRun.RunAsync("policy", "test", Path.Combine(config.Dir, "empty"), "--config", config.ConfigFile);

        Assert.Equal(2, exit);
        Assert.Contains("no test files", error);
    }
}

namespace Gateway.Tests.Cli;

[Collection("Console")]
public sealed class PolicyVerbUsageTests
{
    [Fact]
    public async Task Policy_NoVerb_ExitsTwoWithUsage()
    {
        var (exit, _, error) = await CliRun.RunAsync("policy");

        Assert.Equal(2, exit);
        Assert.Contains("usage: gateway policy VERB", error);
    }

    [Fact]
    public async Task Policy_Help_ExitsZero()
    {
        var (exit, output, _) = await CliRun.RunAsync("policy", "help");

        Assert.Equal(0, exit);
        Assert.Contains("reach   --identity S", output);
    }

    [Fact]
    public async Task Policy_UnknownVerb_ExitsTwo()
    {
        var (exit, _, error) = await CliRun.RunAsync("policy", "lint");

        Assert.Equal(2, exit);
        Assert.Contains("unknown policy verb 'lint'", error);
    }

    [Fact]
    public async Task Policy_MissingConfig_ExitsTwoWithLocation()
    {
        var (exit, _, error) = await CliRun.RunAsync("policy", "reach", "--identity", "x", "--config", "/nonexistent/gateway.json");

        Assert.Equal(2, exit);
        Assert.Contains("gateway.json:1:1: error: config file not found", error);
    }

    [Fact]
    public async Task Policy_FlagWithValue_ExitsTwo()
    {
        var (exit, _, error) = await CliRun.RunAsync("policy", "test", "--json=yes");

        Assert.Equal(2, exit);
        Assert.Contains("--json takes no value", error);
    }

    [Fact]
    public async Task MainUsage_ListsPolicyVerb()
    {
        var (exit, output, _) = await CliRun.RunAsync("help");

        Assert.Equal(0, exit);
        Assert.Contains("policy   test|explain|reach|who|diff", output);
    }
}

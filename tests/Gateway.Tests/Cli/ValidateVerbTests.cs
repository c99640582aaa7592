namespace Gateway.Tests.Cli;

/// <summary><c>gateway validate</c> names files the way the user can open them: relative to the working directory when
/// they lie under it (as the policy verbs do), absolute otherwise; <c>gateway --help</c> is help, not an option.</summary>
[Collection("Console")]
public sealed class ValidateVerbTests
{
    private const string BadPolicy = """
        version: 1
        rules:
          - id: typo
            effect: alow
            match:
              routes: [orders]
        """;

    [Fact]
    public async Task Validate_FilesUnderTheWorkingDirectory_ShownRelative()
    {
        using var source = new CliConfig(BadPolicy);
        var name = $"validate-rel-{Guid.NewGuid():N}";
        var dir = Path.Combine(Environment.CurrentDirectory, name);
        Directory.CreateDirectory(dir);
        try
        {
            foreach (var f in Directory.GetFiles(source.Dir))
            {
                File.Copy(f, Path.Combine(dir, Path.GetFileName(f)));
            }

            var (exit, _, error) = await CliRun.RunAsync("validate", "--config", Path.Combine(dir, "gateway.json"));

            Assert.Equal(1, exit);
            var line = Assert.Single(error.Split('\n'), l => l.Contains("invalid effect 'alow'", StringComparison.Ordinal));
            Assert.StartsWith(Path.Combine(name, "policy0.yaml") + ":4:", line);
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    [Fact]
    public async Task Validate_FilesElsewhere_ShownAbsolute()
    {
        using var config = new CliConfig(BadPolicy);

        var (exit, _, error) = await CliRun.RunAsync("validate", "--config", config.ConfigFile);

        Assert.Equal(1, exit);
        var line = Assert.Single(error.Split('\n'), l => l.Contains("invalid effect 'alow'", StringComparison.Ordinal));
        Assert.StartsWith(Path.Combine(config.Dir, "policy0.yaml") + ":4:", line);
    }

    [Theory]
    [InlineData("--help")]
    [InlineData("-h")]
    [InlineData("help")]
    public async Task Help_AnySpelling_UsageOnStdout_ExitZero(string spelling)
    {
        var (exit, output, error) = await CliRun.RunAsync(spelling);

        Assert.Equal(0, exit);
        Assert.Contains("usage: gateway VERB", output);
        Assert.DoesNotContain("error", error);
    }
}

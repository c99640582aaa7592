using LoadTool.Cli;
using LoadTool.Load;

namespace LoadTool.Tests.Cli;

public sealed class OptionsParserTests
{
    [Fact]
    public void Parse_FullCommandLine_ReadsEveryOption()
    {
        var o = OptionsParser.Parse([
            "--target", "upstream=http://127.0.0.1:5081", "--target=gateway=http://127.0.0.1:8080", "--path", "/orders/42",
            "--header", "X-Test: 1", "--mode", "ramp", "--rate-from", "500", "--rate-to", "5000", "--warmup", "500ms",
            "--duration", "2s", "--rounds", "3", "--baseline", "upstream", "--bad-percent", "5", "--token-file", "x.txt",
        ]);

        Assert.Equal(["upstream", "gateway"], o.Targets.Select(t => t.Name));
        Assert.Equal(LoadMode.Ramp, o.Mode);
        Assert.Equal(2750, o.RequestedRate);
        Assert.Equal(TimeSpan.FromMilliseconds(500), o.Warmup);
        Assert.Equal("X-Test", o.Headers[0].Key);
        Assert.Equal(3, o.Rounds);
    }

    [Theory]
    [InlineData("no target", new[] { "--rate", "10" }, "at least one --target")]
    [InlineData("unknown option", new[] { "--target", "a=http://127.0.0.1:1", "--rat", "10" }, "unknown option '--rat'")]
    [InlineData("duration without unit", new[] { "--target", "a=http://127.0.0.1:1", "--duration", "10" }, "with a unit")]
    [InlineData("both bounds", new[] { "--target", "a=http://127.0.0.1:1", "--duration", "1s", "--requests", "5" }, "not both")]
    [InlineData("ramp without rates", new[] { "--target", "a=http://127.0.0.1:1", "--mode", "ramp" }, "--rate-from")]
    [InlineData("closed with rate", new[] { "--target", "a=http://127.0.0.1:1", "--mode", "closed", "--rate", "5" }, "no rate")]
    [InlineData("unknown baseline", new[] { "--target", "a=http://127.0.0.1:1", "--baseline", "b" }, "no --target")]
    [InlineData("bad without tokens", new[] { "--target", "a=http://127.0.0.1:1", "--bad-percent", "5" }, "--sign-key or --token-file")]
    [InlineData("duplicate name", new[] { "--target", "a=http://127.0.0.1:1", "--target", "a=http://127.0.0.1:2" }, "used twice")]
    [InlineData("bad url", new[] { "--target", "a=ftp://x" }, "NAME=http")]
    [InlineData("missing value", new[] { "--target" }, "needs a value")]
    public void Parse_Invalid_Throws(string _, string[] args, string fragment)
        => Assert.Contains(fragment, Assert.Throws<CommandLineException>(() => OptionsParser.Parse(args)).Message, StringComparison.Ordinal);
}

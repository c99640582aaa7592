using Gateway.Hosting;

namespace Gateway.Tests.Unit.Hosting;

public sealed class CommandLineTests
{
    [Theory]
    [InlineData("separate value", new[] { "--config", "a.json" }, "config", "a.json")]
    [InlineData("value after equals", new[] { "--config=a.json" }, "config", "a.json")]
    [InlineData("equals inside value", new[] { "--claim=scope=orders.read" }, "claim", "scope=orders.read")]
    [InlineData("empty value after equals", new[] { "--aud=" }, "aud", "")]
    [InlineData("value that looks like an option", new[] { "--sub", "--ttl" }, "sub", "--ttl")]
    [InlineData("last one wins", new[] { "--ttl", "1m", "--ttl=2m" }, "ttl", "2m")]
    [InlineData("names are case-sensitive", new[] { "--Config", "a.json" }, "config", null)]
    [InlineData("absent", new[] { "--sub", "x" }, "config", null)]
    [InlineData("no arguments", new string[0], "config", null)]
    public void Get_ParsedArguments_ReturnsValue(string name, string[] args, string option, string? expected)
    {
        _ = name;
        Assert.Equal(expected, CommandLine.Parse(args).Get(option));
    }

    [Fact]
    public void GetAll_RepeatedOption_ReturnsAllInOrder()
    {
        var cl = CommandLine.Parse(["--claim", "a=1", "--sub", "s", "--claim=b=2"]);

        Assert.Equal(["a=1", "b=2"], cl.GetAll("claim"));
        Assert.Equal(["s"], cl.GetAll("sub"));
        Assert.Empty(cl.GetAll("ttl"));
    }

    [Theory]
    [InlineData("positional argument", new[] { "config.json" }, "unexpected argument 'config.json'")]
    [InlineData("single dash", new[] { "-c", "x" }, "unexpected argument '-c'")]
    [InlineData("bare double dash", new[] { "--" }, "unexpected argument '--'")]
    [InlineData("stray value", new[] { "--sub", "a", "b" }, "unexpected argument 'b'")]
    [InlineData("missing value", new[] { "--config" }, "option --config needs a value")]
    [InlineData("missing value at end", new[] { "--sub", "a", "--ttl" }, "option --ttl needs a value")]
    public void Parse_BadArguments_ThrowsWithMessage(string name, string[] args, string message)
    {
        _ = name;
        var ex = Assert.Throws<CommandLineException>(() => CommandLine.Parse(args));
        Assert.Equal(message, ex.Message);
    }
}

using Gateway.Hosting;

namespace Gateway.Tests.Unit.Hosting;

public sealed class ParseDurationTests
{
    [Theory]
    [InlineData("seconds", "30s", 30)]
    [InlineData("minutes", "15m", 15 * 60)]
    [InlineData("hours", "1h", 3600)]
    [InlineData("fractional hours", "1.5h", 5400)]
    [InlineData("fractional seconds", "0.5s", 0.5)]
    [InlineData("hh:mm:ss", "00:10:00", 600)]
    [InlineData("d.hh:mm:ss", "1.00:00:00", 86400)]
    [InlineData("hh:mm", "01:30", 5400)]
    [InlineData("space before unit is tolerated", "15 m", 900)]
    public void ParseDuration_ValidText_ReturnsDuration(string name, string text, double seconds)
    {
        _ = name;
        Assert.Equal(TimeSpan.FromSeconds(seconds), Program.ParseDuration(text));
    }

    [Theory]
    [InlineData("empty", "")]
    [InlineData("unit only", "m")]
    [InlineData("zero seconds", "0s")]
    [InlineData("negative minutes", "-5m")]
    [InlineData("zero time span", "00:00:00")]
    [InlineData("negative time span", "-00:01:00")]
    [InlineData("unknown unit", "15d")]
    [InlineData("upper-case unit", "15M")]
    [InlineData("words", "fifteen minutes")]
    [InlineData("not a number", "NaNs")]
    public void ParseDuration_InvalidText_ThrowsCommandLineException(string name, string text)
    {
        _ = name;
        var ex = Assert.Throws<CommandLineException>(() => Program.ParseDuration(text));
        Assert.Contains("is not a duration", ex.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("too many hours", "1e9h")]
    [InlineData("infinity", "Infinitys")]
    public void ParseDuration_OutOfRange_ThrowsCommandLineException(string name, string text)
    {
        _ = name;
        Assert.Throws<CommandLineException>(() => Program.ParseDuration(text));
    }

    [Theory]
    [InlineData("bare number", "30")]
    [InlineData("bare small number", "5")]
    public void ParseDuration_BareNumber_ThrowsCommandLineException(string name, string text)
    {
        _ = name;
        Assert.Throws<CommandLineException>(() => Program.ParseDuration(text));
    }
}

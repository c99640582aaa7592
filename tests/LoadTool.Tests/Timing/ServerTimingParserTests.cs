using LoadTool.Timing;

namespace LoadTool.Tests.Timing;

public sealed class ServerTimingParserTests
{
    public static TheoryData<string, string, string> Cases => new()
    {
        // name, header, expected "name=dur" list (dur "-" when absent)
        { "gateway stages", "auth;dur=0.012, policy;dur=0.003, upstream;dur=0.410, total;dur=0.455", "auth=0.012 policy=0.003 upstream=0.41 total=0.455" },
        { "no spaces", "a;dur=1,b;dur=2", "a=1 b=2" },
        { "whitespace around", "  a ; dur = 1.5 ;desc=\"x\" ,  b", "a=1.5 b=-" },
        { "desc with comma and semicolon", "db;desc=\"a, b; c\";dur=3, app;dur=4", "db=3 app=4" },
        { "desc before dur, escaped quote", "cache;desc=\"say \\\"hi\\\"\";dur=0.5", "cache=0.5" },
        { "first dur wins", "a;dur=1;dur=2", "a=1" },
        { "case-insensitive dur", "a;DUR=7", "a=7" },
        { "bad dur ignored", "a;dur=fast, b;dur=-1, c;dur=2", "a=- b=- c=2" },
        { "malformed metric skipped", "a b;dur=1, c;dur=2", "c=2" },
        { "empty entries", ",, a;dur=1,,", "a=1" },
        { "empty", "", "" },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void Parse_Header_GivesMetrics(string name, string header, string expected)
    {
        _ = name;
        var metrics = ServerTimingParser.Parse(header);

        var actual = string.Join(' ', metrics.Select(m => $"{m.Name}={(m.DurationMs is { } d ? d.ToString(System.Globalization.CultureInfo.InvariantCulture) : "-")}"));
        Assert.Equal(expected, actual);
    }
}

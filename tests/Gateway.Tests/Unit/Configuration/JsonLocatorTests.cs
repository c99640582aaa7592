using System.Text;
using Gateway.Configuration;

namespace Gateway.Tests.Unit.Configuration;

public sealed class JsonLocatorTests
{
    //  1 {
    //  2   "Gateway": {
    //  3     "Issuers": [
    //  4       {
    //  5         "Name": "a",
    //  6         "Algorithms": [ "ES256", "none" ]
    //  7       },
    //  8       { "Name": "b" }
    //  9     ],
    // 10     "Empty": {},
    // 11     "Flag": true
    // 12   }
    // 13 }
    private const string Json = """
        {
          "Gateway": {
            "Issuers": [
              {
                "Name": "a",
                "Algorithms": [ "ES256", "none" ]
              },
              { "Name": "b" }
            ],
            "Empty": {},
            "Flag": true
          }
        }
        """;

    private static JsonLocator Parse(string json, out ConfigDiagnostic? error)
        => JsonLocator.Parse(Encoding.UTF8.GetBytes(json), out error, "test.json");

    [Theory]
    [InlineData("top-level property", "Gateway", 2, 3)]
    [InlineData("nested property", "Gateway:Issuers", 3, 5)]
    [InlineData("array element object", "Gateway:Issuers:0", 4, 7)]
    [InlineData("property in array element", "Gateway:Issuers:0:Name", 5, 9)]
    [InlineData("scalar array element", "Gateway:Issuers:0:Algorithms:1", 6, 34)]
    [InlineData("first scalar array element", "Gateway:Issuers:0:Algorithms:0", 6, 25)]
    [InlineData("second array element", "Gateway:Issuers:1", 8, 7)]
    [InlineData("property in second element", "Gateway:Issuers:1:Name", 8, 9)]
    [InlineData("empty object", "Gateway:Empty", 10, 5)]
    [InlineData("after an empty object", "Gateway:Flag", 11, 5)]
    [InlineData("case-insensitive, like configuration keys", "gateway:issuers:0:NAME", 5, 9)]
    [InlineData("missing child: nearest written parent", "Gateway:Issuers:0:Audiences", 4, 7)]
    [InlineData("missing array index: the array", "Gateway:Issuers:7:Name", 3, 5)]
    [InlineData("missing root: start of file", "ReverseProxy:Routes", 1, 1)]
    [InlineData("empty path: start of file", "", 1, 1)]
    public void Find_Path_ReturnsWrittenPosition(string name, string path, int line, int column)
    {
        _ = name;
        var locator = Parse(Json, out var error);

        Assert.Null(error);
        Assert.Equal((line, column), locator.Find(path));
    }

    [Fact]
    public void Find_CrLfLineEndings_GiveSamePositions()
    {
        var locator = Parse(Json.ReplaceLineEndings("\r\n"), out var error);

        Assert.Null(error);
        Assert.Equal((6, 34), locator.Find("Gateway:Issuers:0:Algorithms:1"));
        Assert.Equal((8, 9), locator.Find("Gateway:Issuers:1:Name"));
    }

    [Fact]
    public void Find_CommentsAndTrailingCommas_AreSkipped()
    {
        const string json = """
            // leading comment
            {
              /* block */ "A": 1,
              "B": [ 1, 2, ],
            }
            """;

        var locator = Parse(json, out var error);

        Assert.Null(error);
        Assert.Equal((3, 15), locator.Find("A"));
        Assert.Equal((4, 13), locator.Find("B:1"));
    }

    [Fact]
    public void Find_DuplicateProperty_KeepsFirstPosition()
    {
        var locator = Parse("{\n\"A\": 1,\n\"A\": 2\n}", out var error);

        Assert.Null(error);
        Assert.Equal((2, 1), locator.Find("A"));
    }

    [Theory]
    [InlineData("missing comma", "{\n  \"A\": 1\n  \"B\": 2\n}", 3, 3)]
    [InlineData("unclosed object", "{\n  \"A\": 1\n", 3, 1)]
    [InlineData("bare word", "{\n  \"A\": yes\n}", 2, 8)]
    [InlineData("garbage at start", "x", 1, 1)]
    public void Parse_SyntaxError_ReportsOneBasedPosition(string name, string json, int line, int column)
    {
        _ = name;
        Parse(json, out var error);

        Assert.NotNull(error);
        Assert.Equal("test.json", error!.File);
        Assert.Equal((line, column), (error.Line, error.Column));
        Assert.StartsWith("config is not valid JSON: ", error.Message, StringComparison.Ordinal);
        Assert.False(error.IsWarning);
    }

    [Fact]
    public void Parse_SyntaxError_MessageHasNoZeroBasedPosition()
    {
        Parse("{\n  \"A\": yes\n}", out var error);

        Assert.NotNull(error);
        Assert.Equal((2, 8), (error!.Line, error.Column));
        Assert.DoesNotContain("LineNumber", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("BytePositionInLine", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Empty_Find_ReturnsStartOfFile()
        => Assert.Equal((1, 1), JsonLocator.Empty.Find("Gateway:Issuers:0"));

    [Fact]
    public void Parse_Utf8ByteOrderMark_IsAccepted()
    {
        var bytes = Encoding.UTF8.GetPreamble().Concat(Encoding.UTF8.GetBytes(Json)).ToArray();

        var locator = JsonLocator.Parse(bytes, out var error, "test.json");

        Assert.Null(error);
        Assert.Equal((5, 9), locator.Find("Gateway:Issuers:0:Name"));
    }

    [Fact]
    public void Find_AsciiBeforeProperty_ColumnCountsCharacters()
    {
        var locator = Parse("{\n  \"A\": \"cafe\", \"B\": 1\n}", out _);

        Assert.Equal((2, 16), locator.Find("B"));
    }

    [Fact]
    public void Find_NonAsciiBeforeProperty_ColumnCountsCharacters()
    {
        var locator = Parse("{\n  \"A\": \"caf\u00e9\", \"B\": 1\n}", out _);

        Assert.Equal((2, 16), locator.Find("B"));
    }
}

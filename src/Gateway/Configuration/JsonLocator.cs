using System.Text;
using System.Text.Json;

namespace Gateway.Configuration;

/// <summary>
/// Maps configuration paths (<c>Gateway:Issuers:0:Audiences</c>) to the line and column where they are written in a
/// JSON file, so that a validation error can point at the text the user wrote.
/// </summary>
internal sealed class JsonLocator
{
    private readonly Dictionary<string, (int Line, int Column)> _positions = new(StringComparer.OrdinalIgnoreCase);

    private JsonLocator() { }

    public static JsonLocator Empty { get; } = new();

    /// <summary>Builds the map; on a JSON syntax error returns the error position instead.</summary>
    public static JsonLocator Parse(byte[] utf8, out ConfigDiagnostic? syntaxError, string file)
    {
        syntaxError = null;
        if (utf8.Length >= 3 && utf8[0] == 0xEF && utf8[1] == 0xBB && utf8[2] == 0xBF)
        {
            utf8 = utf8[3..]; // a UTF-8 byte order mark, as some editors write; the JSON provider accepts it too
        }

        var locator = new JsonLocator();
        var lineStarts = new List<int> { 0 };
        for (var i = 0; i < utf8.Length; i++)
        {
            if (utf8[i] == (byte)'\n')
            {
                lineStarts.Add(i + 1);
            }
        }

        var reader = new Utf8JsonReader(utf8, new JsonReaderOptions
        {
            CommentHandling = JsonCommentHandling.Skip,
            AllowTrailingCommas = true,
        });
        // Each frame: the path of the container, and for arrays the next index.
        var stack = new Stack<(string Path, bool IsArray, int Index)>();
        string? pendingProperty = null;
        try
        {
            while (reader.Read())
            {
                switch (reader.TokenType)
                {
                    case JsonTokenType.PropertyName:
                    {
                        var parent = stack.Count > 0 ? stack.Peek().Path : "";
                        var name = reader.GetString() ?? "";
                        pendingProperty = parent.Length == 0 ? name : parent + ":" + name;
                        locator._positions.TryAdd(pendingProperty, Position(utf8, lineStarts, (int)reader.TokenStartIndex));
                        break;
                    }
                    case JsonTokenType.StartObject:
                    case JsonTokenType.StartArray:
                    {
                        var path = NextValuePath(stack, ref pendingProperty, locator, utf8, lineStarts, (int)reader.TokenStartIndex);
                        stack.Push((path, reader.TokenType == JsonTokenType.StartArray, 0));
                        break;
                    }
                    case JsonTokenType.EndObject:
                    case JsonTokenType.EndArray:
                        stack.Pop();
                        break;
                    default:
                        NextValuePath(stack, ref pendingProperty, locator, utf8, lineStarts, (int)reader.TokenStartIndex);
                        break;
                }
            }
        }
        catch (JsonException ex)
        {
            var line = (int)(ex.LineNumber ?? 0);
            var column = (int)(ex.BytePositionInLine ?? 0) + 1;
            if (line < lineStarts.Count)
            {
                var start = lineStarts[line];
                var length = Math.Clamp((int)(ex.BytePositionInLine ?? 0), 0, utf8.Length - start);
                column = System.Text.Encoding.UTF8.GetCharCount(utf8, start, length) + 1;
            }

            syntaxError = new ConfigDiagnostic(file, line + 1, column, "config is not valid JSON: " + FirstSentence(ex.Message));
        }

        return locator;
    }

    public static JsonLocator Load(string file, out ConfigDiagnostic? syntaxError)
        => Parse(File.ReadAllBytes(file), out syntaxError, file);

    /// <summary>The position of the path, or of its nearest written parent, or (1,1).</summary>
    public (int Line, int Column) Find(string path)
    {
        var p = path;
        while (true)
        {
            if (_positions.TryGetValue(p, out var pos))
            {
                return pos;
            }

            var cut = p.LastIndexOf(':');
            if (cut < 0)
            {
                return (1, 1);
            }

            p = p[..cut];
        }
    }

    private static string NextValuePath(
        Stack<(string Path, bool IsArray, int Index)> stack,
        ref string? pendingProperty,
        JsonLocator locator,
        byte[] utf8,
        List<int> lineStarts,
        int offset)
    {
        if (pendingProperty is not null)
        {
            var p = pendingProperty;
            pendingProperty = null;
            return p;
        }

        if (stack.Count > 0 && stack.Peek().IsArray)
        {
            var frame = stack.Pop();
            var path = frame.Path + ":" + frame.Index.ToString(System.Globalization.CultureInfo.InvariantCulture);
            stack.Push((frame.Path, true, frame.Index + 1));
            locator._positions.TryAdd(path, Position(utf8, lineStarts, offset));
            return path;
        }

        return "";
    }

    /// <summary>1-based line, and 1-based column counted in characters (not bytes).</summary>
    private static (int, int) Position(byte[] utf8, List<int> lineStarts, int offset)
    {
        var idx = lineStarts.BinarySearch(offset);
        if (idx < 0)
        {
            idx = ~idx - 1;
        }

        var start = lineStarts[idx];
        var length = Math.Clamp(offset - start, 0, utf8.Length - start);
        return (idx + 1, System.Text.Encoding.UTF8.GetCharCount(utf8, start, length) + 1);
    }

    private static string FirstSentence(string message)
    {
        // Utf8JsonReader appends 0-based positions ("LineNumber: 1 | BytePositionInLine: 7."); the diagnostic carries
        // 1-based ones already, so cut them off.
        foreach (var marker in new[] { " LineNumber:", " Path:" })
        {
            var cut = message.IndexOf(marker, StringComparison.Ordinal);
            if (cut > 0)
            {
                message = message[..cut];
            }
        }

        return message.TrimEnd();
    }
}

using PolicyCore.Diagnostics;
using YamlDotNet.Core;
using YamlDotNet.Core.Events;

namespace PolicyCore.Syntax;

/// <summary>
/// Reads YAML text into a <see cref="YamlNode"/> tree from YamlDotNet parser events, keeping each node's start mark.
/// Guards: nesting depth, no aliases, a single document, scalar keys only, no duplicate keys.
/// </summary>
internal sealed class YamlTreeReader
{
    /// <summary>The deepest legal policy is 7 levels; this leaves room for growth and stops pathological input.</summary>
    public const int MaxDepth = 32;

    private readonly string _file;
    private readonly DiagnosticBag _diagnostics;
    private IParser _parser = null!;
    private SourcePosition _last = SourcePosition.Start;

    private YamlTreeReader(string file, DiagnosticBag diagnostics)
    {
        _file = file;
        _diagnostics = diagnostics;
    }

    /// <summary>
    /// Returns the root node of the single document, or null when the text is empty, not YAML (a PC1001 diagnostic is
    /// reported) or otherwise unusable.
    /// </summary>
    public static YamlNode? Read(string file, string text, DiagnosticBag diagnostics)
        => new YamlTreeReader(file, diagnostics).ReadRoot(text);

    private YamlNode? ReadRoot(string text)
    {
        try
        {
            _parser = new Parser(new StringReader(text));
            Expect<StreamStart>();
            if (!Next())
            {
                return null;
            }

            if (_parser.Current is StreamEnd)
            {
                return null;
            }

            Expect<DocumentStart>(current: true);
            Next();
            var root = ReadNode(depth: 1);
            Next();
            Expect<DocumentEnd>(current: true);
            Next();
            if (_parser.Current is DocumentStart)
            {
                _diagnostics.Error(
                    DiagnosticCodes.UnsupportedYaml, _file, Pos(_parser.Current), "a policy file holds exactly one YAML document",
                    "remove the '---' separator and put each document in its own file");
            }

            return root;
        }
        catch (YamlException ex)
        {
            var position = new SourcePosition(ToInt(ex.Start.Line), ToInt(ex.Start.Column));
            _diagnostics.Error(
                DiagnosticCodes.YamlSyntax, _file, position, $"invalid YAML: {CleanMessage(ex.Message)}",
                "check indentation, quotes and brackets at this position");
            return null;
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            // YamlDotNet throws non-YAML exceptions (e.g. InvalidOperationException for an unterminated flow list):
            // report them as syntax errors rather than crash a reload.
            _diagnostics.Error(
                DiagnosticCodes.YamlSyntax, _file, _last, "invalid YAML after this position",
                "check for an unterminated '[', '{' or quote");
            return null;
        }
    }

    private YamlNode? ReadNode(int depth)
    {
        var current = _parser.Current ?? throw new YamlException("unexpected end of input");
        var position = Pos(current);

        if (depth > MaxDepth)
        {
            _diagnostics.Error(
                DiagnosticCodes.InputLimitExceeded, _file, position, $"the document is nested deeper than {MaxDepth} levels",
                "flatten the structure; policy documents need at most 7 levels");
            SkipNode();
            return null;
        }

        switch (current)
        {
            case Scalar scalar:
                return new YamlScalar(position, scalar.Value, scalar.Style == ScalarStyle.Plain);

            case AnchorAlias:
                _diagnostics.Error(
                    DiagnosticCodes.UnsupportedYaml, _file, position, "YAML aliases ('*name') are not supported in policy files",
                    "write the value out in full");
                return null;

            case SequenceStart:
            {
                var items = new List<YamlNode>();
                while (Next() && _parser.Current is not SequenceEnd)
                {
                    var item = ReadNode(depth + 1);
                    if (item is not null)
                    {
                        items.Add(item);
                    }
                }

                return new YamlSequence(position, items);
            }

            case MappingStart:
            {
                var entries = new List<KeyValuePair<YamlScalar, YamlNode>>();
                var seen = new Dictionary<string, SourcePosition>(StringComparer.Ordinal);
                while (Next() && _parser.Current is not MappingEnd)
                {
                    var keyEvent = _parser.Current!;
                    YamlScalar? key = null;
                    if (keyEvent is Scalar keyScalar)
                    {
                        key = new YamlScalar(Pos(keyEvent), keyScalar.Value, keyScalar.Style == ScalarStyle.Plain);
                    }
                    else
                    {
                        _diagnostics.Error(
                            DiagnosticCodes.UnsupportedYaml, _file, Pos(keyEvent), "mapping keys must be plain names",
                            "use a simple field name such as 'id' as the key");
                        SkipNode();
                    }

                    Next();
                    var value = ReadNode(depth + 1);
                    if (key is null || value is null)
                    {
                        continue;
                    }

                    if (seen.TryGetValue(key.Value, out var first))
                    {
                        _diagnostics.Error(
                            DiagnosticCodes.DuplicateKey, _file, key.Position,
                            $"the key '{key.Value}' appears twice in this mapping (first at line {first.Line}, column {first.Column})",
                            "remove one of them; YAML keeps only one");
                        continue;
                    }

                    seen.Add(key.Value, key.Position);
                    entries.Add(new KeyValuePair<YamlScalar, YamlNode>(key, value));
                }

                return new YamlMapping(position, entries);
            }

            default:
                throw new YamlException(current.Start, current.End, $"unexpected {current.GetType().Name}");
        }
    }

    /// <summary>Skips the node at the current event (and its children), leaving the current event on its last event.</summary>
    private void SkipNode()
    {
        var level = 0;
        do
        {
            switch (_parser.Current)
            {
                case SequenceStart or MappingStart:
                    level++;
                    break;
                case SequenceEnd or MappingEnd:
                    level--;
                    break;
            }

            if (level == 0)
            {
                return;
            }
        }
        while (Next());
    }

    private bool Next()
    {
        if (!_parser.MoveNext())
        {
            return false;
        }

        if (_parser.Current is not null)
        {
            _last = Pos(_parser.Current);
        }

        return true;
    }

    private void Expect<T>(bool current = false)
        where T : ParsingEvent
    {
        if (!current)
        {
            Next();
        }

        if (_parser.Current is not T)
        {
            throw new YamlException(_parser.Current?.Start ?? Mark.Empty, _parser.Current?.End ?? Mark.Empty, $"expected {typeof(T).Name}");
        }
    }

    private static SourcePosition Pos(ParsingEvent e) => new(ToInt(e.Start.Line), ToInt(e.Start.Column));

    private static int ToInt(long value) => value < 1 ? 1 : value > int.MaxValue ? int.MaxValue : (int)value;

    private static string CleanMessage(string message)
    {
        // YamlDotNet prefixes "(Line: x, Col: y, Idx: z) - (Line: ...): "; the position is reported separately.
        var index = message.LastIndexOf("): ", StringComparison.Ordinal);
        var text = index >= 0 ? message[(index + 3)..] : message;
        return text.TrimEnd('.');
    }
}

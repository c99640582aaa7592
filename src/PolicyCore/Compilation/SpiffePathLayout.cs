using System.Diagnostics.CodeAnalysis;

namespace PolicyCore.Compilation;

/// <summary>
/// The <c>spiffe_path</c> layout that names SPIFFE id path segments, e.g. <c>/ns/{namespace}/sa/{service_account}</c>.
/// A SPIFFE id fits the layout when its path has exactly as many segments and every literal segment is equal; only
/// then can a named segment be read (otherwise the attribute cannot be evaluated). Reading allocates nothing.
/// </summary>
internal sealed class SpiffePathLayout
{
    private const string Scheme = "spiffe://";

    /// <summary>Per segment: the literal, or null for a named segment.</summary>
    private readonly string?[] _literals;
    private readonly string?[] _names;

    private SpiffePathLayout(string text, string?[] literals, string?[] names)
    {
        Text = text;
        _literals = literals;
        _names = names;
    }

    public string Text { get; }

    public static bool TryParse(string text, [NotNullWhen(true)] out SpiffePathLayout? layout, [NotNullWhen(false)] out string? error)
    {
        layout = null;
        if (text.Length < 2 || text[0] != '/' || text[^1] == '/')
        {
            error = "the layout is a path such as '/ns/{namespace}/sa/{service_account}': it starts with '/' and does not end with one";
            return false;
        }

        var parts = text[1..].Split('/');
        var literals = new string?[parts.Length];
        var names = new string?[parts.Length];
        var seen = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < parts.Length; i++)
        {
            var part = parts[i];
            if (part.Length == 0)
            {
                error = "the layout has an empty segment ('//')";
                return false;
            }

            if (part[0] == '{')
            {
                var name = part.Length > 2 && part[^1] == '}' ? part[1..^1] : "";
                if (!IsSegmentName(name))
                {
                    error = $"'{part}' is not a segment name: use '{{name}}' with lower-case letters, digits and '_'";
                    return false;
                }

                if (!seen.Add(name))
                {
                    error = $"the segment name '{name}' appears twice";
                    return false;
                }

                names[i] = name;
                continue;
            }

            foreach (var c in part)
            {
                if (!(char.IsAsciiLetterOrDigit(c) || c is '.' or '-' or '_'))
                {
                    error = $"'{part}': a literal segment has letters, digits, '.', '-' or '_' only (no wildcards)";
                    return false;
                }
            }

            literals[i] = part;
        }

        if (seen.Count == 0)
        {
            error = "the layout names no segment: write at least one '{name}'";
            return false;
        }

        layout = new SpiffePathLayout(text, literals, names);
        error = null;
        return true;
    }

    public static bool IsSegmentName(string name)
    {
        if (name.Length is 0 or > 64 || !char.IsAsciiLetterLower(name[0]))
        {
            return false;
        }

        foreach (var c in name)
        {
            if (!(char.IsAsciiLetterLower(c) || char.IsAsciiDigit(c) || c == '_'))
            {
                return false;
            }
        }

        return true;
    }

    public IEnumerable<string> SegmentNames => _names.Where(n => n is not null).Select(n => n!);

    /// <summary>The index of a named segment, or -1.</summary>
    public int IndexOf(string name) => Array.IndexOf(_names, name);

    /// <summary>Reads the segment at <paramref name="index"/> of a SPIFFE id that fits the layout.</summary>
    public bool TryGetSegment(string? spiffeId, int index, out ReadOnlySpan<char> value)
    {
        value = default;
        if (spiffeId is null || !spiffeId.StartsWith(Scheme, StringComparison.Ordinal))
        {
            return false;
        }

        var rest = spiffeId.AsSpan(Scheme.Length);
        var slash = rest.IndexOf('/');
        if (slash < 0)
        {
            return false;
        }

        rest = rest[(slash + 1)..];
        for (var i = 0; i < _literals.Length; i++)
        {
            var next = rest.IndexOf('/');
            var isLast = i == _literals.Length - 1;
            if (isLast != (next < 0))
            {
                return false; // more or fewer segments than the layout
            }

            var segment = next < 0 ? rest : rest[..next];
            if (segment.IsEmpty)
            {
                return false;
            }

            var literal = _literals[i];
            if (literal is not null && !segment.SequenceEqual(literal))
            {
                return false;
            }

            if (i == index)
            {
                value = segment;
            }

            if (!isLast)
            {
                rest = rest[(next + 1)..];
            }
        }

        return true;
    }

    public override string ToString() => Text;
}

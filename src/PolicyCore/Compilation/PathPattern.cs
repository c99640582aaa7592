using System.Diagnostics.CodeAnalysis;

namespace PolicyCore.Compilation;

/// <summary>
/// A compiled path pattern. Segments are literals (exact, case-sensitive) or one-segment wildcards (<c>*</c> or
/// <c>{name}</c>: exactly one non-empty segment); a final <c>**</c> matches the prefix itself and anything below it.
/// Matching walks the request path in place: no allocation.
/// A pattern of a deny rule compares literals ignoring ASCII case (<see cref="IgnoringCase"/>): routing and many
/// upstreams are case-insensitive, so <c>/ADMIN</c> must not slip past a deny on <c>/admin</c>. Allow patterns stay
/// exact, so neither side can be widened by changing case.
/// </summary>
internal sealed class PathPattern
{
    /// <summary>Literal segments; null means "exactly one non-empty segment".</summary>
    private readonly string?[] _segments;
    private readonly bool _rest;
    private readonly bool _ignoreCase;

    private PathPattern(string text, string?[] segments, bool rest, bool ignoreCase = false)
    {
        Text = text;
        _segments = segments;
        _rest = rest;
        _ignoreCase = ignoreCase;
    }

    public bool IgnoreCase => _ignoreCase;

    /// <summary>The literal first segment (what the index keys on), or null when the first segment is a wildcard or <c>**</c>.</summary>
    public string? FirstLiteral => _segments.Length == 0 ? null : _segments[0];

    /// <summary>Literal segments (null = one-segment wildcard), without a final <c>**</c>.</summary>
    public IReadOnlyList<string?> Segments => _segments;

    /// <summary>True when the pattern ends with <c>/**</c>.</summary>
    public bool HasRest => _rest;

    /// <summary>The same pattern, comparing literal segments ignoring ASCII case (for deny rules).</summary>
    public PathPattern IgnoringCase() => _ignoreCase ? this : new PathPattern(Text, _segments, _rest, ignoreCase: true);

    public string Text { get; }

    public static bool TryParse(string text, [NotNullWhen(true)] out PathPattern? pattern, [NotNullWhen(false)] out string? error)
    {
        pattern = null;
        if (text.Length == 0 || text[0] != '/')
        {
            error = "a path pattern must start with '/'";
            return false;
        }

        if (text.Length > 2048)
        {
            error = "a path pattern must be at most 2048 characters";
            return false;
        }

        var parts = text[1..].Split('/');
        var segments = new List<string?>(parts.Length);
        var names = new HashSet<string>(StringComparer.Ordinal);
        var rest = false;
        for (var i = 0; i < parts.Length; i++)
        {
            var part = parts[i];
            var isLast = i == parts.Length - 1;
            if (part == "**")
            {
                if (!isLast)
                {
                    error = "'**' is only allowed as the last segment";
                    return false;
                }

                rest = true;
                continue;
            }

            if (part == "*")
            {
                segments.Add(null);
                continue;
            }

            if (part.Length > 0 && part[0] == '{')
            {
                if (part.Length < 3 || part[^1] != '}' || !IsParameterName(part.AsSpan(1, part.Length - 2)))
                {
                    error = $"'{part}' is not a valid parameter: use '{{name}}' with letters, digits and '_' for a whole segment";
                    return false;
                }

                if (!names.Add(part))
                {
                    error = $"the parameter '{part}' appears twice";
                    return false;
                }

                segments.Add(null);
                continue;
            }

            if (part.Length == 0 && !isLast)
            {
                error = "empty segment ('//'): a canonical path never has one";
                return false;
            }

            if (part is "." or "..")
            {
                error = "dot segments ('.', '..') never appear in a canonical path";
                return false;
            }

            foreach (var c in part)
            {
                if (c is '*' or '{' or '}' or '?' or '#' or '\\' || char.IsWhiteSpace(c) || char.IsControl(c))
                {
                    error = c == '*'
                        ? $"'{part}': '*' must be a whole segment ('/a/*'); partial wildcards are not supported"
                        : $"'{part}' contains the character '{c}', which is not allowed in a path pattern";
                    return false;
                }
            }

            segments.Add(part);
        }

        pattern = new PathPattern(text, [.. segments], rest);
        error = null;
        return true;
    }

    public bool Matches(string? path)
    {
        if (path is null || path.Length == 0 || path[0] != '/')
        {
            return false;
        }

        var span = path.AsSpan();
        var position = 1; // start of the current segment
        var segments = _segments;
        for (var i = 0; i < segments.Length; i++)
        {
            if (position > span.Length)
            {
                return false; // the path has fewer segments than the pattern
            }

            var slash = span[position..].IndexOf('/');
            var end = slash < 0 ? span.Length : position + slash;
            var segment = span[position..end];
            var literal = segments[i];
            if (literal is null
                ? segment.IsEmpty
                : !(_ignoreCase ? segment.Equals(literal, StringComparison.OrdinalIgnoreCase) : segment.SequenceEqual(literal)))
            {
                return false;
            }

            position = end + 1;
        }

        // Prefix matched: '**' accepts whatever follows (including nothing); otherwise the path must be fully consumed.
        return _rest || position > span.Length;
    }

    private static bool IsParameterName(ReadOnlySpan<char> name)
    {
        if (name.IsEmpty || !(char.IsAsciiLetter(name[0]) || name[0] == '_'))
        {
            return false;
        }

        foreach (var c in name)
        {
            if (!(char.IsAsciiLetterOrDigit(c) || c == '_'))
            {
                return false;
            }
        }

        return true;
    }

    public override string ToString() => Text;
}

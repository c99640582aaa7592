using System.Diagnostics.CodeAnalysis;

namespace PolicyCore.Compilation;

/// <summary>
/// A subject or SPIFFE id pattern. <c>*</c> matches one or more characters within one path segment (never '/');
/// a final <c>**</c> (the whole pattern, or after '/') matches one or more characters of any depth. Otherwise exact
/// and case-sensitive. At most one <c>*</c> per segment, so matching cannot backtrack exponentially.
/// </summary>
internal sealed class IdentityPattern
{
    public const int MaxStars = 8;
    private const string SpiffeScheme = "spiffe://";

    /// <summary>The literal pieces between single stars: <c>a*b*c</c> is ["a", "b", "c"].</summary>
    private readonly string[] _literals;
    private readonly bool _rest;

    private IdentityPattern(string text, string[] literals, bool rest)
    {
        Text = text;
        _literals = literals;
        _rest = rest;
    }

    public string Text { get; }

    public static bool TryParseSubject(string text, [NotNullWhen(true)] out IdentityPattern? pattern, [NotNullWhen(false)] out string? error)
    {
        pattern = null;
        if (text.Length == 0)
        {
            error = "a subject pattern must not be empty";
            return false;
        }

        foreach (var c in text)
        {
            if (char.IsWhiteSpace(c) || char.IsControl(c))
            {
                error = "a subject pattern must not contain spaces or control characters";
                return false;
            }
        }

        return TryCompile(text, out pattern, out error);
    }

    public static bool TryParseSpiffeId(string text, [NotNullWhen(true)] out IdentityPattern? pattern, [NotNullWhen(false)] out string? error)
    {
        pattern = null;
        if (!text.StartsWith(SpiffeScheme, StringComparison.Ordinal))
        {
            error = "a SPIFFE id pattern must start with 'spiffe://'";
            return false;
        }

        var rest = text.AsSpan(SpiffeScheme.Length);
        var slash = rest.IndexOf('/');
        var trustDomain = slash < 0 ? rest : rest[..slash];
        if (!IsTrustDomain(trustDomain))
        {
            error = "the trust domain of a SPIFFE id must be lower-case letters, digits, '.', '-' or '_', without wildcards";
            return false;
        }

        if (slash >= 0)
        {
            var path = rest[(slash + 1)..].ToString();
            foreach (var segment in path.Split('/'))
            {
                if (segment.Length == 0)
                {
                    error = "a SPIFFE id path has no empty segments (no '//' and no trailing '/')";
                    return false;
                }

                if (segment is "." or "..")
                {
                    error = "a SPIFFE id path has no '.' or '..' segments";
                    return false;
                }

                foreach (var c in segment)
                {
                    if (!(char.IsAsciiLetterOrDigit(c) || c is '.' or '-' or '_' or '*'))
                    {
                        error = $"the character '{c}' is not allowed in a SPIFFE id path (letters, digits, '.', '-', '_')";
                        return false;
                    }
                }
            }
        }

        return TryCompile(text, out pattern, out error);
    }

    public static bool IsTrustDomain(ReadOnlySpan<char> value)
    {
        if (value.IsEmpty || value.Length > 255)
        {
            return false;
        }

        foreach (var c in value)
        {
            if (!(char.IsAsciiLetterLower(c) || char.IsAsciiDigit(c) || c is '.' or '-' or '_'))
            {
                return false;
            }
        }

        return true;
    }

    private static bool TryCompile(string text, [NotNullWhen(true)] out IdentityPattern? pattern, [NotNullWhen(false)] out string? error)
    {
        pattern = null;
        var body = text;
        var rest = false;
        if (text == "**" || text.EndsWith("/**", StringComparison.Ordinal))
        {
            rest = true;
            body = text[..^2];
        }

        if (body.Contains("**", StringComparison.Ordinal))
        {
            error = "'**' is only allowed at the end, as a whole segment ('.../**')";
            return false;
        }

        foreach (var segment in body.Split('/'))
        {
            if (segment.IndexOf('*') != segment.LastIndexOf('*'))
            {
                // One star per segment keeps matching linear: each star then has at most one viable extent.
                error = $"'{segment}': at most one '*' per segment";
                return false;
            }
        }

        var literals = body.Split('*');
        if (literals.Length - 1 > MaxStars)
        {
            error = $"a pattern may have at most {MaxStars} '*' wildcards";
            return false;
        }

        pattern = new IdentityPattern(text, literals, rest);
        error = null;
        return true;
    }

    public bool Matches(string? value) => value is not null && MatchFrom(0, value.AsSpan());

    private bool MatchFrom(int index, ReadOnlySpan<char> value)
    {
        var literal = _literals[index];
        if (!value.StartsWith(literal, StringComparison.Ordinal))
        {
            return false;
        }

        value = value[literal.Length..];
        if (index == _literals.Length - 1)
        {
            return _rest ? !value.IsEmpty : value.IsEmpty;
        }

        // A single '*': one or more characters, not crossing '/'.
        for (var n = 1; n <= value.Length && value[n - 1] != '/'; n++)
        {
            if (MatchFrom(index + 1, value[n..]))
            {
                return true;
            }
        }

        return false;
    }

    public override string ToString() => Text;
}

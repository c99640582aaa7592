using System.Buffers;

namespace Gateway.Identity.Dpop;

/// <summary>
/// Compares a proof's <c>htu</c> with the URI the gateway received (RFC 9449 §4.3 step 9), ignoring query and fragment,
/// after RFC 3986 §6.2.2–6.2.3 normalization of both sides: scheme and host are case-insensitive; an empty or default
/// port (80 for http, 443 for https) is no port; an empty path is <c>/</c>; percent-encodings compare with upper-case
/// hex and encoded unreserved characters (<c>ALPHA DIGIT - . _ ~</c>) are decoded; a printable character a URI may not
/// contain raw (<c>"</c>, <c>|</c>, …) is treated as its encoding. Nothing else: dot segments are not removed (a proof
/// for <c>/a/../b</c> only matches a request that said <c>/a/../b</c>), <c>%2F</c> stays distinct from <c>/</c>,
/// user info, non-ASCII and control characters never match, and only http and https are accepted.
/// </summary>
internal static class HtuMatcher
{
    private const int StackLimit = 1024;

    private static readonly SearchValues<char> Unreserved =
        SearchValues.Create("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~");

    /// <summary>Reserved characters (gen-delims and sub-delims): they keep their meaning, so they stay distinct from
    /// their percent-encoding.</summary>
    private static readonly SearchValues<char> Reserved = SearchValues.Create(":/?#[]@!$&'()*+,;=");

    private static readonly SearchValues<char> SchemeChars =
        SearchValues.Create("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+-.");

    /// <param name="htu">The claim's UTF-8 value.</param>
    public static bool Matches(ReadOnlySpan<byte> htu, in DpopTarget target)
    {
        // Normalizing can triple a length (a raw "|" becomes "%7C"); scheme, port and "://" need a little more.
        var htuMax = (htu.Length * 3) + 16;
        var targetMax = ((target.Scheme.Length + target.Host.Length + target.Path.Length) * 3) + 16;
        var total = htu.Length + htuMax + targetMax;
        char[]? rented = null;
        var buffer = total <= StackLimit ? stackalloc char[StackLimit] : (rented = ArrayPool<char>.Shared.Rent(total));
        try
        {
            var raw = buffer[..htu.Length];
            if (System.Text.Ascii.ToUtf16(htu, raw, out _) != OperationStatus.Done)
            {
                return false; // non-ASCII: not a URI
            }

            var a = buffer.Slice(htu.Length, htuMax);
            var b = buffer.Slice(htu.Length + htuMax, targetMax);
            var aLength = NormalizeAbsolute(raw, a);
            var bLength = NormalizeTarget(target, b);
            return aLength > 0 && bLength > 0 && a[..aLength].SequenceEqual(b[..bLength]);
        }
        finally
        {
            if (rented is not null)
            {
                ArrayPool<char>.Shared.Return(rented);
            }
        }
    }

    /// <summary>An absolute http(s) URI in normal form (query and fragment dropped) into <paramref name="dest"/>;
    /// the length written, or -1 when it is not one.</summary>
    internal static int NormalizeAbsolute(ReadOnlySpan<char> uri, Span<char> dest)
    {
        var colon = uri.IndexOf(':');
        if (colon <= 0 || !uri[(colon + 1)..].StartsWith("//"))
        {
            return -1;
        }

        var scheme = uri[..colon];
        var rest = uri[(colon + 3)..];
        var end = rest.IndexOfAny('/', '?', '#');
        var authority = end < 0 ? rest : rest[..end];
        var path = end < 0 ? [] : rest[end..];
        var stop = path.IndexOfAny('?', '#');
        if (stop >= 0)
        {
            path = path[..stop];
        }

        return Normalize(scheme, authority, path, dest);
    }

    /// <summary>The received URI in normal form; -1 when it cannot be one.</summary>
    internal static int NormalizeTarget(in DpopTarget target, Span<char> dest)
    {
        var path = target.Path.AsSpan();
        var stop = path.IndexOfAny('?', '#');
        if (stop >= 0)
        {
            path = path[..stop];
        }

        if (path.Length > 0 && path[0] != '/')
        {
            return -1; // asterisk-form or authority-form: no proof names it
        }

        return Normalize(target.Scheme, target.Host, path, dest);
    }

    private static int Normalize(ReadOnlySpan<char> scheme, ReadOnlySpan<char> authority, ReadOnlySpan<char> path, Span<char> dest)
    {
        if (scheme.Length == 0 || !char.IsAsciiLetter(scheme[0]) || scheme.ContainsAnyExcept(SchemeChars))
        {
            return -1;
        }

        int defaultPort;
        if (scheme.Equals("https", StringComparison.OrdinalIgnoreCase))
        {
            defaultPort = 443;
        }
        else if (scheme.Equals("http", StringComparison.OrdinalIgnoreCase))
        {
            defaultPort = 80;
        }
        else
        {
            return -1;
        }

        var n = scheme.ToLowerInvariant(dest);
        "://".CopyTo(dest[n..]);
        n += 3;

        var written = WriteAuthority(authority, defaultPort, dest[n..]);
        if (written < 0)
        {
            return -1;
        }

        n += written;
        if (path.Length == 0)
        {
            dest[n++] = '/';
            return n;
        }

        written = WritePath(path, dest[n..]);
        return written < 0 ? -1 : n + written;
    }

    private static int WriteAuthority(ReadOnlySpan<char> authority, int defaultPort, Span<char> dest)
    {
        if (authority.Length == 0 || authority.Contains('@'))
        {
            return -1; // no host, or user info (which no request target carries)
        }

        ReadOnlySpan<char> host;
        ReadOnlySpan<char> port;
        if (authority[0] == '[')
        {
            var close = authority.IndexOf(']');
            if (close < 0)
            {
                return -1;
            }

            host = authority[..(close + 1)];
            var after = authority[(close + 1)..];
            if (after.Length > 0 && after[0] != ':')
            {
                return -1;
            }

            port = after.Length > 0 ? after[1..] : [];
        }
        else
        {
            var colon = authority.LastIndexOf(':');
            host = colon < 0 ? authority : authority[..colon];
            port = colon < 0 ? [] : authority[(colon + 1)..];
            if (host.Length == 0)
            {
                return -1;
            }
        }

        var n = WriteComponent(host, dest, lowerCase: true);
        if (n < 0)
        {
            return -1;
        }

        if (port.Length == 0)
        {
            return n; // "host:" is "host" (RFC 3986 §6.2.3)
        }

        var value = 0;
        foreach (var c in port)
        {
            if (!char.IsAsciiDigit(c))
            {
                return -1;
            }

            value = (value * 10) + (c - '0');
            if (value > 65535)
            {
                return -1;
            }
        }

        if (value == defaultPort)
        {
            return n;
        }

        dest[n++] = ':';
        value.TryFormat(dest[n..], out var digits, provider: System.Globalization.CultureInfo.InvariantCulture);
        return n + digits;
    }

    private static int WritePath(ReadOnlySpan<char> path, Span<char> dest) => WriteComponent(path, dest, lowerCase: false);

    /// <summary>Percent-encodings with upper-case hex, encoded unreserved characters decoded, other printable
    /// characters a URI may not carry raw encoded; letters lower-cased when <paramref name="lowerCase"/> (a host).</summary>
    private static int WriteComponent(ReadOnlySpan<char> component, Span<char> dest, bool lowerCase)
    {
        var n = 0;
        for (var i = 0; i < component.Length; i++)
        {
            var c = component[i];
            if (c == '%')
            {
                if (i + 2 >= component.Length || !char.IsAsciiHexDigit(component[i + 1]) || !char.IsAsciiHexDigit(component[i + 2]))
                {
                    return -1;
                }

                var decoded = (char)((HexValue(component[i + 1]) << 4) | HexValue(component[i + 2]));
                i += 2;
                if (Unreserved.Contains(decoded))
                {
                    dest[n++] = lowerCase ? char.ToLowerInvariant(decoded) : decoded;
                }
                else
                {
                    n += WriteEncoded(decoded, dest[n..]);
                }

                continue;
            }

            if (c < 0x21 || c > 0x7E)
            {
                return -1; // space, control or non-ASCII: not part of a URI
            }

            if (Unreserved.Contains(c) || Reserved.Contains(c))
            {
                dest[n++] = lowerCase ? char.ToLowerInvariant(c) : c;
            }
            else
            {
                n += WriteEncoded(c, dest[n..]);
            }
        }

        return n;
    }

    private static int WriteEncoded(char c, Span<char> dest)
    {
        dest[0] = '%';
        dest[1] = "0123456789ABCDEF"[c >> 4];
        dest[2] = "0123456789ABCDEF"[c & 0xF];
        return 3;
    }

    private static int HexValue(char c) => c <= '9' ? c - '0' : (c | 0x20) - 'a' + 10;
}

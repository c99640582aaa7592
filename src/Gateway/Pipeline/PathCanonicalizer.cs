using System.Text;

namespace Gateway.Pipeline;

/// <summary>
/// One canonicalization of the request target: the path policy decides on is exactly the path the upstream gets.
/// Percent-decodes once and refuses what different servers read differently, instead of guessing: encoded <c>/</c>,
/// <c>\</c>, <c>%</c> (double encoding) and NUL, control characters, invalid UTF-8, dot segments (raw or encoded),
/// empty segments (<c>//</c>), segments ending in a dot or a space, path parameters (<c>;</c>), backslashes, and targets
/// that are not origin-form.
/// </summary>
internal static class PathCanonicalizer
{
    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    /// <param name="decodedPath">The server's own decoding of the path, if any: reused (not copied) when it is the same
    /// text as the canonical path, as it is for every plain path with a query string.</param>
    public static bool TryCanonicalize(string rawTarget, int maxLength, out string path, out string reason, string? decodedPath = null)
    {
        path = "";
        var q = rawTarget.IndexOf('?');
        var raw = q < 0 ? rawTarget.AsSpan() : rawTarget.AsSpan(0, q);
        if (raw.Length == 0 || raw[0] != '/')
        {
            reason = "path_not_origin_form";
            return false;
        }

        if (raw.Length > maxLength)
        {
            reason = "path_too_long";
            return false;
        }

        var needsDecode = raw.IndexOf('%') >= 0;
        Span<byte> bytes = raw.Length <= 1024 ? stackalloc byte[raw.Length] : new byte[raw.Length];
        var n = 0;
        for (var i = 0; i < raw.Length; i++)
        {
            var c = raw[i];
            if (c == '%')
            {
                if (i + 2 >= raw.Length || !IsHex(raw[i + 1]) || !IsHex(raw[i + 2]))
                {
                    reason = "invalid_percent_encoding";
                    return false;
                }

                var b = (byte)((HexValue(raw[i + 1]) << 4) | HexValue(raw[i + 2]));
                i += 2;
                switch (b)
                {
                    case (byte)'/':
                    case (byte)'\\':
                        reason = "encoded_separator";
                        return false;
                    case (byte)'%':
                        reason = "double_encoding";
                        return false;
                    case (byte)';':
                        reason = "path_parameter";
                        return false;
                    case 0:
                        reason = "encoded_nul";
                        return false;
                }

                if (b < 0x20 || b == 0x7F)
                {
                    reason = "control_character";
                    return false;
                }

                bytes[n++] = b;
                continue;
            }

            if (c == ';')
            {
                reason = "path_parameter";
                return false;
            }

            if (!IsPathChar(c))
            {
                reason = c == '\\' ? "backslash_in_path" : "invalid_path_character";
                return false;
            }

            bytes[n++] = (byte)c;
        }

        string decoded;
        if (!needsDecode)
        {
            // Nothing to decode: the path is the raw target itself, or the part before '?' (no copy when possible).
            decoded = q < 0 ? rawTarget
                : decodedPath is not null && raw.SequenceEqual(decodedPath) ? decodedPath
                : raw.ToString();
        }
        else
        {
            try
            {
                decoded = StrictUtf8.GetString(bytes[..n]);
            }
            catch (DecoderFallbackException)
            {
                reason = "invalid_utf8";
                return false;
            }
        }

        // Segments: no empty segment (but a trailing slash is kept), no "." or "..".
        var segStart = 1;
        for (var i = 1; i <= decoded.Length; i++)
        {
            if (i < decoded.Length && decoded[i] != '/')
            {
                continue;
            }

            var seg = decoded.AsSpan(segStart, i - segStart);
            if (seg.Length == 0 && i < decoded.Length)
            {
                reason = "empty_path_segment";
                return false;
            }

            if (seg is "." || seg is "..")
            {
                reason = "dot_segment";
                return false;
            }

            // Windows-style servers drop a trailing dot or space from a segment ("admin." is "admin"): ambiguous.
            if (seg.Length > 0 && (seg[^1] == '.' || seg[^1] == ' '))
            {
                reason = "ambiguous_segment";
                return false;
            }

            segStart = i + 1;
        }

        path = decoded;
        reason = "";
        return true;
    }

    // RFC 3986 pchar / "/": unreserved, sub-delims (';' handled above), ':', '@'.
    private static bool IsPathChar(char c)
        => char.IsAsciiLetterOrDigit(c) || c is '-' or '.' or '_' or '~' or '!' or '$' or '&' or '\'' or '(' or ')'
            or '*' or '+' or ',' or '=' or ':' or '@' or '/';

    private static bool IsHex(char c) => char.IsAsciiHexDigit(c);

    private static int HexValue(char c) => c <= '9' ? c - '0' : (c | 0x20) - 'a' + 10;
}

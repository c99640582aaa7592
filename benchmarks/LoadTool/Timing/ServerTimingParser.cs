using System.Globalization;

namespace LoadTool.Timing;

/// <summary>
/// Parses a <c>Server-Timing</c> header value (W3C Server Timing, registered by RFC 8673's predecessor list):
/// <c>metric *( OWS ";" OWS param )</c>, metrics separated by commas, <c>param = token [ OWS "=" OWS ( token /
/// quoted-string ) ]</c>. Only <c>dur</c> is interpreted (milliseconds). Malformed metrics are skipped up to the next
/// comma outside a quoted string, as the spec asks of user agents; nothing throws.
/// </summary>
internal static class ServerTimingParser
{
    public static List<ServerTimingMetric> Parse(string? header)
    {
        var list = new List<ServerTimingMetric>();
        if (header is not null)
        {
            Parse(header, list);
        }

        return list;
    }

    public static void Parse(ReadOnlySpan<char> s, List<ServerTimingMetric> into)
    {
        var i = 0;
        while (i < s.Length)
        {
            SkipWhitespace(s, ref i);
            if (i < s.Length && s[i] == ',')
            {
                i++;
                continue;
            }

            var nameStart = i;
            while (i < s.Length && IsTokenChar(s[i]))
            {
                i++;
            }

            if (i == nameStart)
            {
                SkipToNextMetric(s, ref i);
                continue;
            }

            var name = s[nameStart..i].ToString();
            double? dur = null;
            var valid = true;
            while (true)
            {
                SkipWhitespace(s, ref i);
                if (i >= s.Length || s[i] == ',')
                {
                    break;
                }

                if (s[i] != ';')
                {
                    valid = false;
                    break;
                }

                i++;
                SkipWhitespace(s, ref i);
                var pStart = i;
                while (i < s.Length && IsTokenChar(s[i]))
                {
                    i++;
                }

                if (i == pStart)
                {
                    valid = false;
                    break;
                }

                var pName = s[pStart..i];
                SkipWhitespace(s, ref i);
                ReadOnlySpan<char> value = default;
                if (i < s.Length && s[i] == '=')
                {
                    i++;
                    SkipWhitespace(s, ref i);
                    if (i < s.Length && s[i] == '"')
                    {
                        i++;
                        var vStart = i;
                        while (i < s.Length && s[i] != '"')
                        {
                            i += s[i] == '\\' ? 2 : 1;
                        }

                        value = s[vStart..Math.Min(i, s.Length)];
                        i = Math.Min(i + 1, s.Length);
                    }
                    else
                    {
                        var vStart = i;
                        while (i < s.Length && IsTokenChar(s[i]))
                        {
                            i++;
                        }

                        value = s[vStart..i];
                    }
                }

                // The first dur wins (the spec ignores repeated parameters).
                if (dur is null && pName.Equals("dur", StringComparison.OrdinalIgnoreCase)
                    && double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out var d) && double.IsFinite(d) && d >= 0)
                {
                    dur = d;
                }
            }

            if (valid)
            {
                into.Add(new ServerTimingMetric(name, dur));
            }
            else
            {
                SkipToNextMetric(s, ref i);
            }
        }
    }

    private static void SkipWhitespace(ReadOnlySpan<char> s, ref int i)
    {
        while (i < s.Length && s[i] is ' ' or '\t')
        {
            i++;
        }
    }

    private static void SkipToNextMetric(ReadOnlySpan<char> s, ref int i)
    {
        var quoted = false;
        while (i < s.Length)
        {
            var c = s[i];
            if (quoted)
            {
                if (c == '\\')
                {
                    i++;
                }
                else if (c == '"')
                {
                    quoted = false;
                }
            }
            else if (c == '"')
            {
                quoted = true;
            }
            else if (c == ',')
            {
                i++;
                return;
            }

            i++;
        }
    }

    // RFC 9110 tchar.
    private static bool IsTokenChar(char c)
        => char.IsAsciiLetterOrDigit(c) || c is '!' or '#' or '$' or '%' or '&' or '\'' or '*' or '+' or '-' or '.' or '^' or '_' or '`' or '|' or '~';
}

using System.Buffers;
using System.Buffers.Text;
using System.Text;

namespace Gateway.Audit;

/// <summary>
/// Writes one audit record as one JSON line, straight into the writer's buffer. It replaces <c>Utf8JsonWriter</c> on
/// the request thread because almost every value in a record is printable ASCII (ids, routes, reason codes, paths):
/// one vectorized scan proves it and one vectorized copy narrows it to bytes, with no encoder per value.
/// <para>Anything else is escaped, so a hostile value can never end a line, close a string or forge a field:
/// <c>"</c> and <c>\</c> get a backslash, and every other character outside printable ASCII, control characters and
/// DEL included, is written as <c>\uXXXX</c>. Non-ASCII text is escaped too: a log viewer never renders a
/// right-to-left override or a look-alike letter from a request. A lone surrogate becomes <c>\uFFFD</c> so that every
/// JSON parser accepts the line.</para>
/// </summary>
internal static class AuditJson
{
    /// <summary>Printable ASCII that needs no escape in a JSON string: 0x20–0x7E without <c>"</c> and <c>\</c>.</summary>
    private static readonly SearchValues<char> Plain = SearchValues.Create(
        " !#$%&'()*+,-./0123456789:;<=>?@ABCDEFGHIJKLMNOPQRSTUVWXYZ[]^_`abcdefghijklmnopqrstuvwxyz{|}~");

    private static ReadOnlySpan<byte> Hex => "0123456789abcdef"u8;

    /// <summary>Appends the record and a line feed.</summary>
    public static void WriteLine(IBufferWriter<byte> output, in AuditRecord r)
    {
        var w = new LineWriter(output);
        w.Raw("{\"time\":\""u8);
        w.Time(r.Time);
        w.Property("\",\"requestId\":"u8, r.RequestId);
        w.Property(",\"identity\":"u8, r.Identity);
        w.Property(",\"issuer\":"u8, r.Issuer);
        w.Property(",\"authMethod\":"u8, r.AuthMethod);
        w.Property(",\"tokenId\":"u8, r.TokenId);
        w.Property(",\"tokenHash\":"u8, r.TokenHash);
        if (r.Binding is not null)
        {
            w.Property(",\"binding\":"u8, r.Binding);
        }

        w.Property(",\"route\":"u8, r.Route);
        w.Property(",\"method\":"u8, r.Method);
        w.Property(",\"host\":"u8, r.Host);
        w.Property(",\"path\":"u8, r.Path);
        w.Property(",\"decision\":"u8, r.Decision);
        w.Property(",\"rule\":"u8, r.Rule);
        w.Property(",\"reason\":"u8, r.Reason);
        w.Raw(",\"status\":"u8);
        w.Integer(r.Status);
        w.Raw(",\"durationMs\":"u8);
        w.Milliseconds(r.DurationMs);
        w.Raw(",\"source\":"u8);
        w.Address(r.SourceAddress);
        if (r.ShadowDecision is not null)
        {
            w.Property(",\"shadowDecision\":"u8, r.ShadowDecision);
            w.Property(",\"shadowRule\":"u8, r.ShadowRule);
        }

        if (r.UnevaluableRules > 0)
        {
            w.Raw(",\"unevaluableRules\":"u8);
            w.Integer(r.UnevaluableRules);
            w.Property(",\"unevaluableRule\":"u8, r.UnevaluableRule);
        }

        if (r.RateLimitClass is not null)
        {
            w.Property(",\"rateLimitClass\":"u8, r.RateLimitClass);
        }

        w.Raw("}\n"u8);
        w.Commit();
    }

    /// <summary>Writes into spans taken from the buffer writer, asking for room one value at a time.</summary>
    private ref struct LineWriter(IBufferWriter<byte> output)
    {
        private Span<byte> _span;
        private int _pos;

        private Span<byte> Room(int bytes)
        {
            if (_span.Length - _pos < bytes)
            {
                output.Advance(_pos);
                _span = output.GetSpan(Math.Max(bytes, 512));
                _pos = 0;
            }

            return _span[_pos..];
        }

        public void Commit()
        {
            output.Advance(_pos);
            _span = default;
            _pos = 0;
        }

        public void Raw(ReadOnlySpan<byte> bytes)
        {
            bytes.CopyTo(Room(bytes.Length));
            _pos += bytes.Length;
        }

        public void Time(DateTimeOffset time)
        {
            // Round-trip format with all seven fraction digits: 2026-11-26T09:37:24.9647570+00:00 (33 bytes).
            Utf8Formatter.TryFormat(time, Room(64), out var written, new StandardFormat('O'));
            _pos += written;
        }

        public void Integer(int value)
        {
            Utf8Formatter.TryFormat(value, Room(16), out var written);
            _pos += written;
        }

        /// <summary>A non-negative duration in milliseconds, rounded to the microsecond: "0.36", "1.873", "12".</summary>
        public void Milliseconds(double value)
        {
            if (!double.IsFinite(value) || value < 0 || value > 1e12)
            {
                Raw("null"u8);
                return;
            }

            var micros = (long)Math.Round(value * 1000, MidpointRounding.AwayFromZero);
            var span = Room(24);
            Utf8Formatter.TryFormat(micros / 1000, span, out var n);
            var fraction = (int)(micros % 1000);
            if (fraction != 0)
            {
                span[n++] = (byte)'.';
                span[n++] = (byte)('0' + (fraction / 100));
                fraction %= 100;
                if (fraction != 0)
                {
                    span[n++] = (byte)('0' + (fraction / 10));
                    fraction %= 10;
                    if (fraction != 0)
                    {
                        span[n++] = (byte)('0' + fraction);
                    }
                }
            }

            _pos += n;
        }

        public void Address(System.Net.IPAddress? address)
        {
            if (address is null)
            {
                Raw("null"u8);
                return;
            }

            // An IPv6 address with a scope id is at most 65 characters; no escaping is ever needed.
            var span = Room(80);
            span[0] = (byte)'"';
            address.TryFormat(span[1..], out var written);
            span[1 + written] = (byte)'"';
            _pos += written + 2;
        }

        /// <summary>A <c>,"name":</c> prefix (pre-encoded) and the value as a JSON string.</summary>
        public void Property(ReadOnlySpan<byte> prefix, string? value)
        {
            Raw(prefix);
            String(value);
        }

        public void String(string? value)
        {
            if (value is null)
            {
                Raw("null"u8);
                return;
            }

            var chars = value.AsSpan();
            var plain = chars.IndexOfAnyExcept(Plain);
            if (plain < 0)
            {
                plain = chars.Length;
            }

            // Room for the quotes, the plain prefix as bytes, and the worst case of the rest: six bytes a character
            // (in long arithmetic: no value length can make the request wrap around).
            var span = Room((int)Math.Min(int.MaxValue, 2 + plain + ((long)(chars.Length - plain) * 6)));
            span[0] = (byte)'"';
            Ascii.FromUtf16(chars[..plain], span[1..], out _);
            var n = 1 + plain;
            for (var i = plain; i < chars.Length; i++)
            {
                var c = chars[i];
                if (Plain.Contains(c))
                {
                    span[n++] = (byte)c;
                }
                else if (c is '"' or '\\')
                {
                    span[n++] = (byte)'\\';
                    span[n++] = (byte)c;
                }
                else if (char.IsHighSurrogate(c) && i + 1 < chars.Length && char.IsLowSurrogate(chars[i + 1]))
                {
                    n += Escape(c, span[n..]);
                    n += Escape(chars[++i], span[n..]);
                }
                else
                {
                    n += Escape(char.IsSurrogate(c) ? '\uFFFD' : c, span[n..]);
                }
            }

            span[n++] = (byte)'"';
            _pos += n;
        }

        private static int Escape(char c, Span<byte> span)
        {
            span[0] = (byte)'\\';
            span[1] = (byte)'u';
            span[2] = Hex[c >> 12];
            span[3] = Hex[(c >> 8) & 0xF];
            span[4] = Hex[(c >> 4) & 0xF];
            span[5] = Hex[c & 0xF];
            return 6;
        }
    }
}

using System.Buffers;
using System.Net;
using System.Text;
using System.Text.Json;
using Gateway.Audit;

namespace Gateway.Tests.Unit.Audit;

/// <summary>The audit line writer: every record is one valid JSON line whatever a request put in it, values read back
/// as they were written, and nothing outside printable ASCII reaches the log file unescaped.</summary>
public sealed class AuditJsonTests
{
    private static readonly DateTimeOffset Time = new(2026, 11, 26, 9, 37, 24, TimeSpan.Zero);

    private static AuditRecord Record(string path = "/orders/42", string host = "api.internal:8443", string? identity = "spiffe://demo.local/ns/a/sa/b",
        double durationMs = 1.873, IPAddress? source = null) =>
        new(Time.AddTicks(9647572), "0HNQBK2G3BHLP:00001A9D", identity, "https://issuer", "jwt", "jti-1", "cce37d3932aa33cb", "orders",
            "GET", host, path, "allow", "reads-orders", "allowed_by_rule", 200, durationMs, source ?? IPAddress.Loopback);

    private static byte[] Line(in AuditRecord record)
    {
        var buffer = new ArrayBufferWriter<byte>(16);
        AuditJson.WriteLine(buffer, record);
        return buffer.WrittenSpan.ToArray();
    }

    private static JsonElement Parse(byte[] line)
    {
        Assert.Equal((byte)'\n', line[^1]);
        Assert.Equal(1, line.Count(b => b == (byte)'\n'));
        return JsonDocument.Parse(line).RootElement.Clone();
    }

    [Fact]
    public void WriteLine_PlainRecord_ExactJsonLine()
    {
        var line = Encoding.UTF8.GetString(Line(Record() with { Binding = "bearer" }));

        Assert.Equal(
            "{\"time\":\"2026-11-26T09:37:24.9647572+00:00\",\"requestId\":\"0HNQBK2G3BHLP:00001A9D\",\"identity\":\"spiffe://demo.local/ns/a/sa/b\","
            + "\"issuer\":\"https://issuer\",\"authMethod\":\"jwt\",\"tokenId\":\"jti-1\",\"tokenHash\":\"cce37d3932aa33cb\",\"binding\":\"bearer\","
            + "\"route\":\"orders\",\"method\":\"GET\",\"host\":\"api.internal:8443\",\"path\":\"/orders/42\",\"decision\":\"allow\","
            + "\"rule\":\"reads-orders\",\"reason\":\"allowed_by_rule\",\"status\":200,\"durationMs\":1.873,\"source\":\"127.0.0.1\"}\n",
            line);
    }

    [Fact]
    public void WriteLine_Unauthenticated_NullsAreJsonNull()
    {
        var record = new AuditRecord(Time, "r", null, null, null, null, null, null, "GET", "h", "/", "reject", null, "missing_credential", 401, 0,
            null);

        var json = Parse(Line(record));

        foreach (var name in new[] { "identity", "issuer", "authMethod", "tokenId", "tokenHash", "route", "rule", "source" })
        {
            Assert.Equal(JsonValueKind.Null, json.GetProperty(name).ValueKind);
        }

        Assert.False(json.TryGetProperty("binding", out _));
        Assert.False(json.TryGetProperty("shadowDecision", out _));
        Assert.Equal(0, json.GetProperty("durationMs").GetDouble());
    }

    [Fact]
    public void WriteLine_OptionalFields_WrittenWhenSet()
    {
        var record = Record() with
        {
            ShadowDecision = "deny",
            ShadowRule = "tighten-orders",
            UnevaluableRules = 2,
            UnevaluableRule = "needs-zone",
            RateLimitClass = "bulk",
            Binding = "dpop",
        };

        var json = Parse(Line(record));

        Assert.Equal("deny", json.GetProperty("shadowDecision").GetString());
        Assert.Equal("tighten-orders", json.GetProperty("shadowRule").GetString());
        Assert.Equal(2, json.GetProperty("unevaluableRules").GetInt32());
        Assert.Equal("needs-zone", json.GetProperty("unevaluableRule").GetString());
        Assert.Equal("bulk", json.GetProperty("rateLimitClass").GetString());
        Assert.Equal("dpop", json.GetProperty("binding").GetString());
    }

    [Theory]
    [InlineData("quote and backslash", "/a\"b\\c")]
    [InlineData("forged field", "/x\",\"decision\":\"allow")]
    [InlineData("new line forges a second record", "/a\n{\"decision\":\"allow\"}")]
    [InlineData("carriage return", "/a\rb")]
    [InlineData("NUL", "/a\0b")]
    [InlineData("escape sequence for a terminal", "/a\u001b[2Jb")]
    [InlineData("DEL", "/a\u007fb")]
    [InlineData("non-ASCII letter", "/café")]
    [InlineData("right-to-left override", "/a\u202Egnp.exe")]
    [InlineData("line separator", "/a\u2028b")]
    [InlineData("surrogate pair", "/\U0001F600")]
    [InlineData("plain prefix then escapes", "/orders/42/€/\"/é")]
    public void WriteLine_HostileValue_OneLineOfPrintableAscii_ReadsBackUnchanged(string name, string value)
    {
        _ = name;
        var line = Line(Record(path: value, host: value, identity: value));

        Assert.All(line[..^1], b => Assert.InRange(b, (byte)0x20, (byte)0x7E));
        var json = Parse(line);
        Assert.Equal(value, json.GetProperty("path").GetString());
        Assert.Equal(value, json.GetProperty("host").GetString());
        Assert.Equal(value, json.GetProperty("identity").GetString());
        Assert.Equal("allow", json.GetProperty("decision").GetString());
        Assert.Equal(17, json.EnumerateObject().Count());
    }

    // Attribute strings cannot carry a lone surrogate (metadata stores them as UTF-8), so the cases are C# escapes
    // unescaped at run time.
    [Theory]
    [InlineData("lone high surrogate", @"/a\uD83Db", @"/a\uFFFDb")]
    [InlineData("lone low surrogate", @"/a\uDE00b", @"/a\uFFFDb")]
    [InlineData("high surrogate at the end", @"/a\uD83D", @"/a\uFFFD")]
    [InlineData("two high surrogates then a low one", @"/\uD83D\uD83D\uDE00", @"/\uFFFD\uD83D\uDE00")]
    public void WriteLine_InvalidUtf16_ReplacementCharacter_LineStillParses(string name, string escaped, string escapedExpected)
    {
        _ = name;
        var value = System.Text.RegularExpressions.Regex.Unescape(escaped);
        var expected = System.Text.RegularExpressions.Regex.Unescape(escapedExpected);
        Assert.True(char.IsSurrogate(value, value.IndexOfAny(['\uD83D', '\uDE00'])));

        var json = Parse(Line(Record(path: value)));

        Assert.Equal(expected, json.GetProperty("path").GetString());
    }

    [Theory]
    [InlineData(0, "0")]
    [InlineData(0.36, "0.36")]
    [InlineData(1.873, "1.873")]
    [InlineData(2, "2")]
    [InlineData(0.0004, "0")]
    [InlineData(0.05, "0.05")]
    [InlineData(0.305, "0.305")]
    [InlineData(12345.6789, "12345.679")]
    [InlineData(double.NaN, "null")]
    [InlineData(double.PositiveInfinity, "null")]
    [InlineData(2e12, "null")]
    [InlineData(-1, "null")]
    public void WriteLine_Duration_MillisecondsToTheMicrosecond(double ms, string expected)
    {
        var line = Encoding.UTF8.GetString(Line(Record(durationMs: ms)));

        Assert.Contains($",\"durationMs\":{expected},", line);
        Parse(Encoding.UTF8.GetBytes(line));
    }

    [Theory]
    [InlineData("10.1.2.3")]
    [InlineData("::1")]
    [InlineData("fe80::1ff:fe23:4567:890a%3")]
    [InlineData("ffff:ffff:ffff:ffff:ffff:ffff:255.255.255.255%4294967295")]
    [InlineData("::ffff:192.0.2.1")]
    public void WriteLine_SourceAddress_AsText(string address)
    {
        var ip = IPAddress.Parse(address);

        var json = Parse(Line(Record(source: ip)));

        Assert.Equal(ip.ToString(), json.GetProperty("source").GetString());
    }

    [Fact]
    public void WriteLine_LongValues_BufferGrows_EveryRecordWhole()
    {
        // A buffer that starts tiny and values up to 8 KB of characters that escape to six bytes each.
        var buffer = new ArrayBufferWriter<byte>(1);
        var values = new List<string>();
        var random = new Random(7);
        for (var i = 0; i < 200; i++)
        {
            var chars = new char[random.Next(0, 8192)];
            for (var j = 0; j < chars.Length; j++)
            {
                chars[j] = (char)random.Next(0, 0x10000);
            }

            var value = new string(chars);
            values.Add(value);
            AuditJson.WriteLine(buffer, Record(path: value));
        }

        var lines = Encoding.UTF8.GetString(buffer.WrittenSpan).Split('\n');
        Assert.Equal(201, lines.Length);
        Assert.Equal("", lines[^1]);
        for (var i = 0; i < values.Count; i++)
        {
            var path = JsonDocument.Parse(lines[i]).RootElement.GetProperty("path").GetString();
            Assert.Equal(Scrub(values[i]), path);
        }
    }

    [Fact]
    public void WriteLine_SpansOfExactlyTheSizeAsked_NeverWritesPastOne()
    {
        // A buffer writer that hands out exactly what was asked for, poisoned, and checks every Advance: an
        // under-estimated worst case or a wrong Advance fails here, where a generous ArrayBufferWriter would hide it.
        var random = new Random(11);
        for (var i = 0; i < 300; i++)
        {
            var chars = new char[random.Next(0, 600)];
            for (var j = 0; j < chars.Length; j++)
            {
                chars[j] = random.Next(4) switch
                {
                    0 => (char)random.Next(0, 0x20),
                    1 => (char)random.Next(0xD800, 0xE000),
                    2 => "\"\\"[random.Next(2)],
                    _ => (char)random.Next(0x20, 0x10000),
                };
            }

            var value = new string(chars);
            var exact = new ExactWriter();
            AuditJson.WriteLine(exact, Record(path: value, host: value, identity: value) with { RateLimitClass = value, ShadowDecision = "deny", ShadowRule = value });

            var json = Parse(exact.Written.ToArray());
            Assert.Equal(Scrub(value), json.GetProperty("path").GetString());
            Assert.Equal(Scrub(value), json.GetProperty("rateLimitClass").GetString());
        }
    }

    private sealed class ExactWriter : IBufferWriter<byte>
    {
        private const byte Poison = 0xFF;
        private byte[] _span = [];

        public List<byte> Written { get; } = [];

        public void Advance(int count)
        {
            Assert.InRange(count, 0, _span.Length);
            Assert.DoesNotContain(Poison, _span[..count]);
            Written.AddRange(_span[..count]);
            _span = [];
        }

        public Memory<byte> GetMemory(int sizeHint = 0) => throw new NotSupportedException();

        public Span<byte> GetSpan(int sizeHint = 0)
        {
            _span = new byte[Math.Max(sizeHint, 1)];
            Array.Fill(_span, Poison);
            return _span;
        }
    }

    /// <summary>The reference: what a value reads back as, with each unpaired surrogate replaced by U+FFFD.</summary>
    private static string Scrub(string value)
    {
        var sb = new StringBuilder(value.Length);
        for (var i = 0; i < value.Length; i++)
        {
            var c = value[i];
            if (char.IsHighSurrogate(c) && i + 1 < value.Length && char.IsLowSurrogate(value[i + 1]))
            {
                sb.Append(c).Append(value[++i]);
            }
            else
            {
                sb.Append(char.IsSurrogate(c) ? '\uFFFD' : c);
            }
        }

        return sb.ToString();
    }
}

using System.Text.Json;

namespace Gateway.Identity.Dpop;

/// <summary>
/// The claims of a proof's payload the gateway reads, as UTF-8 spans over the decoded payload (no strings are
/// allocated unless a value uses JSON escapes). <c>jti</c>, <c>htm</c>, <c>htu</c> (strings) and <c>iat</c> (a number)
/// are required; <c>ath</c> and <c>nonce</c> are strings when present. A repeated claim, a claim of the wrong type,
/// a <c>jti</c> that is not 1–256 characters of visible ASCII, or anything but one JSON object makes the payload invalid.
/// </summary>
internal ref struct DpopClaims
{
    public const int MaxJtiLength = 256;

    private const int JtiBit = 1, HtmBit = 2, HtuBit = 4, IatBit = 8, AthBit = 16, NonceBit = 32;
    private const int Required = JtiBit | HtmBit | HtuBit | IatBit;

    private static readonly JsonReaderOptions ReaderOptions = new() { MaxDepth = 16 };

    private int _seen;

    public ReadOnlySpan<byte> Jti { get; private set; }

    public ReadOnlySpan<byte> Htm { get; private set; }

    public ReadOnlySpan<byte> Htu { get; private set; }

    public ReadOnlySpan<byte> Ath { get; private set; }

    public ReadOnlySpan<byte> Nonce { get; private set; }

    /// <summary>Seconds since the Unix epoch (a JSON number; fractions allowed).</summary>
    public double Iat { get; private set; }

    public readonly bool HasAth => (_seen & AthBit) != 0;

    public readonly bool HasNonce => (_seen & NonceBit) != 0;

    public static bool TryRead(ReadOnlySpan<byte> json, out DpopClaims claims)
    {
        claims = default;
        try
        {
            var reader = new Utf8JsonReader(json, ReaderOptions);
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
            {
                return false;
            }

            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                var bit = reader.ValueTextEquals("jti"u8) ? JtiBit
                    : reader.ValueTextEquals("htm"u8) ? HtmBit
                    : reader.ValueTextEquals("htu"u8) ? HtuBit
                    : reader.ValueTextEquals("iat"u8) ? IatBit
                    : reader.ValueTextEquals("ath"u8) ? AthBit
                    : reader.ValueTextEquals("nonce"u8) ? NonceBit
                    : 0;
                if (!reader.Read())
                {
                    return false;
                }

                if (bit == 0)
                {
                    reader.Skip(); // other claims: not read, but they must be well-formed JSON
                    continue;
                }

                if ((claims._seen & bit) != 0)
                {
                    return false; // a repeated claim: which one would another parser pick?
                }

                claims._seen |= bit;
                if (bit == IatBit)
                {
                    if (reader.TokenType != JsonTokenType.Number || !reader.TryGetDouble(out var iat) || !double.IsFinite(iat))
                    {
                        return false;
                    }

                    claims.Iat = iat;
                    continue;
                }

                if (reader.TokenType != JsonTokenType.String)
                {
                    return false;
                }

                var value = reader.ValueIsEscaped ? Unescape(ref reader) : reader.ValueSpan;
                switch (bit)
                {
                    case JtiBit:
                        if (value.IsEmpty || value.Length > MaxJtiLength || value.ContainsAnyExceptInRange((byte)0x21, (byte)0x7E))
                        {
                            return false;
                        }

                        claims.Jti = value;
                        break;
                    case HtmBit:
                        claims.Htm = value;
                        break;
                    case HtuBit:
                        claims.Htu = value;
                        break;
                    case AthBit:
                        claims.Ath = value;
                        break;
                    default:
                        claims.Nonce = value;
                        break;
                }
            }

            if (reader.TokenType != JsonTokenType.EndObject || reader.Read())
            {
                return false; // anything after the object
            }
        }
        catch (JsonException)
        {
            return false; // not JSON (Utf8JsonReader reports malformed input only by throwing)
        }

        return (claims._seen & Required) == Required;
    }

    private static ReadOnlySpan<byte> Unescape(scoped ref Utf8JsonReader reader)
    {
        var copy = new byte[reader.ValueSpan.Length]; // unescaped is never longer; rare, so a plain array
        var n = reader.CopyString(copy);
        return copy.AsSpan(0, n);
    }
}

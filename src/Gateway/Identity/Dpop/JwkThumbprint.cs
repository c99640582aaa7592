using System.Buffers;
using System.Buffers.Text;
using System.Runtime.InteropServices;
using System.Text.Json;

namespace Gateway.Identity.Dpop;

/// <summary>
/// RFC 7638 JWK thumbprints (SHA-256): the hash of a JSON object holding only the key type's required members
/// (EC: <c>crv kty x y</c>; RSA: <c>e kty n</c>; OKP, RFC 8037: <c>crv kty x</c>) in lexicographic order, without
/// whitespace. This is the value a DPoP-bound token carries in <c>cnf.jkt</c> (RFC 9449 §6.1).
/// </summary>
internal static class JwkThumbprint
{
    public const int Size = 32;

    /// <summary>Base64url length of a thumbprint.</summary>
    public const int EncodedLength = 43;

    private const int StackLimit = 2048;

    /// <summary>The base64url thumbprint of <paramref name="jwk"/>, or null when it is not an EC, RSA or OKP key with
    /// its required members as strings.</summary>
    public static string? Compute(JsonElement jwk)
    {
        Span<byte> hash = stackalloc byte[Size];
        return TryCompute(jwk, hash) ? Base64Url.EncodeToString(hash) : null;
    }

    /// <summary>Writes the SHA-256 thumbprint of <paramref name="jwk"/> into <paramref name="sha256"/> (32 bytes).</summary>
    public static bool TryCompute(JsonElement jwk, Span<byte> sha256)
    {
        if (jwk.ValueKind != JsonValueKind.Object || !jwk.TryGetProperty("kty"u8, out var kty) || kty.ValueKind != JsonValueKind.String)
        {
            return false;
        }

        // Members in lexicographic order of their names.
        ReadOnlySpan<byte> n1 = "crv"u8, n2 = "kty"u8, n3 = "x"u8, n4 = default;
        if (kty.ValueEquals("EC"u8))
        {
            n4 = "y"u8;
        }
        else if (kty.ValueEquals("RSA"u8))
        {
            n1 = "e"u8;
            n3 = "n"u8;
        }
        else if (!kty.ValueEquals("OKP"u8))
        {
            return false;
        }

        if (!TryMember(jwk, n1, out var v1) || !TryMember(jwk, n2, out var v2) || !TryMember(jwk, n3, out var v3))
        {
            return false;
        }

        var v4 = default(JsonElement);
        if (!n4.IsEmpty && !TryMember(jwk, n4, out v4))
        {
            return false;
        }

        // Upper bound: a value without escapes is copied as is; an escaped one is written again, at most 6 bytes a
        // source byte (a control character as \u00XX).
        var max = 2 + (4 * 4) + n1.Length + n2.Length + n3.Length + n4.Length
            + MaxLength(v1) + MaxLength(v2) + MaxLength(v3) + (n4.IsEmpty ? 0 : MaxLength(v4));
        byte[]? rented = null;
        var buffer = max <= StackLimit ? stackalloc byte[StackLimit] : (rented = ArrayPool<byte>.Shared.Rent(max));
        try
        {
            var n = 0;
            buffer[n++] = (byte)'{';
            n += WriteMember(n1, v1, buffer[n..]);
            buffer[n++] = (byte)',';
            n += WriteMember(n2, v2, buffer[n..]);
            buffer[n++] = (byte)',';
            n += WriteMember(n3, v3, buffer[n..]);
            if (!n4.IsEmpty)
            {
                buffer[n++] = (byte)',';
                n += WriteMember(n4, v4, buffer[n..]);
            }

            buffer[n++] = (byte)'}';
            Sha256Fast.Hash(buffer[..n], sha256);
            return true;
        }
        finally
        {
            if (rented is not null)
            {
                ArrayPool<byte>.Shared.Return(rented);
            }
        }
    }

    private static bool TryMember(JsonElement jwk, ReadOnlySpan<byte> name, out JsonElement value)
        => jwk.TryGetProperty(name, out value) && value.ValueKind == JsonValueKind.String;

    private static int MaxLength(JsonElement value)
    {
        var raw = JsonMarshal.GetRawUtf8Value(value);
        return raw.IndexOf((byte)'\\') < 0 ? raw.Length : raw.Length * 6;
    }

    private static int WriteMember(ReadOnlySpan<byte> name, JsonElement value, Span<byte> dest)
    {
        var n = 0;
        dest[n++] = (byte)'"';
        name.CopyTo(dest[n..]);
        n += name.Length;
        dest[n++] = (byte)'"';
        dest[n++] = (byte)':';
        var raw = JsonMarshal.GetRawUtf8Value(value); // with its quotes
        if (raw.IndexOf((byte)'\\') < 0)
        {
            raw.CopyTo(dest[n..]);
            return n + raw.Length;
        }

        // The source escaped something (legal, unusual): write the value again with only the escapes JSON requires.
        dest[n++] = (byte)'"';
        foreach (var rune in value.GetString()!.EnumerateRunes())
        {
            if (rune.Value is '"' or '\\')
            {
                dest[n++] = (byte)'\\';
                dest[n++] = (byte)rune.Value;
            }
            else if (rune.Value < 0x20)
            {
                n += WriteControl(rune.Value, dest[n..]);
            }
            else
            {
                n += rune.EncodeToUtf8(dest[n..]);
            }
        }

        dest[n++] = (byte)'"';
        return n;
    }

    private static int WriteControl(int value, Span<byte> dest)
    {
        "\\u00"u8.CopyTo(dest);
        dest[4] = (byte)"0123456789abcdef"[value >> 4];
        dest[5] = (byte)"0123456789abcdef"[value & 0xF];
        return 6;
    }
}

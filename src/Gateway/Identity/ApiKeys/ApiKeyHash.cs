using System.Buffers.Text;
using System.Security.Cryptography;

namespace Gateway.Identity.ApiKeys;

/// <summary>
/// The stored form of a key: <c>sha256:&lt;base64url of SHA-256 of the whole key string&gt;</c>. A plain (unsalted,
/// fast) hash is enough here because the secret has 256 random bits: there is nothing to guess, so a slow password
/// hash would only cost every request time. The hash covers the id too, so an entry can only ever match keys
/// carrying its own id.
/// </summary>
internal static class ApiKeyHash
{
    public const string Prefix = "sha256:";
    public const int Length = 32;
    private const int EncodedLength = 43;

    /// <summary>SHA-256 of the key's ASCII bytes. Only call with a well-formed key (<see cref="ApiKeyFormat.IsWellFormed"/>:
    /// exactly <see cref="ApiKeyFormat.KeyLength"/> ASCII characters).</summary>
    public static void Compute(ReadOnlySpan<char> key, Span<byte> hash)
    {
        Span<byte> ascii = stackalloc byte[ApiKeyFormat.KeyLength];
        if (key.Length != ApiKeyFormat.KeyLength || System.Text.Ascii.FromUtf16(key, ascii, out var written) != System.Buffers.OperationStatus.Done)
        {
            throw new ArgumentException("not a well-formed API key");
        }

        Sha256Fast.Hash(ascii[..written], hash);
    }

    public static string Format(ReadOnlySpan<byte> hash) => Prefix + Base64Url.EncodeToString(hash);

    public static string ForKey(string key)
    {
        Span<byte> hash = stackalloc byte[Length];
        Compute(key, hash);
        return Format(hash);
    }

    /// <summary>Parses <c>sha256:</c> + 43 base64url characters (canonical) into 32 bytes.</summary>
    public static bool TryParse(string? text, out byte[] hash)
    {
        hash = [];
        if (text is null || text.Length != Prefix.Length + EncodedLength || !text.StartsWith(Prefix, StringComparison.Ordinal))
        {
            return false;
        }

        var encoded = text.AsSpan(Prefix.Length);
        var bytes = new byte[Length];
        try
        {
            if (!Base64Url.TryDecodeFromChars(encoded, bytes, out var written) || written != Length)
            {
                return false;
            }
        }
        catch (FormatException)
        {
            return false; // a character outside base64url, or non-zero trailing bits
        }

        // Canonical only: re-encoding must give back the same text (no second spelling of one hash).
        if (!encoded.SequenceEqual(Base64Url.EncodeToString(bytes)))
        {
            return false;
        }

        hash = bytes;
        return true;
    }

    /// <summary>The audit handle of the key whose hash this is: the first 8 bytes in hex, the same value as
    /// <see cref="TokenHash.ToShortString"/> of the key itself.</summary>
    public static string ShortHandle(ReadOnlySpan<byte> hash) => Convert.ToHexStringLower(hash[..8]);
}

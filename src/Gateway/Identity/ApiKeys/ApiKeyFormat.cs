using System.Buffers;

namespace Gateway.Identity.ApiKeys;

/// <summary>
/// The API key format, <c>gk_&lt;id&gt;_&lt;secret&gt;</c>: a fixed prefix (so a leaked key is recognisable by secret
/// scanners), a 12-character id (RFC 4648 base32, lower case, 60 random bits; not secret, used for lookup), and a
/// secret of 32 random bytes in base64url without padding (43 characters). Every key has exactly
/// <see cref="KeyLength"/> ASCII characters, so the shape is checked before anything else is done with the value.
/// </summary>
internal static class ApiKeyFormat
{
    public const string Prefix = "gk_";
    public const int IdLength = 12;
    public const int SecretBytes = 32;
    public const int SecretLength = 43; // ceil(32 * 8 / 6), no padding
    public const int KeyLength = 3 + IdLength + 1 + SecretLength; // 59

    /// <summary>The id alphabet: RFC 4648 base32, lower case. 32 symbols, so drawing from it is unbiased.</summary>
    public const string IdAlphabet = "abcdefghijklmnopqrstuvwxyz234567";

    private const int IdStart = 3;
    private const int SecretStart = IdStart + IdLength + 1; // 16

    private static readonly SearchValues<char> IdChars = SearchValues.Create(IdAlphabet);
    private static readonly SearchValues<char> Base64UrlChars =
        SearchValues.Create("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_");
    // 32 bytes = 256 bits in 43 sextets (258 bits): the last character carries 4 bits and two zero bits. Only these
    // 16 characters end a canonical encoding; any other last character would be a second spelling of some key.
    private static readonly SearchValues<char> LastSecretChars = SearchValues.Create("AEIMQUYcgkosw048");

    /// <summary>True when the value has the exact shape of a key: length, prefix, id and secret alphabets, separator,
    /// canonical base64url. Checks nothing else (the key may still be unknown).</summary>
    public static bool IsWellFormed(ReadOnlySpan<char> key)
    {
        if (key.Length != KeyLength || !key.StartsWith(Prefix, StringComparison.Ordinal) || key[SecretStart - 1] != '_')
        {
            return false;
        }

        var secret = key[SecretStart..];
        return IsValidId(key.Slice(IdStart, IdLength))
            && !secret.ContainsAnyExcept(Base64UrlChars)
            && LastSecretChars.Contains(secret[^1]);
    }

    /// <summary>The id part of a well-formed key (<see cref="IsWellFormed"/> first).</summary>
    public static ReadOnlySpan<char> IdOf(ReadOnlySpan<char> key) => key.Slice(IdStart, IdLength);

    public static bool IsValidId(ReadOnlySpan<char> id) => id.Length == IdLength && !id.ContainsAnyExcept(IdChars);

    /// <summary>True when the value starts like a key (used to refuse a key pasted where only an id or a hash belongs,
    /// without echoing it).</summary>
    public static bool LooksLikeKey(ReadOnlySpan<char> value) => value.StartsWith(Prefix, StringComparison.Ordinal) && value.Length > IdLength + 4;

    public static string Compose(string id, ReadOnlySpan<byte> secret)
    {
        if (!IsValidId(id) || secret.Length != SecretBytes)
        {
            throw new ArgumentException("an API key needs a valid id and a 32-byte secret");
        }

        return Prefix + id + "_" + System.Buffers.Text.Base64Url.EncodeToString(secret);
    }
}

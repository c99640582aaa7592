using System.Security.Cryptography;

namespace Gateway.Identity.ApiKeys;

/// <summary>Makes new keys from the operating system's CSPRNG: a 60-bit id and a 256-bit secret.</summary>
internal static class ApiKeyGenerator
{
    public static GeneratedApiKey Generate()
    {
        // 32 symbols: GetItems draws each uniformly (no modulo bias).
        var id = new string(RandomNumberGenerator.GetItems<char>(ApiKeyFormat.IdAlphabet, ApiKeyFormat.IdLength));
        Span<byte> secret = stackalloc byte[ApiKeyFormat.SecretBytes];
        RandomNumberGenerator.Fill(secret);
        var key = ApiKeyFormat.Compose(id, secret);
        CryptographicOperations.ZeroMemory(secret);
        return new GeneratedApiKey(id, key, ApiKeyHash.ForKey(key));
    }
}

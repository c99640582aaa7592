using System.Globalization;
using System.Security.Cryptography;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace LoadTool.Identity;

/// <summary>Mints synthetic workload tokens (JWT-SVID shaped: SPIFFE subject, audience, jti) with a private key.</summary>
internal sealed class TokenMinter(SigningCredentials credentials, string issuer, string audience, IReadOnlyList<KeyValuePair<string, string>> claims)
{
    private readonly JsonWebTokenHandler _handler = new() { SetDefaultTimesOnTokenCreation = false };

    public string Mint(string subject, DateTime notBefore, DateTime expires, string? audienceOverride = null)
    {
        var payload = new Dictionary<string, object>
        {
            ["sub"] = subject,
            ["jti"] = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(12)),
        };
        foreach (var group in claims.GroupBy(c => c.Key, StringComparer.Ordinal))
        {
            var values = group.Select(c => c.Value).ToArray();
            payload[group.Key] = values.Length == 1 ? values[0] : values;
        }

        return _handler.CreateToken(new SecurityTokenDescriptor
        {
            Issuer = issuer,
            Audience = audienceOverride ?? audience,
            IssuedAt = notBefore,
            NotBefore = notBefore,
            Expires = expires,
            Claims = payload,
            SigningCredentials = credentials,
        });
    }

    public static string Subject(string template, string trustDomain, int index)
        => template.Replace("{td}", trustDomain, StringComparison.Ordinal)
                   .Replace("{i}", index.ToString(CultureInfo.InvariantCulture), StringComparison.Ordinal);

    /// <summary>The same token with one byte of its signature flipped. The byte is flipped in the decoded signature
    /// (not in the base64url text, whose last character may carry only padding bits), so the result never verifies.</summary>
    public static string SpoilSignature(string token)
    {
        var lastDot = token.LastIndexOf('.');
        if (lastDot < 0 || lastDot == token.Length - 1)
        {
            // Not a JWS with a signature: append garbage instead, which no verifier accepts either.
            return token + "x";
        }

        var sig = Base64UrlEncoder.DecodeBytes(token[(lastDot + 1)..]);
        sig[sig.Length / 2] ^= 0x01;
        return string.Concat(token.AsSpan(0, lastDot + 1), Base64UrlEncoder.Encode(sig));
    }
}

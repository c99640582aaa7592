using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace Gateway.Tests.Integration;

/// <summary>Signing keys generated at test time (never committed), their JWKs, and token minting — including the
/// malformed and hostile tokens an attacker would send.</summary>
internal sealed class TestKeys
{
    public TestKeys()
    {
        Rsa1 = new RsaSecurityKey(RSA.Create(2048)) { KeyId = "rsa-1" };
        Rsa2 = new RsaSecurityKey(RSA.Create(2048)) { KeyId = "rsa-2" };
        Ec1 = new ECDsaSecurityKey(ECDsa.Create(ECCurve.NamedCurves.nistP256)) { KeyId = "ec-1" };
        Ed1 = NSec.Cryptography.Key.Create(NSec.Cryptography.SignatureAlgorithm.Ed25519,
            new NSec.Cryptography.KeyCreationParameters { ExportPolicy = NSec.Cryptography.KeyExportPolicies.None });
    }

    public RsaSecurityKey Rsa1 { get; }
    public RsaSecurityKey Rsa2 { get; }
    public ECDsaSecurityKey Ec1 { get; }
    public NSec.Cryptography.Key Ed1 { get; }
    public const string Ed1Kid = "ed-1";

    public static string Jwks(params object[] jwks) => JsonSerializer.Serialize(new { keys = jwks });

    public static object Jwk(RsaSecurityKey key)
    {
        var p = key.Rsa.ExportParameters(false);
        return new Dictionary<string, string>
        {
            ["kty"] = "RSA", ["kid"] = key.KeyId, ["use"] = "sig",
            ["n"] = Base64UrlEncoder.Encode(p.Modulus), ["e"] = Base64UrlEncoder.Encode(p.Exponent),
        };
    }

    public static object Jwk(ECDsaSecurityKey key)
    {
        var p = key.ECDsa.ExportParameters(false);
        return new Dictionary<string, string>
        {
            ["kty"] = "EC", ["kid"] = key.KeyId, ["use"] = "sig", ["crv"] = key.KeySize switch { 384 => "P-384", 521 => "P-521", _ => "P-256" },
            ["x"] = Base64UrlEncoder.Encode(p.Q.X), ["y"] = Base64UrlEncoder.Encode(p.Q.Y),
        };
    }

    public object JwkEd1() => JwkEd25519(Ed1, Ed1Kid);

    public static object JwkEd25519(NSec.Cryptography.Key key, string kid) => new Dictionary<string, string>
    {
        ["kty"] = "OKP", ["kid"] = kid, ["use"] = "sig", ["crv"] = "Ed25519",
        ["x"] = Base64UrlEncoder.Encode(key.PublicKey.Export(NSec.Cryptography.KeyBlobFormat.RawPublicKey)),
    };

    /// <summary>Standard claims for a valid token; tests change what they need.</summary>
    public static Dictionary<string, object> Claims(string issuer, string sub, string audience = "gateway",
        TimeSpan? lifetime = null, TimeSpan? issuedAgo = null, DateTimeOffset? now = null)
    {
        var iat = (now ?? DateTimeOffset.UtcNow) - (issuedAgo ?? TimeSpan.FromSeconds(5));
        var exp = iat + (lifetime ?? TimeSpan.FromMinutes(10));
        return new Dictionary<string, object>
        {
            ["iss"] = issuer,
            ["aud"] = audience,
            ["sub"] = sub,
            ["iat"] = iat.ToUnixTimeSeconds(),
            ["nbf"] = iat.ToUnixTimeSeconds(),
            ["exp"] = exp.ToUnixTimeSeconds(),
            ["jti"] = Guid.NewGuid().ToString("N"),
        };
    }

    public static string Sign(SecurityKey key, string alg, Dictionary<string, object> claims, Dictionary<string, object>? header = null)
    {
        var handler = new JsonWebTokenHandler { SetDefaultTimesOnTokenCreation = false };
        return handler.CreateToken(new SecurityTokenDescriptor
        {
            Claims = claims,
            SigningCredentials = new SigningCredentials(key, alg),
            AdditionalHeaderClaims = header,
        });
    }

    public string SignEd25519(Dictionary<string, object> claims, string? kid = Ed1Kid) => SignEd25519(Ed1, claims, kid);

    /// <summary>An EdDSA token signed with <paramref name="key"/>; a null <paramref name="kid"/> leaves it out of the header.</summary>
    public static string SignEd25519(NSec.Cryptography.Key key, Dictionary<string, object> claims, string? kid)
    {
        var fields = new Dictionary<string, string> { ["alg"] = "EdDSA", ["typ"] = "JWT" };
        if (kid is not null)
        {
            fields["kid"] = kid;
        }

        var header = B64(JsonSerializer.Serialize(fields));
        var payload = B64(JsonSerializer.Serialize(claims));
        var input = Encoding.ASCII.GetBytes(header + "." + payload);
        var sig = NSec.Cryptography.SignatureAlgorithm.Ed25519.Sign(key, input);
        return header + "." + payload + "." + Base64UrlEncoder.Encode(sig);
    }

    /// <summary>A token with any header and an arbitrary signature part (forgeries).</summary>
    public static string Raw(object header, Dictionary<string, object> claims, string signature)
        => B64(JsonSerializer.Serialize(header)) + "." + B64(JsonSerializer.Serialize(claims)) + "." + signature;

    /// <summary>The classic key-confusion forgery: HS256 with the RSA public key's bytes as the HMAC secret.</summary>
    public static string Hs256WithPublicKey(RsaSecurityKey rsa, Dictionary<string, object> claims)
    {
        var header = B64(JsonSerializer.Serialize(new { alg = "HS256", typ = "JWT", kid = rsa.KeyId }));
        var payload = B64(JsonSerializer.Serialize(claims));
        var secret = Encoding.UTF8.GetBytes(JsonSerializer.Serialize(Jwk(rsa)));
        var sig = HMACSHA256.HashData(secret, Encoding.ASCII.GetBytes(header + "." + payload));
        return header + "." + payload + "." + Base64UrlEncoder.Encode(sig);
    }

    public static string B64(string s) => Base64UrlEncoder.Encode(Encoding.UTF8.GetBytes(s));
}

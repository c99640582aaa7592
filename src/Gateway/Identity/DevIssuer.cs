using System.Security.Cryptography;
using System.Text.Json;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace Gateway.Identity;

/// <summary>
/// The development issuer: an ES256 key generated on first use into a git-ignored folder, its public JWKS beside it,
/// and a way to mint workload tokens for the demo and for <c>gateway token</c>. Never for production.
/// </summary>
public sealed class DevIssuer
{
    public const string PrivateKeyFile = "dev-signing-key.json";
    public const string JwksFileName = "jwks.json";

    private readonly ECDsaSecurityKey _key;

    private DevIssuer(ECDsaSecurityKey key, string issuer, string audience)
    {
        _key = key;
        Issuer = issuer;
        Audience = audience;
    }

    public string Issuer { get; }
    public string Audience { get; }
    public string KeyId => _key.KeyId;

    /// <summary>Loads the dev key from the folder, creating the key and its JWKS when absent.</summary>
    public static DevIssuer LoadOrCreate(string directory, string issuer, string audience)
    {
        Directory.CreateDirectory(directory);
        var privatePath = Path.Combine(directory, PrivateKeyFile);
        var jwksPath = Path.Combine(directory, JwksFileName);
        ECDsaSecurityKey key;
        if (File.Exists(privatePath))
        {
            var jwk = new JsonWebKey(File.ReadAllText(privatePath));
            var ec = ECDsa.Create(new ECParameters
            {
                Curve = ECCurve.NamedCurves.nistP256,
                D = Base64UrlEncoder.DecodeBytes(jwk.D),
                Q = new ECPoint { X = Base64UrlEncoder.DecodeBytes(jwk.X), Y = Base64UrlEncoder.DecodeBytes(jwk.Y) },
            });
            key = new ECDsaSecurityKey(ec) { KeyId = jwk.Kid };
        }
        else
        {
            var ec = ECDsa.Create(ECCurve.NamedCurves.nistP256);
            key = new ECDsaSecurityKey(ec) { KeyId = "dev-" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(6)) };
            var priv = JsonWebKeyConverter.ConvertFromECDsaSecurityKey(key);
            WriteJsonFile(privatePath, Jwk(priv, includePrivate: true));
            if (!OperatingSystem.IsWindows())
            {
                File.SetUnixFileMode(privatePath, UnixFileMode.UserRead | UnixFileMode.UserWrite);
            }
        }

        var pub = JsonWebKeyConverter.ConvertFromECDsaSecurityKey(key);
        var jwks = new Dictionary<string, object> { ["keys"] = new[] { Jwk(pub, includePrivate: false) } };
        var json = JsonSerializer.Serialize(jwks, new JsonSerializerOptions { WriteIndented = true });
        if (!File.Exists(jwksPath) || File.ReadAllText(jwksPath) != json)
        {
            File.WriteAllText(jwksPath, json);
        }

        return new DevIssuer(key, issuer, audience);
    }

    /// <summary>Mints a token for a workload. Extra claims: string or string[] values.</summary>
    public string Mint(string subject, TimeSpan lifetime, IReadOnlyDictionary<string, object>? claims = null, string? audience = null)
    {
        var now = DateTime.UtcNow;
        var payload = new Dictionary<string, object>
        {
            ["sub"] = subject,
            ["jti"] = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(12)),
        };
        if (claims is not null)
        {
            foreach (var (k, v) in claims)
            {
                payload[k] = v;
            }
        }

        var handler = new JsonWebTokenHandler { SetDefaultTimesOnTokenCreation = false };
        return handler.CreateToken(new SecurityTokenDescriptor
        {
            Issuer = Issuer,
            Audience = audience ?? Audience,
            IssuedAt = now,
            NotBefore = now,
            Expires = now + lifetime,
            Claims = payload,
            SigningCredentials = new SigningCredentials(_key, SecurityAlgorithms.EcdsaSha256),
        });
    }

    private static Dictionary<string, string> Jwk(JsonWebKey k, bool includePrivate)
    {
        var d = new Dictionary<string, string>
        {
            ["kty"] = "EC",
            ["crv"] = "P-256",
            ["kid"] = k.Kid,
            ["use"] = "sig",
            ["alg"] = "ES256",
            ["x"] = k.X,
            ["y"] = k.Y,
        };
        if (includePrivate)
        {
            d["d"] = k.D;
        }

        return d;
    }

    private static void WriteJsonFile(string path, object value)
        => File.WriteAllText(path, JsonSerializer.Serialize(value, new JsonSerializerOptions { WriteIndented = true }));
}

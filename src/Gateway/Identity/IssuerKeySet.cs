using System.Collections.Frozen;
using System.Security.Cryptography;
using System.Text;
using Microsoft.IdentityModel.Tokens;

namespace Gateway.Identity;

/// <summary>An immutable snapshot of an issuer's verification keys. Swapped whole on refresh.</summary>
internal sealed class IssuerKeySet
{
    private IssuerKeySet(FrozenDictionary<string, IssuerKey> byKid, IssuerKey[] all, long revision, DateTimeOffset fetchedAt)
    {
        ByKeyId = byKid;
        All = all;
        Revision = revision;
        FetchedAt = fetchedAt;
        SecurityKeys = Array.FindAll(all, k => k.SecurityKey is not null).Select(k => k.SecurityKey!).ToArray();
    }

    public FrozenDictionary<string, IssuerKey> ByKeyId { get; }
    public IssuerKey[] All { get; }
    public SecurityKey[] SecurityKeys { get; }
    public long Revision { get; }
    public DateTimeOffset FetchedAt { get; }

    /// <summary>True when a key with this id and fingerprint is in the set (for cached tokens).</summary>
    public bool Contains(string? kid, string fingerprint)
    {
        if (kid is not null)
        {
            return ByKeyId.TryGetValue(kid, out var k) && k.Fingerprint == fingerprint;
        }

        foreach (var k in All)
        {
            if (k.Fingerprint == fingerprint)
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>Builds a key set from a JWKS, keeping only usable signature keys. Errors name each dropped key.</summary>
    public static IssuerKeySet Build(JsonWebKeySet jwks, long revision, DateTimeOffset now, List<string> problems)
    {
        var byKid = new Dictionary<string, IssuerKey>(StringComparer.Ordinal);
        var all = new List<IssuerKey>();
        foreach (var jwk in jwks.Keys)
        {
            var label = jwk.Kid ?? "(no kid)";
            if (!string.IsNullOrEmpty(jwk.Use) && jwk.Use != "sig")
            {
                continue;
            }

            if (jwk.HasPrivateKey || !string.IsNullOrEmpty(jwk.D))
            {
                problems.Add($"key {label}: a JWKS must not publish private key material; key ignored");
                continue;
            }

            IssuerKey? key = null;
            try
            {
                key = jwk.Kty switch
                {
                    "RSA" => FromRsa(jwk, problems),
                    "EC" => FromEc(jwk, problems),
                    "OKP" => FromOkp(jwk, problems),
                    _ => Skip(problems, $"key {label}: unsupported kty '{jwk.Kty}'"),
                };
            }
            catch (Exception ex) when (ex is FormatException or ArgumentException or CryptographicException)
            {
                problems.Add($"key {label}: invalid key material ({ex.GetType().Name})");
            }

            if (key is null)
            {
                continue;
            }

            if (key.KeyId is not null)
            {
                if (!byKid.TryAdd(key.KeyId, key))
                {
                    problems.Add($"key {label}: duplicate kid; the first is kept");
                    continue;
                }
            }

            all.Add(key);
        }

        return new IssuerKeySet(byKid.ToFrozenDictionary(StringComparer.Ordinal), all.ToArray(), revision, now);
    }

    private static IssuerKey? Skip(List<string> problems, string message)
    {
        problems.Add(message);
        return null;
    }

    private static IssuerKey? FromRsa(JsonWebKey jwk, List<string> problems)
    {
        if (string.IsNullOrEmpty(jwk.N) || string.IsNullOrEmpty(jwk.E))
        {
            return Skip(problems, $"key {jwk.Kid}: RSA key without n or e");
        }

        var n = Base64UrlEncoder.DecodeBytes(jwk.N);
        if (BitLength(n) < 2048)
        {
            return Skip(problems, $"key {jwk.Kid}: RSA key shorter than 2048 bits refused");
        }

        var rsa = new RsaSecurityKey(new RSAParameters { Modulus = n, Exponent = Base64UrlEncoder.DecodeBytes(jwk.E) })
        {
            KeyId = jwk.Kid,
        };
        return new IssuerKey(jwk.Kid, Fingerprint("RSA", jwk.N, jwk.E), rsa, null);
    }

    private static IssuerKey? FromEc(JsonWebKey jwk, List<string> problems)
    {
        var curve = jwk.Crv switch
        {
            "P-256" => ECCurve.NamedCurves.nistP256,
            "P-384" => ECCurve.NamedCurves.nistP384,
            "P-521" => ECCurve.NamedCurves.nistP521,
            _ => (ECCurve?)null,
        };
        if (curve is null || string.IsNullOrEmpty(jwk.X) || string.IsNullOrEmpty(jwk.Y))
        {
            return Skip(problems, $"key {jwk.Kid}: EC key needs crv P-256/P-384/P-521 with x and y");
        }

        var ecdsa = ECDsa.Create(new ECParameters
        {
            Curve = curve.Value,
            Q = new ECPoint { X = Base64UrlEncoder.DecodeBytes(jwk.X), Y = Base64UrlEncoder.DecodeBytes(jwk.Y) },
        });
        var key = new ECDsaSecurityKey(ecdsa) { KeyId = jwk.Kid };
        return new IssuerKey(jwk.Kid, Fingerprint("EC", jwk.Crv, jwk.X, jwk.Y), key, null);
    }

    private static IssuerKey? FromOkp(JsonWebKey jwk, List<string> problems)
    {
        if (jwk.Crv != "Ed25519" || string.IsNullOrEmpty(jwk.X))
        {
            return Skip(problems, $"key {jwk.Kid}: only OKP keys on Ed25519 are supported");
        }

        var pub = NSec.Cryptography.PublicKey.Import(
            NSec.Cryptography.SignatureAlgorithm.Ed25519,
            Base64UrlEncoder.DecodeBytes(jwk.X),
            NSec.Cryptography.KeyBlobFormat.RawPublicKey);
        return new IssuerKey(jwk.Kid, Fingerprint("OKP", jwk.Crv, jwk.X), null, pub);
    }

    /// <summary>The modulus's real size: leading zero bytes (allowed by some encoders) do not count.</summary>
    private static int BitLength(byte[] bigEndian)
    {
        var i = 0;
        while (i < bigEndian.Length && bigEndian[i] == 0)
        {
            i++;
        }

        return i == bigEndian.Length ? 0 : ((bigEndian.Length - i - 1) * 8) + (32 - System.Numerics.BitOperations.LeadingZeroCount(bigEndian[i]));
    }

    private static string Fingerprint(params string[] parts)
        => Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(string.Join('|', parts))));
}

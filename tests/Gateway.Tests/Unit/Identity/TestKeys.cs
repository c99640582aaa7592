using System.Security.Cryptography;
using Gateway.Identity;
using Microsoft.IdentityModel.Tokens;

namespace Gateway.Tests.Unit.Identity;

/// <summary>Public JWKs built from freshly generated keys.</summary>
internal static class TestKeys
{
    private static readonly Lazy<RSAParameters> Rsa2048 = new(() =>
    {
        using var rsa = RSA.Create(2048);
        return rsa.ExportParameters(includePrivateParameters: true);
    });

    public static JsonWebKey Ec(string? kid, string curve = "P-256")
    {
        var named = curve switch
        {
            "P-384" => ECCurve.NamedCurves.nistP384,
            "P-521" => ECCurve.NamedCurves.nistP521,
            _ => ECCurve.NamedCurves.nistP256,
        };
        using var ec = ECDsa.Create(named);
        var p = ec.ExportParameters(includePrivateParameters: false);
        return new JsonWebKey
        {
            Kty = "EC",
            Crv = curve,
            X = Base64UrlEncoder.Encode(p.Q.X),
            Y = Base64UrlEncoder.Encode(p.Q.Y),
            Kid = kid,
        };
    }

    public static JsonWebKey Rsa(string? kid, int bits = 2048)
    {
        RSAParameters p;
        if (bits == 2048)
        {
            p = Rsa2048.Value;
        }
        else
        {
            using var rsa = RSA.Create(bits);
            p = rsa.ExportParameters(includePrivateParameters: false);
        }

        return new JsonWebKey { Kty = "RSA", N = Base64UrlEncoder.Encode(p.Modulus), E = Base64UrlEncoder.Encode(p.Exponent), Kid = kid };
    }

    /// <summary>The private exponent of the 2048-bit test key, for "private material published" cases.</summary>
    public static string RsaPrivateExponent() => Base64UrlEncoder.Encode(Rsa2048.Value.D);

    public static JsonWebKey Ed25519(string? kid)
    {
        using var key = NSec.Cryptography.Key.Create(NSec.Cryptography.SignatureAlgorithm.Ed25519);
        var raw = key.PublicKey.Export(NSec.Cryptography.KeyBlobFormat.RawPublicKey);
        return new JsonWebKey { Kty = "OKP", Crv = "Ed25519", X = Base64UrlEncoder.Encode(raw), Kid = kid };
    }

    public static JsonWebKeySet Set(params JsonWebKey[] keys)
    {
        var set = new JsonWebKeySet();
        foreach (var k in keys)
        {
            set.Keys.Add(k);
        }

        return set;
    }
}

/// <summary>A key source whose answer the test sets: a key set, or an exception.</summary>
internal sealed class FakeKeySetSource : KeySetSource
{
    public JsonWebKeySet Keys { get; set; } = new();

    public Exception? Failure { get; set; }

    public int Fetches { get; private set; }

    public override string Describe() => "fake";

    public override Task<JsonWebKeySet> FetchAsync(CancellationToken cancellationToken)
    {
        Fetches++;
        return Failure is null ? Task.FromResult(Keys) : Task.FromException<JsonWebKeySet>(Failure);
    }
}

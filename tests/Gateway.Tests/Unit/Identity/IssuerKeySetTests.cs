using Gateway.Identity;
using Microsoft.IdentityModel.Tokens;

namespace Gateway.Tests.Unit.Identity;

public sealed class IssuerKeySetTests
{
    private static readonly DateTimeOffset Now = new(2030, 1, 2, 3, 4, 5, TimeSpan.Zero);

    private static (IssuerKeySet Set, List<string> Problems) Build(params JsonWebKey[] keys)
    {
        var problems = new List<string>();
        var set = IssuerKeySet.Build(TestKeys.Set(keys), revision: 7, Now, problems);
        return (set, problems);
    }

    [Theory]
    [InlineData("EC P-256", "EC", "P-256")]
    [InlineData("EC P-384", "EC", "P-384")]
    [InlineData("EC P-521", "EC", "P-521")]
    [InlineData("RSA 2048", "RSA", null)]
    public void Build_UsableKey_IsInstalledWithSecurityKey(string name, string kty, string? curve)
    {
        _ = name;
        var jwk = kty == "EC" ? TestKeys.Ec("k1", curve!) : TestKeys.Rsa("k1");

        var (set, problems) = Build(jwk);

        Assert.Empty(problems);
        var key = Assert.Single(set.All);
        Assert.Same(key, set.ByKeyId["k1"]);
        Assert.Equal("k1", key.KeyId);
        Assert.NotNull(key.SecurityKey);
        Assert.Equal("k1", key.SecurityKey!.KeyId);
        Assert.Null(key.Ed25519);
        Assert.Equal([key.SecurityKey], set.SecurityKeys);
        Assert.Equal(64, key.Fingerprint.Length);
        Assert.Equal(7, set.Revision);
        Assert.Equal(Now, set.FetchedAt);
    }

    [Fact]
    public void Build_Ed25519Key_IsInstalledWithoutSecurityKey()
    {
        var (set, problems) = Build(TestKeys.Ed25519("ed"));

        Assert.Empty(problems);
        var key = Assert.Single(set.All);
        Assert.NotNull(key.Ed25519);
        Assert.Null(key.SecurityKey);
        Assert.Empty(set.SecurityKeys);
        Assert.True(set.Contains("ed", key.Fingerprint));
    }

    [Theory]
    [InlineData("1024 bits", 1024)]
    [InlineData("1536 bits", 1536)]
    public void Build_ShortRsaKey_IsDroppedWithProblem(string name, int bits)
    {
        _ = name;
        var (set, problems) = Build(TestKeys.Rsa("weak", bits), TestKeys.Ec("good"));

        Assert.Equal(["good"], set.All.Select(k => k.KeyId));
        var problem = Assert.Single(problems);
        Assert.Contains("weak", problem, StringComparison.Ordinal);
        Assert.Contains("shorter than 2048 bits", problem, StringComparison.Ordinal);
    }

    [Fact]
    public void Build_ShortRsaKeyPaddedWithLeadingZeros_IsDropped()
    {
        var weak = TestKeys.Rsa("weak", 1024);
        var padded = new byte[256];
        var n = Base64UrlEncoder.DecodeBytes(weak.N);
        n.CopyTo(padded, padded.Length - n.Length);
        weak.N = Base64UrlEncoder.Encode(padded);

        var (set, problems) = Build(weak, TestKeys.Ec("good"));

        Assert.Equal(["good"], set.All.Select(k => k.KeyId));
        Assert.Contains(problems, p => p.Contains("weak", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("RSA with d only", "RSA")]
    [InlineData("EC with d", "EC")]
    public void Build_PrivateKeyMaterial_IsDroppedWithProblem(string name, string kty)
    {
        _ = name;
        var jwk = kty == "RSA" ? TestKeys.Rsa("leak") : TestKeys.Ec("leak");
        jwk.D = kty == "RSA" ? TestKeys.RsaPrivateExponent() : Base64UrlEncoder.Encode(new byte[32]);

        var (set, problems) = Build(jwk, TestKeys.Ec("good"));

        Assert.Equal(["good"], set.All.Select(k => k.KeyId));
        var problem = Assert.Single(problems);
        Assert.Contains("leak", problem, StringComparison.Ordinal);
        Assert.Contains("private key material", problem, StringComparison.Ordinal);
    }

    [Fact]
    public void Build_DuplicateKid_KeepsFirstWithProblem()
    {
        var first = TestKeys.Ec("same");
        var second = TestKeys.Ec("same");

        var (set, problems) = Build(first, second);

        var key = Assert.Single(set.All);
        Assert.Same(key, set.ByKeyId["same"]);
        Assert.Equal(Build(first).Set.All[0].Fingerprint, key.Fingerprint);
        var problem = Assert.Single(problems);
        Assert.Contains("duplicate kid", problem, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("enc", true)]
    [InlineData("ENC", true)]
    [InlineData("sig", false)]
    [InlineData("", false)]
    public void Build_KeyUse_OnlySignatureKeysAreKept(string use, bool ignored)
    {
        var jwk = TestKeys.Ec("k");
        jwk.Use = use;

        var (set, problems) = Build(jwk);

        Assert.Empty(problems);
        Assert.Equal(ignored ? 0 : 1, set.All.Length);
    }

    [Theory]
    [InlineData("symmetric key", "oct")]
    [InlineData("unknown type", "XYZ")]
    [InlineData("lower-case rsa", "rsa")]
    public void Build_UnsupportedKty_IsReported(string name, string kty)
    {
        _ = name;
        var jwk = new JsonWebKey { Kty = kty, Kid = "odd", K = Base64UrlEncoder.Encode(new byte[32]) };

        var (set, problems) = Build(jwk);

        Assert.Empty(set.All);
        var problem = Assert.Single(problems);
        Assert.Equal($"key odd: unsupported kty '{kty}'", problem);
    }

    [Fact]
    public void Build_KeyWithoutKid_IsKeptAndFoundByFingerprint()
    {
        var (set, problems) = Build(TestKeys.Ec(null));

        Assert.Empty(problems);
        var key = Assert.Single(set.All);
        Assert.Empty(set.ByKeyId);
        Assert.True(set.Contains(null, key.Fingerprint));
        Assert.False(set.Contains(null, "00"));
        Assert.False(set.Contains("any", key.Fingerprint));
    }

    [Theory]
    [InlineData("EC on unsupported curve", "EC", "secp256k1", "EC key needs crv")]
    [InlineData("EC without y", "EC", "P-256-no-y", "EC key needs crv")]
    [InlineData("EC point not on curve", "EC", "P-256-bad-point", "invalid key material")]
    [InlineData("OKP on X25519", "OKP", "X25519", "only OKP keys on Ed25519")]
    [InlineData("OKP with short x", "OKP", "Ed25519-short", "invalid key material")]
    [InlineData("RSA without e", "RSA", "no-e", "RSA key without n or e")]
    public void Build_BadKeyMaterial_IsDroppedWithProblem(string name, string kty, string variant, string messagePart)
    {
        _ = name;
        var jwk = kty switch
        {
            "EC" => TestKeys.Ec("bad"),
            "OKP" => TestKeys.Ed25519("bad"),
            _ => TestKeys.Rsa("bad"),
        };
        switch (variant)
        {
            case "secp256k1":
            case "X25519":
                jwk.Crv = variant;
                break;
            case "P-256-no-y":
                jwk.Y = null;
                break;
            case "P-256-bad-point":
                jwk.Y = jwk.X;
                break;
            case "Ed25519-short":
                jwk.X = Base64UrlEncoder.Encode(new byte[16]);
                break;
            case "no-e":
                jwk.E = null;
                break;
        }

        var (set, problems) = Build(jwk, TestKeys.Ec("good"));

        Assert.Equal(["good"], set.All.Select(k => k.KeyId));
        var problem = Assert.Single(problems);
        Assert.StartsWith("key bad: ", problem, StringComparison.Ordinal);
        Assert.Contains(messagePart, problem, StringComparison.Ordinal);
    }

    [Fact]
    public void Build_SameKeyMaterial_GivesSameFingerprint()
    {
        var jwk = TestKeys.Ec("k");

        var a = Build(jwk).Set.All[0].Fingerprint;
        var b = Build(jwk).Set.All[0].Fingerprint;
        var other = Build(TestKeys.Ec("k")).Set.All[0].Fingerprint;

        Assert.Equal(a, b);
        Assert.NotEqual(a, other);
    }

    [Fact]
    public void Contains_KnownKidWithOtherFingerprint_ReturnsFalse()
    {
        var (set, _) = Build(TestKeys.Ec("k"));
        var otherFingerprint = Build(TestKeys.Ec("k")).Set.All[0].Fingerprint;

        Assert.True(set.Contains("k", set.All[0].Fingerprint));
        Assert.False(set.Contains("k", otherFingerprint));
        Assert.False(set.Contains("unknown", set.All[0].Fingerprint));
    }

    [Fact]
    public void Build_EmptySet_HasNoKeysAndNoProblems()
    {
        var (set, problems) = Build();

        Assert.Empty(set.All);
        Assert.Empty(set.ByKeyId);
        Assert.Empty(problems);
    }
}

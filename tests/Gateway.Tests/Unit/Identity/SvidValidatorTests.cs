using System.Buffers.Text;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Gateway.Identity;
using Gateway.Identity.X509;
using Gateway.Tests.Integration;
using Microsoft.Extensions.Time.Testing;
using Spec = Gateway.Tests.Integration.TestCertificates.LeafSpec;

namespace Gateway.Tests.Unit.Identity;

/// <summary>
/// The X.509-SVID rules, one refusal per test. The clock is fixed in 2030 and every certificate is dated around it, so
/// a validator that read the system clock (or let the chain builder do so) would fail every "valid" case.
/// </summary>
public sealed class SvidValidatorTests
{
    private const string TdA = "a.example";
    private const string TdB = "b.example";
    private const string IdA = "spiffe://a.example/ns/shop/sa/frontend";
    private const string IdB = "spiffe://b.example/ns/batch/sa/worker";

    private static readonly DateTimeOffset Now = new(2030, 1, 2, 3, 4, 5, TimeSpan.Zero);

    private readonly FakeTimeProvider _time = new(Now);
    private readonly SvidValidator _validator;
    private readonly X509Certificate2 _rootA = Root(TdA);
    private readonly X509Certificate2 _rootB = Root(TdB);
    private readonly TrustBundleSet _bundles;

    public SvidValidatorTests()
    {
        _validator = new SvidValidator(_time);
        _bundles = Set(Bundle(TdA, _rootA), Bundle(TdB, _rootB));
    }

    private static X509Certificate2 Root(string td, string? subject = null)
        => TestCertificates.CreateRootCa(td, Now.AddDays(-30), Now.AddDays(365), subject: subject);

    private static X509Certificate2 Intermediate(X509Certificate2 issuer, string td, DateTimeOffset? notAfter = null)
        => TestCertificates.CreateIntermediateCa(issuer, td, Now.AddDays(-1), notAfter ?? Now.AddDays(30));

    /// <summary>A leaf dated around <see cref="Now"/> unless the spec says otherwise.</summary>
    private static X509Certificate2 Leaf(X509Certificate2? issuer, Spec spec)
        => TestCertificates.CreateLeaf(issuer, spec with
        {
            NotBefore = spec.NotBefore ?? Now.AddMinutes(-5),
            NotAfter = spec.NotAfter ?? Now.AddHours(1),
        });

    private static Spec Svid(string id) => TestCertificates.Svid(id);

    /// <summary>A bundle as the loader makes it: public certificates only, roots = the self-signed ones.</summary>
    private static TrustBundle Bundle(string td, params X509Certificate2[] cas)
    {
        var roots = new List<X509Certificate2>();
        var intermediates = new List<X509Certificate2>();
        foreach (var ca in cas)
        {
            var pub = X509CertificateLoader.LoadCertificate(ca.RawData);
            (pub.SubjectName.RawData.AsSpan().SequenceEqual(pub.IssuerName.RawData) ? roots : intermediates).Add(pub);
        }

        return new TrustBundle(td, td + ".pem", [.. roots], [.. intermediates]);
    }

    private static TrustBundleSet Set(params TrustBundle[] bundles) => new(bundles, revision: 1);

    private AuthFailure Failure(X509Certificate2 leaf) => _validator.Validate(leaf, _bundles).Failure;

    // ---- valid ----

    [Fact]
    public void Validate_SvidIssuedByRoot_Valid()
    {
        using var leaf = Leaf(_rootA, Svid(IdA));

        var result = _validator.Validate(leaf, _bundles);

        Assert.Equal(AuthFailure.None, result.Failure);
        Assert.True(result.IsValid);
        Assert.Equal(IdA, result.Id.ToString());
        Assert.Equal(TdA, result.Id.TrustDomain);
        Assert.Equal(Base64Url.EncodeToString(leaf.GetCertHash(HashAlgorithmName.SHA256)), result.ThumbprintS256);
        Assert.Equal(43, result.ThumbprintS256.Length); // 32 bytes, base64url without padding
        Assert.Equal(Now.AddHours(1), result.NotAfter);
    }

    [Fact]
    public void Validate_SvidIssuedByIntermediateInBundle_Valid()
    {
        using var intermediate = Intermediate(_rootA, TdA);
        using var leaf = Leaf(intermediate, Svid(IdA));
        var bundles = Set(Bundle(TdA, _rootA, intermediate));

        Assert.Equal(AuthFailure.None, _validator.Validate(leaf, bundles).Failure);
    }

    [Fact]
    public void Validate_IntermediateExpiresBeforeLeaf_ResultExpiresWithTheIntermediate()
    {
        // A cached per-connection result must not outlive a CA of its chain.
        using var intermediate = Intermediate(_rootA, TdA, notAfter: Now.AddMinutes(30));
        using var leaf = Leaf(intermediate, Svid(IdA) with { NotAfter = Now.AddHours(12) });
        var bundles = Set(Bundle(TdA, _rootA, intermediate));

        var result = _validator.Validate(leaf, bundles);

        Assert.Equal(AuthFailure.None, result.Failure);
        Assert.Equal(Now.AddMinutes(30), result.NotAfter);
    }

    [Fact]
    public void Validate_SvidIssuedByIntermediateNotInBundle_Untrusted()
    {
        using var intermediate = Intermediate(_rootA, TdA);
        using var leaf = Leaf(intermediate, Svid(IdA));

        Assert.Equal(AuthFailure.CertificateUntrusted, Failure(leaf));
    }

    [Fact]
    public void Validate_IntermediatePresentedByPeer_Valid()
    {
        using var intermediate = Intermediate(_rootA, TdA);
        using var leaf = Leaf(intermediate, Svid(IdA));
        using var presented = X509CertificateLoader.LoadCertificate(intermediate.RawData);

        Assert.Equal(AuthFailure.None, _validator.Validate(leaf, _bundles, [presented]).Failure);
    }

    [Fact]
    public void Validate_RootPresentedByPeerButNotInBundle_Untrusted()
    {
        // The peer sends its own root with the leaf: a presented certificate completes a path, it never anchors one.
        using var rogueRoot = Root(TdA, "CN=rogue root");
        using var leaf = Leaf(rogueRoot, Svid(IdA));
        using var presented = X509CertificateLoader.LoadCertificate(rogueRoot.RawData);

        Assert.Equal(AuthFailure.CertificateUntrusted, _validator.Validate(leaf, _bundles, [presented]).Failure);
    }

    [Theory]
    [InlineData(nameof(TestCertificates.KeyKind.EcdsaP384))]
    [InlineData(nameof(TestCertificates.KeyKind.Rsa2048))]
    public void Validate_OtherLeafKeyAlgorithms_Valid(string key)
    {
        using var leaf = Leaf(_rootA, Svid(IdA) with { Key = Enum.Parse<TestCertificates.KeyKind>(key) });

        Assert.Equal(AuthFailure.None, Failure(leaf));
    }

    [Fact]
    public void Validate_NoExtendedKeyUsage_Valid()
    {
        using var leaf = Leaf(_rootA, Svid(IdA) with { ExtendedKeyUsages = null });

        Assert.Equal(AuthFailure.None, Failure(leaf));
    }

    [Fact]
    public void Validate_ClientAuthOnlyAndExtraKeyUsages_Valid()
    {
        using var leaf = Leaf(_rootA, Svid(IdA) with
        {
            ExtendedKeyUsages = [TestCertificates.ClientAuth],
            KeyUsage = X509KeyUsageFlags.DigitalSignature | X509KeyUsageFlags.KeyEncipherment | X509KeyUsageFlags.KeyAgreement,
        });

        Assert.Equal(AuthFailure.None, Failure(leaf));
    }

    [Fact]
    public void Validate_DnsSanBesideTheOneUri_Valid()
    {
        using var leaf = Leaf(_rootA, Svid(IdA) with { DnsNames = ["frontend.shop.svc"] });

        Assert.Equal(AuthFailure.None, Failure(leaf));
    }

    [Fact]
    public void Validate_NoBasicConstraintsExtension_TreatedAsLeafAndValid()
    {
        using var leaf = Leaf(_rootA, Svid(IdA) with { OmitBasicConstraints = true });

        Assert.Equal(AuthFailure.None, Failure(leaf));
    }

    // ---- trust ----

    [Fact]
    public void Validate_IdOfDomainAIssuedByCaOfDomainB_Untrusted()
    {
        // B's CA is trusted, but only for B: it cannot vouch for a workload of A.
        using var leaf = Leaf(_rootB, Svid(IdA));

        Assert.Equal(AuthFailure.CertificateUntrusted, Failure(leaf));
    }

    [Fact]
    public void Validate_IdOfDomainBIssuedByCaOfDomainA_Untrusted()
    {
        using var leaf = Leaf(_rootA, Svid(IdB));

        Assert.Equal(AuthFailure.CertificateUntrusted, Failure(leaf));
    }

    [Fact]
    public void Validate_IdOfDomainAIssuedByIntermediateOfDomainB_Untrusted()
    {
        using var intermediateB = Intermediate(_rootB, TdB);
        using var leaf = Leaf(intermediateB, Svid(IdA));
        var bundles = Set(Bundle(TdA, _rootA), Bundle(TdB, _rootB, intermediateB));

        Assert.Equal(AuthFailure.CertificateUntrusted, _validator.Validate(leaf, bundles).Failure);
    }

    [Fact]
    public void Validate_SelfSignedLeaf_Untrusted()
    {
        using var leaf = Leaf(null, Svid(IdA));

        Assert.Equal(AuthFailure.CertificateUntrusted, Failure(leaf));
    }

    [Fact]
    public void Validate_IssuerWithSameNameAsBundleRootButOtherKey_Untrusted()
    {
        // A forger copies the root's subject name; the signature still has to verify with the bundle root's key.
        using var forged = Root(TdA, _rootA.Subject);
        Assert.Equal(_rootA.SubjectName.Name, forged.SubjectName.Name);
        using var leaf = Leaf(forged, Svid(IdA));

        Assert.Equal(AuthFailure.CertificateUntrusted, Failure(leaf));
    }

    [Fact]
    public void Validate_IntermediateExpired_Untrusted()
    {
        using var intermediate = Intermediate(_rootA, TdA, notAfter: Now.AddMinutes(-1));
        using var leaf = Leaf(intermediate, Svid(IdA));
        var bundles = Set(Bundle(TdA, _rootA, intermediate));

        Assert.Equal(AuthFailure.CertificateUntrusted, _validator.Validate(leaf, bundles).Failure);
    }

    [Fact]
    public void Validate_IntermediateRestrictedToServerAuth_Untrusted()
    {
        // An EKU on a CA constrains what it may issue: clientAuth is checked along the whole path.
        using var intermediate = TestCertificates.CreateLeaf(_rootA, new Spec
        {
            Subject = "CN=server-only CA",
            IsCa = true,
            KeyUsage = X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.DigitalSignature,
            ExtendedKeyUsages = [TestCertificates.ServerAuth],
            NotBefore = Now.AddDays(-1),
            NotAfter = Now.AddDays(30),
        });
        using var leaf = Leaf(intermediate, Svid(IdA));
        var bundles = Set(Bundle(TdA, _rootA, intermediate));

        Assert.Equal(AuthFailure.CertificateUntrusted, _validator.Validate(leaf, bundles).Failure);
    }

    [Fact]
    public void Validate_TrustDomainWithoutBundle_TrustDomainUnknown()
    {
        using var rootC = Root("c.example");
        using var leaf = Leaf(rootC, Svid("spiffe://c.example/workload"));

        Assert.Equal(AuthFailure.CertificateTrustDomainUnknown, Failure(leaf));
    }

    [Fact]
    public void Validate_EmptyBundleSet_TrustDomainUnknown()
    {
        using var leaf = Leaf(_rootA, Svid(IdA));

        Assert.Equal(AuthFailure.CertificateTrustDomainUnknown, _validator.Validate(leaf, TrustBundleSet.Empty).Failure);
    }

    [Fact]
    public void CreatePolicy_TrustsOnlyTheBundleRoots_NeverSystemRootsOrNetwork()
    {
        using var intermediate = Intermediate(_rootA, TdA);
        var bundle = Bundle(TdA, _rootA, intermediate);

        var policy = SvidValidator.CreatePolicy(bundle, Now);

        Assert.Equal(X509ChainTrustMode.CustomRootTrust, policy.TrustMode);
        Assert.Equal(X509RevocationMode.NoCheck, policy.RevocationMode);
        Assert.True(policy.DisableCertificateDownloads);
        Assert.False(policy.VerificationTimeIgnored);
        Assert.Equal(Now.UtcDateTime, policy.VerificationTime.ToUniversalTime());
        Assert.Equal(X509VerificationFlags.NoFlag, policy.VerificationFlags);
        Assert.Equal(_rootA.Thumbprint, Assert.Single(policy.CustomTrustStore).Thumbprint);
        Assert.Equal(intermediate.Thumbprint, Assert.Single(policy.ExtraStore).Thumbprint);
        Assert.Equal([TestCertificates.ClientAuth], policy.ApplicationPolicy.Cast<Oid>().Select(o => o.Value));
    }

    [Fact]
    public void Validate_SystemRootIsNotAnAnchor_EvenWhenPresented()
    {
        // A system root (if this machine has any) presented as a client certificate or beside one never helps:
        // it is not an SVID, and as an extra certificate it cannot anchor a chain for a trust domain.
        using var store = new X509Store(StoreName.Root, StoreLocation.LocalMachine);
        store.Open(OpenFlags.ReadOnly | OpenFlags.OpenExistingOnly);
        var systemRoots = store.Certificates;
        try
        {
            using var leaf = Leaf(null, Svid(IdA)); // self-signed: only an anchor could make it pass
            var presented = new List<X509Certificate2>();
            foreach (var root in systemRoots)
            {
                Assert.Equal(AuthFailure.CertificateNotSvid, _validator.Validate(root, _bundles).Failure);
                presented.Add(root);
            }

            Assert.Equal(AuthFailure.CertificateUntrusted, _validator.Validate(leaf, _bundles, presented).Failure);
        }
        finally
        {
            foreach (var root in systemRoots)
            {
                root.Dispose();
            }
        }
    }

    // ---- not an SVID ----

    public static TheoryData<string, string[]> NotSvidUris => new()
    {
        { "no URI SAN (DNS only)", [] },
        { "two SPIFFE ids", [IdA, "spiffe://a.example/ns/shop/sa/other"] },
        { "a SPIFFE id and an https URI", [IdA, "https://a.example/x"] },
        { "an https URI", ["https://a.example/ns/shop/sa/frontend"] },
        { "SPIFFE id without path", ["spiffe://a.example"] },
        { "SPIFFE id with a bare slash", ["spiffe://a.example/"] },
        { "upper-case trust domain", ["spiffe://A.example/ns/shop"] },
        { "upper-case scheme", ["SPIFFE://a.example/ns/shop"] },
        { "dot-dot segment", ["spiffe://a.example/ns/../admin"] },
        { "empty segment", ["spiffe://a.example/ns//shop"] },
        { "query", ["spiffe://a.example/ns/shop?x=1"] },
        { "port", ["spiffe://a.example:443/ns/shop"] },
        { "user info", ["spiffe://user@a.example/ns/shop"] },
        { "empty URI", [""] },
    };

    [Theory]
    [MemberData(nameof(NotSvidUris))]
    public void Validate_UriSanNotExactlyOneSpiffeIdWithPath_NotSvid(string name, string[] uris)
    {
        using var leaf = Leaf(_rootA, new Spec { Uris = uris, DnsNames = ["frontend.shop.svc"] });

        Assert.True(AuthFailure.CertificateNotSvid == Failure(leaf), name);
    }

    [Fact]
    public void Validate_NoSanExtension_NotSvid()
    {
        using var leaf = Leaf(_rootA, new Spec());

        Assert.Equal(AuthFailure.CertificateNotSvid, Failure(leaf));
    }

    [Fact]
    public void Validate_BundleRootPresentedAsClient_NotSvid()
    {
        // The root carries spiffe://a.example (no path): a trust domain is not a workload.
        Assert.Equal(AuthFailure.CertificateNotSvid, Failure(_rootA));
    }

    // ---- CA, key usage ----

    [Fact]
    public void Validate_CaCertificateWithWorkloadId_CertificateIsCa()
    {
        using var ca = Leaf(_rootA, Svid(IdA) with
        {
            IsCa = true,
            KeyUsage = X509KeyUsageFlags.DigitalSignature,
        });

        Assert.Equal(AuthFailure.CertificateIsCa, Failure(ca));
    }

    [Fact]
    public void Validate_IntermediateCaWithWorkloadId_CertificateIsCa()
    {
        using var ca = Leaf(_rootA, Svid(IdA) with
        {
            IsCa = true,
            KeyUsage = X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.DigitalSignature,
        });

        Assert.Equal(AuthFailure.CertificateIsCa, Failure(ca));
    }

    public static TheoryData<string, X509KeyUsageFlags?, string[]?> BadKeyUsages => new()
    {
        { "no keyUsage extension", null, [TestCertificates.ClientAuth] },
        { "keyEncipherment without digitalSignature", X509KeyUsageFlags.KeyEncipherment, [TestCertificates.ClientAuth] },
        { "keyCertSign", X509KeyUsageFlags.DigitalSignature | X509KeyUsageFlags.KeyCertSign, [TestCertificates.ClientAuth] },
        { "cRLSign", X509KeyUsageFlags.DigitalSignature | X509KeyUsageFlags.CrlSign, [TestCertificates.ClientAuth] },
        { "extendedKeyUsage serverAuth only", X509KeyUsageFlags.DigitalSignature, [TestCertificates.ServerAuth] },
        { "extendedKeyUsage codeSigning only", X509KeyUsageFlags.DigitalSignature, ["1.3.6.1.5.5.7.3.3"] },
        { "extendedKeyUsage anyExtendedKeyUsage only", X509KeyUsageFlags.DigitalSignature, ["2.5.29.37.0"] },
    };

    [Theory]
    [MemberData(nameof(BadKeyUsages))]
    public void Validate_KeyUsageNotForClientAuth_CertificateKeyUsage(string name, X509KeyUsageFlags? usage, string[]? ekus)
    {
        using var leaf = Leaf(_rootA, Svid(IdA) with { KeyUsage = usage, ExtendedKeyUsages = ekus });

        Assert.True(AuthFailure.CertificateKeyUsage == Failure(leaf), name);
    }

    // ---- dates ----

    [Fact]
    public void Validate_Expired_CertificateExpired()
    {
        using var leaf = Leaf(_rootA, Svid(IdA) with { NotBefore = Now.AddHours(-2), NotAfter = Now.AddSeconds(-1) });

        Assert.Equal(AuthFailure.CertificateExpired, Failure(leaf));
    }

    [Fact]
    public void Validate_NotYetValid_CertificateNotYetValid()
    {
        using var leaf = Leaf(_rootA, Svid(IdA) with { NotBefore = Now.AddMinutes(1), NotAfter = Now.AddHours(1) });

        Assert.Equal(AuthFailure.CertificateNotYetValid, Failure(leaf));
    }

    [Fact]
    public void Validate_ClockMovesPastNotAfter_CertificateExpired()
    {
        using var leaf = Leaf(_rootA, Svid(IdA));
        Assert.Equal(AuthFailure.None, Failure(leaf));

        _time.Advance(TimeSpan.FromHours(1) + TimeSpan.FromSeconds(1));

        Assert.Equal(AuthFailure.CertificateExpired, Failure(leaf));
    }

    // ---- order and robustness ----

    [Fact]
    public void Validate_SeveralProblems_CheapestCheckReported()
    {
        // Not an SVID, a CA and expired, from an unknown CA: the SAN check comes first.
        using var notSvidCa = Leaf(null, new Spec { IsCa = true, NotBefore = Now.AddDays(-2), NotAfter = Now.AddDays(-1) });
        Assert.Equal(AuthFailure.CertificateNotSvid, Failure(notSvidCa));

        // Expired and from another trust domain's CA: the dates come before the (costly) chain.
        using var expiredForeign = Leaf(_rootB, Svid(IdA) with { NotBefore = Now.AddDays(-2), NotAfter = Now.AddDays(-1) });
        Assert.Equal(AuthFailure.CertificateExpired, Failure(expiredForeign));
    }

    [Fact]
    public void Validate_Repeated_BundleAndLeafStayUsable()
    {
        // The chain's element certificates are disposed after each build: never the caller's leaf nor the bundle's roots.
        using var leaf = Leaf(_rootA, Svid(IdA));
        for (var i = 0; i < 3; i++)
        {
            Assert.Equal(AuthFailure.None, Failure(leaf));
        }

        Assert.True(leaf.HasPrivateKey);
        Assert.NotEmpty(leaf.RawData);
        Assert.True(_bundles.TryGetBundle(TdA, out var bundle));
        Assert.NotEmpty(bundle.Roots[0].RawData);
        Assert.Equal(_rootA.Thumbprint, bundle.Roots[0].Thumbprint);
    }

    [Fact]
    public void Validate_Concurrently_SameOutcomes()
    {
        using var good = Leaf(_rootA, Svid(IdA));
        using var foreign = Leaf(_rootB, Svid(IdA));
        var failures = new AuthFailure[64];

        Parallel.For(0, failures.Length, i => failures[i] = Failure(i % 2 == 0 ? good : foreign));

        for (var i = 0; i < failures.Length; i++)
        {
            Assert.Equal(i % 2 == 0 ? AuthFailure.None : AuthFailure.CertificateUntrusted, failures[i]);
        }
    }

    [Fact]
    public void ThumbprintS256_IsBase64UrlSha256OfDer()
    {
        using var leaf = Leaf(_rootA, Svid(IdA));
        var expected = Convert.ToBase64String(SHA256.HashData(leaf.RawData)).TrimEnd('=').Replace('+', '-').Replace('/', '_');

        Assert.Equal(expected, SvidValidator.ThumbprintS256(leaf));
    }

    [Fact]
    public void Fail_WithNone_Throws()
    {
        Assert.Throws<ArgumentException>(() => SvidResult.Fail(AuthFailure.None));
        var failed = SvidResult.Fail(AuthFailure.CertificateUntrusted);
        Assert.False(failed.IsValid);
        Assert.Null(failed.ThumbprintS256);
        Assert.Equal(default, failed.Id);
    }
}

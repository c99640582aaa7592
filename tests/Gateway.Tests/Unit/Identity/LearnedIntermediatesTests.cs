using System.Security.Cryptography.X509Certificates;
using Gateway.Identity.X509;
using Gateway.Pipeline;
using Gateway.Tests.Integration;

namespace Gateway.Tests.Unit.Identity;

public sealed class LearnedIntermediatesTests
{
    private static readonly X509Certificate2 Root = TestCertificates.CreateRootCa("example.org");

    private static X509Certificate2 Intermediate() => TestCertificates.CreateIntermediateCa(Root, "example.org");

    [Fact]
    public void For_NothingLearned_Null()
        => Assert.Null(new LearnedIntermediates().For(1));

    [Fact]
    public void Learn_KeptForItsBundleRevisionOnly()
    {
        var learned = new LearnedIntermediates();
        var a = Intermediate();
        learned.Learn(7, "example.org", [a]);
        Assert.Same(a, Assert.Single(learned.For(7)!));
        Assert.Null(learned.For(8));

        // A new bundle revision starts from nothing: what was learned under the old bundle is forgotten.
        var b = Intermediate();
        learned.Learn(8, "example.org", [b]);
        Assert.Same(b, Assert.Single(learned.For(8)!));
        Assert.Null(learned.For(7));
    }

    [Fact]
    public void Learn_FromAnOlderRevision_Ignored()
    {
        // A validation that read the bundle before a reload and finishes after it must not bring the old set back.
        var learned = new LearnedIntermediates();
        var current = Intermediate();
        learned.Learn(8, "example.org", [current]);
        learned.Learn(7, "example.org", [Intermediate()]);
        Assert.Same(current, Assert.Single(learned.For(8)!));
    }

    [Fact]
    public void Learn_SameCertificateTwice_KeptOnce()
    {
        var learned = new LearnedIntermediates();
        var a = Intermediate();
        learned.Learn(1, "example.org", [a]);
        learned.Learn(1, "example.org", [X509CertificateLoader.LoadCertificate(a.RawData)]);
        Assert.Single(learned.For(1)!);
    }

    [Fact]
    public void Learn_BeyondCapacity_OldestOfThatTrustDomainDropped_OthersKept()
    {
        var learned = new LearnedIntermediates();
        var mine = Intermediate();
        learned.Learn(1, "example.org", [mine]);
        var theirs = Enumerable.Range(0, LearnedIntermediates.CapacityPerTrustDomain + 3).Select(_ => Intermediate()).ToArray();
        foreach (var c in theirs)
        {
            learned.Learn(1, "other.org", [c]);
        }

        var kept = learned.For(1, "other.org");
        Assert.Equal(LearnedIntermediates.CapacityPerTrustDomain, kept.Count);
        Assert.DoesNotContain(theirs[0], kept);
        Assert.Contains(theirs[^1], kept);
        Assert.Same(mine, Assert.Single(learned.For(1, "example.org")));
        Assert.Equal(LearnedIntermediates.CapacityPerTrustDomain + 1, learned.For(1)!.Count);
    }

    [Fact]
    public void CapturePresented_KeepsTheBytesWithoutTheLeaf_AtMostFour()
    {
        var state = new TlsConnectionState("required");
        var leaf = TestCertificates.CreateSvid(Root, "spiffe://example.org/ns/a/sa/b");
        using var chain = new X509Chain();
        chain.ChainPolicy.ExtraStore.Add(leaf);
        var sent = Enumerable.Range(0, 6).Select(_ => Intermediate()).ToArray();
        chain.ChainPolicy.ExtraStore.AddRange(sent);

        state.CapturePresented(leaf, chain);

        var kept = state.PresentedIntermediates!;
        Assert.Equal(TlsConnectionState.MaxPresentedIntermediates, kept.Count);
        Assert.DoesNotContain(kept, raw => raw.AsSpan().SequenceEqual(leaf.RawData));
        Assert.Equal(sent.Take(4).Select(c => Convert.ToHexString(c.RawData)), kept.Select(Convert.ToHexString));
    }

    [Fact]
    public void CapturePresented_AtMost16KiB()
    {
        var state = new TlsConnectionState("required");
        var leaf = TestCertificates.CreateSvid(Root, "spiffe://example.org/ns/a/sa/b");
        using var chain = new X509Chain();
        var big = TestCertificates.CreateLeaf(Root, new TestCertificates.LeafSpec
        {
            IsCa = true,
            KeyUsage = X509KeyUsageFlags.KeyCertSign,
            DnsNames = Enumerable.Range(0, 400).Select(i => $"host-{i}.padding.example.org").ToArray(),
        });
        Assert.True(big.RawData.Length > TlsConnectionState.MaxPresentedBytes / 2);
        chain.ChainPolicy.ExtraStore.AddRange(new[] { big, big, big });

        state.CapturePresented(leaf, chain);

        Assert.True(state.PresentedIntermediates!.Sum(r => r.Length) <= TlsConnectionState.MaxPresentedBytes);
    }

    [Fact]
    public void CapturePresented_NothingSent_Null()
    {
        var state = new TlsConnectionState("optional");
        using var chain = new X509Chain();
        state.CapturePresented(TestCertificates.CreateSvid(Root, "spiffe://example.org/ns/a/sa/b"), chain);
        state.CapturePresented(null, null);
        Assert.Null(state.PresentedIntermediates);
    }
}

/// <summary>Chain candidates from outside the bundle against one root shared by two trust domains' bundles.</summary>
public sealed class SharedRootChainTests
{
    private static X509Certificate2 Public(X509Certificate2 c) => X509CertificateLoader.LoadCertificate(c.RawData);

    private readonly X509Certificate2 _upstream = TestCertificates.CreateRootCa("corp", subject: "CN=corporate upstream root");

    [Fact]
    public void OtherDomainsIntermediate_Presented_DoesNotVouchForThisDomain()
    {
        // One corporate root above two SPIRE servers; each bundle holds the root and its own SPIRE CA. Whoever holds
        // b.example's CA key must not mint a.example identities by sending b.example's CA in the handshake.
        var intA = TestCertificates.CreateIntermediateCa(_upstream, "a.example");
        var intB = TestCertificates.CreateIntermediateCa(_upstream, "b.example");
        var bundles = new TrustBundleSet([
            new TrustBundle("a.example", "a.pem", [Public(_upstream)], [Public(intA)]),
            new TrustBundle("b.example", "b.pem", [Public(_upstream)], [Public(intB)]),
        ], revision: 1);
        var forged = TestCertificates.CreateSvid(intB, "spiffe://a.example/ns/admin/sa/root");
        var validator = new SvidValidator(TimeProvider.System);

        Assert.Equal(Gateway.Identity.AuthFailure.CertificateUntrusted, validator.Validate(forged, bundles).Failure);
        Assert.Equal(Gateway.Identity.AuthFailure.CertificateUntrusted, validator.Validate(forged, bundles, [Public(intB)]).Failure);

        // b.example's own workloads are fine, and a.example's through its bundle's CA.
        Assert.True(validator.Validate(TestCertificates.CreateSvid(intB, "spiffe://b.example/ns/x/sa/y"), bundles).IsValid);
        Assert.True(validator.Validate(TestCertificates.CreateSvid(intA, "spiffe://a.example/ns/x/sa/y"), bundles).IsValid);
    }

    [Fact]
    public void ThisDomainsIntermediate_Presented_CompletesTheChain_AndIsReportedAsUsed()
    {
        var intA = TestCertificates.CreateIntermediateCa(_upstream, "a.example");
        var bundles = new TrustBundleSet([new TrustBundle("a.example", "a.pem", [Public(_upstream)], [])], revision: 1);
        var leaf = TestCertificates.CreateSvid(intA, "spiffe://a.example/ns/x/sa/y");
        var validator = new SvidValidator(TimeProvider.System);
        var presented = Public(intA);
        var other = Public(TestCertificates.CreateIntermediateCa(_upstream, "a.example"));

        Assert.Equal(Gateway.Identity.AuthFailure.CertificateUntrusted, validator.Validate(leaf, bundles).Failure);
        var result = validator.Validate(leaf, bundles, [other, presented]);
        Assert.True(result.IsValid);
        Assert.Same(presented, Assert.Single(result.CandidatesUsed!));
    }

    [Theory]
    [InlineData("spiffe://a.example", true)]
    [InlineData("spiffe://a.example/", true)]
    [InlineData("spiffe://a.example/ns/x", false)]
    [InlineData("spiffe://b.example", false)]
    [InlineData("spiffe://a.example.evil", false)]
    [InlineData("https://a.example", false)]
    public void Candidate_CountsOnlyWhenItNamesTheTrustDomain(string uri, bool counts)
    {
        using var key = System.Security.Cryptography.ECDsa.Create(System.Security.Cryptography.ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest("CN=candidate CA", key, System.Security.Cryptography.HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        request.CertificateExtensions.Add(TestCertificates.SubjectAltName([uri]));
        using var ca = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddHours(-1), DateTimeOffset.UtcNow.AddHours(1));

        var kept = SvidValidator.OfTrustDomain([ca], "a.example");

        Assert.Equal(counts, kept is { Count: 1 });
    }
}

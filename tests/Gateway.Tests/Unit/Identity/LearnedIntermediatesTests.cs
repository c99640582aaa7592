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
        learned.Learn(7, [a]);
        Assert.Same(a, Assert.Single(learned.For(7)!));
        Assert.Null(learned.For(8));

        // A new bundle revision starts from nothing: what was learned under the old bundle is forgotten.
        var b = Intermediate();
        learned.Learn(8, [b]);
        Assert.Same(b, Assert.Single(learned.For(8)!));
        Assert.Null(learned.For(7));
    }

    [Fact]
    public void Learn_SameCertificateTwice_KeptOnce()
    {
        var learned = new LearnedIntermediates();
        var a = Intermediate();
        learned.Learn(1, [a]);
        learned.Learn(1, [X509CertificateLoader.LoadCertificate(a.RawData)]);
        Assert.Single(learned.For(1)!);
    }

    [Fact]
    public void Learn_BeyondCapacity_OldestDropped()
    {
        var learned = new LearnedIntermediates();
        var all = Enumerable.Range(0, LearnedIntermediates.Capacity + 3).Select(_ => Intermediate()).ToArray();
        foreach (var c in all)
        {
            learned.Learn(1, [c]);
        }

        var kept = learned.For(1)!;
        Assert.Equal(LearnedIntermediates.Capacity, kept.Count);
        Assert.DoesNotContain(all[0], kept);
        Assert.Contains(all[^1], kept);
    }

    [Fact]
    public void CapturePresented_KeepsCopiesWithoutTheLeaf_AtMostFour()
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
        Assert.DoesNotContain(kept, c => c.RawData.AsSpan().SequenceEqual(leaf.RawData));
        Assert.All(kept, c => Assert.DoesNotContain(sent, s => ReferenceEquals(s, c))); // copies: the handshake disposes its own
        Assert.Equal(sent.Take(4).Select(c => c.Thumbprint), kept.Select(c => c.Thumbprint));
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

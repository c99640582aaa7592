using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using Gateway.Configuration;
using Gateway.Identity.X509;
using Gateway.Tests.Integration;
using Microsoft.Extensions.Time.Testing;

namespace Gateway.Tests.Unit.Identity;

public sealed class TrustBundleLoaderTests : IDisposable
{
    private static readonly DateTimeOffset Now = new(2030, 1, 2, 3, 4, 5, TimeSpan.Zero);

    private readonly FakeTimeProvider _time = new(Now);
    private readonly TrustBundleFolder _folder = new();
    private readonly X509Certificate2 _rootA = Root("a.example");
    private readonly X509Certificate2 _rootB = Root("b.example");

    public void Dispose() => _folder.Dispose();

    private static X509Certificate2 Root(string td, DateTimeOffset? notAfter = null)
        => TestCertificates.CreateRootCa(td, Now.AddDays(-30), notAfter ?? Now.AddDays(365));

    private static TrustBundleOptions Bundle(string td, string file) => TrustBundleFolder.Bundle(td, file);

    private static int Lines(string text) => text.Count(c => c == '\n');

    private static ConfigDiagnostic Single(IReadOnlyList<ConfigDiagnostic> diags, string containing)
        => Assert.Single(diags, d => d.Message.Contains(containing, StringComparison.Ordinal));

    [Fact]
    public void Load_RootAndIntermediate_SplitIntoRootsAndIntermediates()
    {
        using var intermediate = TestCertificates.CreateIntermediateCa(_rootA, "a.example", Now.AddDays(-1), Now.AddDays(30));
        _folder.Write("a.pem", "# a.example\n" + TestCertificates.ToPem(intermediate, _rootA));
        _folder.Write("b.pem", TestCertificates.ToPem(_rootB));

        var (set, diags) = _folder.Load(_time, Bundle("a.example", "a.pem"), Bundle("b.example", "b.pem"));

        Assert.Empty(diags);
        Assert.NotNull(set);
        Assert.Equal(1, set.Revision);
        Assert.Equal(2, set.Count);
        Assert.True(set.TryGetBundle("a.example", out var a));
        Assert.Equal(_rootA.Thumbprint, Assert.Single(a.Roots).Thumbprint);
        Assert.Equal(intermediate.Thumbprint, Assert.Single(a.Intermediates).Thumbprint);
        Assert.Equal(_folder.Resolve("a.pem"), a.File);
        Assert.False(a.Roots[0].HasPrivateKey);
        Assert.True(set.TryGetBundle("b.example", out var b));
        Assert.Equal(_rootB.Thumbprint, Assert.Single(b.Roots).Thumbprint);
        Assert.Empty(b.Intermediates);
        Assert.False(set.TryGetBundle("c.example", out _));
    }

    [Fact]
    public void Load_NoBundles_EmptySet()
    {
        var (set, diags) = _folder.Load(_time);

        Assert.Empty(diags);
        Assert.NotNull(set);
        Assert.Equal(0, set.Count);
    }

    [Fact]
    public void Load_CrlfLineEndings_Loads()
    {
        _folder.Write("a.pem", TestCertificates.ToPem(_rootA).Replace("\n", "\r\n", StringComparison.Ordinal));

        var (set, diags) = _folder.Load(_time, Bundle("a.example", "a.pem"));

        Assert.Empty(diags);
        Assert.NotNull(set);
    }

    [Fact]
    public void Load_EveryProblemInOneFile_EachAtItsBeginLine()
    {
        using var leaf = TestCertificates.CreateLeaf(_rootA, TestCertificates.Svid("spiffe://a.example/w") with
        {
            NotBefore = Now.AddMinutes(-5),
            NotAfter = Now.AddHours(1),
        });
        var rootPem = TestCertificates.ToPem(_rootA);
        var text = new StringBuilder()
            .Append("# a.example bundle\n")              // 1
            .Append('\n')                                // 2
            .Append("-----BEGIN CERTIFICATE-----\n")     // 3: invalid base64
            .Append("!!!! not base64 !!!!\n")            // 4
            .Append("-----END CERTIFICATE-----\n")       // 5
            .Append("-----BEGIN PRIVATE KEY-----\n")     // 6: a key
            .Append("c2VjcmV0\n")                        // 7
            .Append("-----END PRIVATE KEY-----\n")       // 8
            .Append(rootPem)                             // 9: fine
            .Append(TestCertificates.ToPem(leaf))        // 9 + lines(root): a leaf
            .ToString();
        var file = _folder.Write("a.pem", text);

        var (set, diags) = _folder.Load(_time, Bundle("a.example", "a.pem"));

        Assert.Null(set);
        Assert.Equal(3, diags.Count);
        Assert.All(diags, d => Assert.False(d.IsWarning));
        Assert.All(diags, d => Assert.Equal(file, d.File));
        Assert.All(diags, d => Assert.Equal(1, d.Column));
        Assert.Equal(3, Single(diags, "unparseable PEM block 'CERTIFICATE'").Line);
        Assert.Equal(6, Single(diags, "private key material").Line);
        Assert.Equal(9 + Lines(rootPem), Single(diags, "is not a CA").Line);
    }

    [Fact]
    public void Load_PrivateKey_ErrorNeverQuotesTheKey()
    {
        var keyPem = TestCertificates.PrivateKeyPem(_rootA);
        _folder.Write("a.pem", TestCertificates.ToPem(_rootA) + keyPem);

        var (set, diags) = _folder.Load(_time, Bundle("a.example", "a.pem"));

        Assert.Null(set);
        var d = Single(diags, "private key material ('PRIVATE KEY')");
        Assert.Contains("bundles are public", d.Message, StringComparison.Ordinal);
        Assert.Equal(1 + Lines(TestCertificates.ToPem(_rootA)), d.Line);
        foreach (var line in keyPem.Split('\n'))
        {
            if (!line.StartsWith("-----", StringComparison.Ordinal) && line.Length > 8)
            {
                Assert.DoesNotContain(line, d.Message, StringComparison.Ordinal);
            }
        }
    }

    [Theory]
    [InlineData("EC PRIVATE KEY")]
    [InlineData("RSA PRIVATE KEY")]
    [InlineData("ENCRYPTED PRIVATE KEY")]
    public void Load_OtherPrivateKeyForms_Error(string label)
    {
        _folder.Write("a.pem", TestCertificates.ToPem(_rootA) + $"-----BEGIN {label}-----\nAAAA\n-----END {label}-----\n");

        var (set, diags) = _folder.Load(_time, Bundle("a.example", "a.pem"));

        Assert.Null(set);
        Single(diags, $"private key material ('{label}')");
    }

    [Fact]
    public void Load_PublicKeyBlock_UnexpectedBlockError()
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        _folder.Write("a.pem", TestCertificates.ToPem(_rootA) + key.ExportSubjectPublicKeyInfoPem() + "\n");

        var (set, diags) = _folder.Load(_time, Bundle("a.example", "a.pem"));

        Assert.Null(set);
        Assert.Equal(1 + Lines(TestCertificates.ToPem(_rootA)), Single(diags, "unexpected PEM block 'PUBLIC KEY'").Line);
    }

    [Fact]
    public void Load_ValidBase64ButNotACertificate_UnparseableCertificate()
    {
        var garbage = Convert.ToBase64String(RandomNumberGenerator.GetBytes(200), Base64FormattingOptions.InsertLineBreaks);
        _folder.Write("a.pem", TestCertificates.ToPem(_rootA) + "-----BEGIN CERTIFICATE-----\n" + garbage + "\n-----END CERTIFICATE-----\n");

        var (set, diags) = _folder.Load(_time, Bundle("a.example", "a.pem"));

        Assert.Null(set);
        Assert.Equal(1 + Lines(TestCertificates.ToPem(_rootA)), Single(diags, "unparseable certificate").Line);
    }

    [Fact]
    public void Load_MissingEndLine_UnparseableBlock()
    {
        var pem = TestCertificates.ToPem(_rootA);
        var cut = pem[..pem.IndexOf("-----END", StringComparison.Ordinal)];
        _folder.Write("a.pem", TestCertificates.ToPem(_rootB) + cut);

        var (set, diags) = _folder.Load(_time, Bundle("a.example", "a.pem"));

        Assert.Null(set);
        Assert.Equal(1 + Lines(TestCertificates.ToPem(_rootB)), Single(diags, "no matching '-----END CERTIFICATE-----'").Line);
    }

    [Theory]
    [InlineData("empty", "")]
    [InlineData("text", "this is not a bundle\n")]
    public void Load_NoCertificate_ErrorAtLine1(string name, string text)
    {
        var file = _folder.Write("a.pem", text);

        var (set, diags) = _folder.Load(_time, Bundle("a.example", "a.pem"));

        Assert.Null(set);
        var d = Assert.Single(diags);
        Assert.True(d.Message.Contains("no certificate", StringComparison.Ordinal), name);
        Assert.Equal((file, 1, 1), (d.File, d.Line, d.Column));
    }

    [Fact]
    public void Load_DerFile_NoCertificateWithHint()
    {
        var file = _folder.Resolve("a.der");
        File.WriteAllBytes(file, _rootA.RawData);

        var (set, diags) = _folder.Load(_time, Bundle("a.example", "a.der"));

        Assert.Null(set);
        Assert.Contains("converted to PEM", Assert.Single(diags).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_OnlyIntermediate_NoRootError()
    {
        using var intermediate = TestCertificates.CreateIntermediateCa(_rootA, "a.example", Now.AddDays(-1), Now.AddDays(30));
        _folder.Write("a.pem", TestCertificates.ToPem(intermediate));

        var (set, diags) = _folder.Load(_time, Bundle("a.example", "a.pem"));

        Assert.Null(set);
        Assert.Equal(1, Single(diags, "no root").Line);
    }

    [Fact]
    public void Load_OnlyAnExpiredIntermediate_WarningAndNoRootError()
    {
        // A warning in the file must not hide that nothing in it can anchor a chain.
        using var intermediate = TestCertificates.CreateIntermediateCa(_rootA, "a.example", Now.AddDays(-10), Now.AddDays(-1));
        _folder.Write("a.pem", TestCertificates.ToPem(intermediate));

        var (set, diags) = _folder.Load(_time, Bundle("a.example", "a.pem"));

        Assert.Null(set);
        Assert.True(Single(diags, "expired").IsWarning);
        Assert.False(Single(diags, "no root").IsWarning);
    }

    [Fact]
    public void Load_ExpiredCa_WarningAndSetStillReturned()
    {
        using var expired = Root("a.example", notAfter: Now.AddDays(-1));
        var file = _folder.Write("a.pem", TestCertificates.ToPem(_rootA, expired));

        var (set, diags) = _folder.Load(_time, Bundle("a.example", "a.pem"));

        Assert.NotNull(set);
        var d = Assert.Single(diags);
        Assert.True(d.IsWarning);
        Assert.Contains("expired", d.Message, StringComparison.Ordinal);
        Assert.Equal(file, d.File);
        Assert.Equal(1 + Lines(TestCertificates.ToPem(_rootA)), d.Line);
    }

    [Fact]
    public void Load_CaNotYetValid_Warning()
    {
        using var future = TestCertificates.CreateRootCa("a.example", Now.AddDays(1), Now.AddDays(30));
        _folder.Write("a.pem", TestCertificates.ToPem(_rootA, future));

        var (set, diags) = _folder.Load(_time, Bundle("a.example", "a.pem"));

        Assert.NotNull(set);
        Assert.True(Single(diags, "is not valid before").IsWarning);
    }

    [Fact]
    public void Load_MissingFile_ErrorAtTheSettingInTheConfig()
    {
        _folder.Write("a.pem", TestCertificates.ToPem(_rootA));
        var bundles = new[] { Bundle("a.example", "a.pem"), Bundle("b.example", "missing.pem") };

        var (set, diags) = TrustBundleLoader.Load(bundles, _folder.Resolve, _folder.ConfigFile, _time,
            path => path == "Gateway:TrustBundles:1:File" ? (17, 9) : (1, 1));

        Assert.Null(set);
        var d = Assert.Single(diags);
        Assert.Equal((_folder.ConfigFile, 17, 9), (d.File, d.Line, d.Column));
        Assert.Contains("'missing.pem' not found", d.Message, StringComparison.Ordinal);
        Assert.Contains(_folder.Resolve("missing.pem"), d.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_NoLocator_ConfigProblemsAtLine1()
    {
        var (_, diags) = _folder.Load(_time, Bundle("a.example", "missing.pem"));

        var d = Assert.Single(diags);
        Assert.Equal((_folder.ConfigFile, 1, 1), (d.File, d.Line, d.Column));
    }

    [Fact]
    public void Load_FileNotSet_Error()
    {
        var (set, diags) = _folder.Load(_time, Bundle("a.example", ""));

        Assert.Null(set);
        Single(diags, "File is required");
    }

    [Fact]
    public void Load_FileTooLarge_ErrorBeforeReading()
    {
        var file = _folder.Resolve("big.pem");
        using (var stream = File.Create(file))
        {
            stream.SetLength(TrustBundleLoader.MaxFileBytes + 1);
        }

        var (set, diags) = _folder.Load(_time, Bundle("a.example", "big.pem"));

        Assert.Null(set);
        Single(diags, "larger than 4 MiB");
    }

    [Theory]
    [InlineData("", "TrustDomain is required")]
    [InlineData("A.example", "not a valid SPIFFE trust domain (lowercase")]
    [InlineData("spiffe://a.example", "without 'spiffe://'")]
    [InlineData("a.example/ns", "not a valid SPIFFE trust domain")]
    [InlineData("a.example:443", "not a valid SPIFFE trust domain")]
    public void Load_InvalidTrustDomain_Error(string td, string reason)
    {
        _folder.Write("a.pem", TestCertificates.ToPem(_rootA));

        var (set, diags) = TrustBundleLoader.Load([Bundle(td, "a.pem")], _folder.Resolve, _folder.ConfigFile, _time,
            path => path == "Gateway:TrustBundles:0:TrustDomain" ? (5, 7) : (1, 1));

        Assert.Null(set);
        var d = Single(diags, reason);
        Assert.Equal((_folder.ConfigFile, 5, 7), (d.File, d.Line, d.Column));
    }

    [Fact]
    public void Load_TrustDomainTwice_ErrorNamesTheFirst()
    {
        _folder.Write("a.pem", TestCertificates.ToPem(_rootA));
        _folder.Write("a2.pem", TestCertificates.ToPem(_rootB));

        var (set, diags) = _folder.Load(_time, Bundle("a.example", "a.pem"), Bundle("a.example", "a2.pem"));

        Assert.Null(set);
        Assert.Contains("TrustBundles[1]: trust domain 'a.example' is listed twice (first at TrustBundles[0])",
            Assert.Single(diags).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_ProblemsInSeveralBundles_AllReportedAtOnce()
    {
        _folder.Write("a.pem", "nothing here\n");
        using var leaf = TestCertificates.CreateLeaf(_rootB, TestCertificates.Svid("spiffe://b.example/w"));
        _folder.Write("b.pem", TestCertificates.ToPem(_rootB, leaf));
        _folder.Write("c.pem", TestCertificates.ToPem(_rootA));

        var (set, diags) = _folder.Load(_time,
            Bundle("a.example", "a.pem"),
            Bundle("b.example", "b.pem"),
            Bundle("Bad", "c.pem"),
            Bundle("d.example", "d.pem"));

        Assert.Null(set);
        Assert.Equal(4, diags.Count);
        Single(diags, "no certificate");
        Single(diags, "is not a CA");
        Single(diags, "'Bad' is not a valid SPIFFE trust domain");
        Single(diags, "'d.pem' not found");
    }

    [Fact]
    public void Load_Revision_IsTheOneAskedFor()
    {
        _folder.Write("a.pem", TestCertificates.ToPem(_rootA));

        var (set, _) = TrustBundleLoader.Load([Bundle("a.example", "a.pem")], _folder.Resolve, _folder.ConfigFile, _time, revision: 42);

        Assert.Equal(42, set!.Revision);
        Assert.Equal(43, set.WithRevision(43).Revision);
    }

    [Fact]
    public void ResolveFiles_RelativeToConfigFolder_IncludingMissingOnesOnce()
    {
        var files = TrustBundleLoader.ResolveFiles(
            [Bundle("a.example", "a.pem"), Bundle("b.example", "sub/../b.pem"), Bundle("c.example", "a.pem"), Bundle("d.example", "")],
            _folder.Resolve);

        Assert.Equal([_folder.Resolve("a.pem"), _folder.Resolve("b.pem")], files);
    }
}

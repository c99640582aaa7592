using System.Net;
using System.Security.Cryptography.X509Certificates;
using Microsoft.IdentityModel.Tokens;

namespace Gateway.Tests.Integration;

/// <summary>mTLS with SPIFFE X.509-SVIDs and certificate-bound tokens (RFC 8705), over real TLS on 127.0.0.1.</summary>
public sealed class MtlsTests(StrongIdentityFixture f) : IClassFixture<StrongIdentityFixture>
{
    private const string PaymentsId = "spiffe://example.org/ns/payments/sa/api";

    [Fact]
    public async Task ValidSvid_NoToken_ForwardedAsMtlsIdentity()
    {
        using var client = f.Client(f.Svid());
        using var response = await StrongIdentityFixture.GetAsync(client, f.RequiredUrl("/payments/mtls-ok"), null,
            ("X-Forwarded-Client-Cert", "By=spiffe://example.org/ns/admin;URI=spiffe://example.org/ns/admin/sa/root"));
        Assert.Equal(200, (int)response.StatusCode);

        var seen = f.Gateway.UpstreamRequests.Last(r => r.Path == "/payments/mtls-ok");
        Assert.Equal(PaymentsId, seen.Headers["X-Workload-Id"]);
        Assert.Equal("mtls", seen.Headers["X-Workload-Auth-Method"]);
        Assert.Equal("example.org", seen.Headers["X-Workload-Trust-Domain"]);
        Assert.False(seen.Headers.ContainsKey("X-Forwarded-Client-Cert"));

        await f.Gateway.WaitUntilAsync(() => Task.FromResult(f.Gateway.Audit.Lines.Any(l => l.Contains("/payments/mtls-ok"))), "audit record");
        var line = f.Gateway.Audit.Lines.First(l => l.Contains("/payments/mtls-ok"));
        Assert.Contains("\"binding\":\"mtls\"", line);
        Assert.Contains("\"authMethod\":\"mtls\"", line);
    }

    [Fact]
    public async Task ValidSvid_Http2_Forwarded()
    {
        using var client = f.Client(f.Svid(), HttpVersion.Version20);
        using var response = await StrongIdentityFixture.GetAsync(client, f.RequiredUrl("/payments/h2"));
        Assert.Equal(200, (int)response.StatusCode);
        Assert.Equal(HttpVersion.Version20, response.Version);
    }

    [Fact]
    public async Task SvidFromOtherTrustDomain_PolicyDecidesOnItsIdentity()
    {
        using var client = f.Client(TestCertificates.ForTls(TestCertificates.CreateSvid(f.OtherRoot, "spiffe://other.org/ns/payments/sa/api")));
        using var ok = await StrongIdentityFixture.GetAsync(client, f.RequiredUrl("/payments/other-td"));
        Assert.Equal(200, (int)ok.StatusCode);

        // The admin rule is confined to example.org workloads proven by mTLS.
        using var denied = await StrongIdentityFixture.GetAsync(client, f.RequiredUrl("/admin/x"));
        await ProblemAssert.IsProblemAsync(denied, 403, "no_matching_rule");
    }

    [Fact]
    public async Task SvidFromIntermediateNotInBundle_ChainSentInHandshake_Accepted()
    {
        // SPIRE with an upstream CA: the SVID is signed by an intermediate; the bundle holds only the root, and the
        // client sends the intermediate after its certificate.
        var intermediate = TestCertificates.CreateIntermediateCa(f.ExampleRoot, "example.org");
        var leaf = TestCertificates.ForTls(TestCertificates.CreateSvid(intermediate, PaymentsId));
        using (var bare = f.Client(leaf))
        using (var refused = await StrongIdentityFixture.GetAsync(bare, f.RequiredUrl("/payments/no-chain")))
        {
            await ProblemAssert.IsProblemAsync(refused, 401, "certificate_untrusted");
        }

        using var client = f.ClientWithChain(leaf, intermediate);
        using var response = await StrongIdentityFixture.GetAsync(client, f.RequiredUrl("/payments/chain"));
        Assert.Equal(200, (int)response.StatusCode);
        var seen = f.Gateway.UpstreamRequests.Last(r => r.Path == "/payments/chain");
        Assert.Equal(PaymentsId, seen.Headers["X-Workload-Id"]);
        Assert.Equal("mtls", seen.Headers["X-Workload-Auth-Method"]);
    }

    [Fact]
    public async Task IntermediateLearnedFromAValidChain_ServesConnectionsWithoutIt()
    {
        // A resumed TLS session carries the client's certificate but not its chain: an intermediate that a valid
        // chain went through is tried for later connections of the same bundle.
        var intermediate = TestCertificates.CreateIntermediateCa(f.ExampleRoot, "example.org");
        await AcceptedWithChainAsync(intermediate, "/payments/learn");

        using var second = f.Client(TestCertificates.ForTls(TestCertificates.CreateSvid(intermediate, PaymentsId)));
        using var response = await StrongIdentityFixture.GetAsync(second, f.RequiredUrl("/payments/learned"));
        Assert.Equal(200, (int)response.StatusCode);
    }

    /// <summary>A request with an SVID from <paramref name="intermediate"/>, sent with its chain: 200 (and the gateway
    /// learns the intermediate).</summary>
    private async Task AcceptedWithChainAsync(X509Certificate2 intermediate, string path)
    {
        using var client = f.ClientWithChain(TestCertificates.ForTls(TestCertificates.CreateSvid(intermediate, PaymentsId)), intermediate);
        using var response = await StrongIdentityFixture.GetAsync(client, f.RequiredUrl(path));
        Assert.Equal(200, (int)response.StatusCode);
    }

    public static TheoryData<string> HostileChains() => ["another trust domain's intermediate", "a rogue root for the same trust domain",
        "an intermediate that is not a CA", "an expired intermediate", "an intermediate under the right root naming another trust domain",
        "an intermediate under the right root naming no trust domain"];

    [Theory]
    [MemberData(nameof(HostileChains))]
    public async Task PresentedCertificates_NeverAnchorAChain(string name)
    {
        // What the client sends is a candidate for the path, never a trust anchor: the chain must end at a root of the
        // bundle of the trust domain the SVID names.
        var now = DateTimeOffset.UtcNow;
        var (issuer, sent) = name switch
        {
            "another trust domain's intermediate" => Pair(TestCertificates.CreateIntermediateCa(f.OtherRoot, "other.org")),
            "a rogue root for the same trust domain" => Pair(TestCertificates.CreateRootCa("example.org")),
            "an intermediate that is not a CA" => Pair(TestCertificates.CreateLeaf(f.ExampleRoot, TestCertificates.Svid("spiffe://example.org/ns/x/sa/y") with
            {
                KeyUsage = X509KeyUsageFlags.DigitalSignature | X509KeyUsageFlags.KeyCertSign,
            })),
            "an expired intermediate" => Pair(TestCertificates.CreateIntermediateCa(f.ExampleRoot, "example.org", now.AddDays(-10), now.AddDays(-1))),
            // One root vouching for several domains (a shared corporate root): another domain's CA under it must not
            // sign for example.org, nor may a CA that names no trust domain at all.
            "an intermediate under the right root naming another trust domain" => Pair(TestCertificates.CreateIntermediateCa(f.ExampleRoot, "other.org")),
            _ => Pair(TestCertificates.CreateLeaf(f.ExampleRoot, new TestCertificates.LeafSpec
            {
                IsCa = true,
                KeyUsage = X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign,
                ExtendedKeyUsages = null,
                Subject = "CN=corporate issuing CA",
            })),
        };
        var leaf = TestCertificates.ForTls(TestCertificates.CreateLeaf(issuer, TestCertificates.Svid(PaymentsId) with
        {
            NotBefore = now.AddDays(-5),
        }));
        using var client = f.ClientWithChain(leaf, sent);
        using var response = await StrongIdentityFixture.GetAsync(client, f.RequiredUrl("/payments/hostile-chain"));
        await ProblemAssert.IsProblemAsync(response, 401, "certificate_untrusted");

        static (X509Certificate2, X509Certificate2) Pair(X509Certificate2 c) => (c, c);
    }

    [Fact]
    public async Task IntermediatesLearnedPerTrustDomain_AnotherDomainCannotPushThemOut()
    {
        var intermediate = TestCertificates.CreateIntermediateCa(f.ExampleRoot, "example.org");
        await AcceptedWithChainAsync(intermediate, "/payments/learn-mine");

        // other.org's CA owner sends more valid intermediates of its own than one domain keeps.
        for (var i = 0; i <= Gateway.Identity.X509.LearnedIntermediates.CapacityPerTrustDomain; i++)
        {
            var theirs = TestCertificates.CreateIntermediateCa(f.OtherRoot, "other.org");
            using var c = f.ClientWithChain(TestCertificates.ForTls(TestCertificates.CreateSvid(theirs, "spiffe://other.org/ns/payments/sa/api")), theirs);
            using var r = await StrongIdentityFixture.GetAsync(c, f.RequiredUrl("/payments/flush"));
            Assert.Equal(200, (int)r.StatusCode);
        }

        using var later = f.Client(TestCertificates.ForTls(TestCertificates.CreateSvid(intermediate, PaymentsId)));
        using var response = await StrongIdentityFixture.GetAsync(later, f.RequiredUrl("/payments/still-learned"));
        Assert.Equal(200, (int)response.StatusCode);
    }

    [Fact]
    public async Task PresentedChainOfOneConnection_NeverSeenByAnother()
    {
        // The handshake hands the presented certificates to the connection through the handshake's own flow: 40
        // connections sending an intermediate (with an expired leaf, refused before any chain is built, so nothing is
        // learned) interleaved with 40 connections, HTTP/1.1 and HTTP/2, whose valid leaf needs that intermediate and
        // does not send it. None may borrow another's.
        var now = DateTimeOffset.UtcNow;
        var intermediate = TestCertificates.CreateIntermediateCa(f.ExampleRoot, "example.org");
        var expired = TestCertificates.ForTls(TestCertificates.CreateLeaf(intermediate, TestCertificates.Svid(PaymentsId) with
        {
            NotBefore = now.AddDays(-3),
            NotAfter = now.AddDays(-1),
        }));
        var valid = TestCertificates.ForTls(TestCertificates.CreateSvid(intermediate, PaymentsId));
        var statuses = new System.Collections.Concurrent.ConcurrentBag<int>();
        var tasks = new List<Task>();
        for (var i = 0; i < 40; i++)
        {
            var version = i % 2 == 0 ? HttpVersion.Version20 : HttpVersion.Version11;
            tasks.Add(Task.Run(async () =>
            {
                using var c = f.ClientWithChain(expired, intermediate);
                using var r = await StrongIdentityFixture.GetAsync(c, f.RequiredUrl("/payments/sends-chain"));
                statuses.Add((int)r.StatusCode);
            }));
            tasks.Add(Task.Run(async () =>
            {
                using var c = f.Client(valid, version);
                using var r = await StrongIdentityFixture.GetAsync(c, f.RequiredUrl("/payments/no-chain-sent"));
                statuses.Add((int)r.StatusCode);
            }));
        }

        await Task.WhenAll(tasks);
        Assert.Equal(80, statuses.Count);
        Assert.All(statuses, s => Assert.Equal(401, s));
    }

    public static TheoryData<string, string> RefusedCertificates() => new()
    {
        { "signed by another trust domain's CA", "certificate_untrusted" },
        { "self-signed leaf", "certificate_untrusted" },
        { "CA certificate as client", "certificate_is_ca" },
        { "two URI SANs", "certificate_not_svid" },
        { "no URI SAN", "certificate_not_svid" },
        { "trust domain without bundle", "certificate_trust_domain_unknown" },
        { "expired", "certificate_expired" },
        { "not yet valid", "certificate_not_yet_valid" },
        { "no digitalSignature", "certificate_key_usage" },
        { "server-auth only", "certificate_key_usage" },
    };

    [Theory]
    [MemberData(nameof(RefusedCertificates))]
    public async Task BadClientCertificate_Refused(string name, string reason)
    {
        var spec = TestCertificates.Svid(PaymentsId);
        var now = DateTimeOffset.UtcNow;
        var certificate = name switch
        {
            "signed by another trust domain's CA" => TestCertificates.CreateSvid(f.OtherRoot, PaymentsId),
            "self-signed leaf" => TestCertificates.CreateLeaf(null, spec),
            "CA certificate as client" => TestCertificates.CreateLeaf(f.ExampleRoot, spec with { IsCa = true, KeyUsage = X509KeyUsageFlags.DigitalSignature | X509KeyUsageFlags.KeyCertSign }),
            "two URI SANs" => TestCertificates.CreateLeaf(f.ExampleRoot, spec with { Uris = [PaymentsId, "spiffe://example.org/ns/admin/sa/root"] }),
            "no URI SAN" => TestCertificates.CreateLeaf(f.ExampleRoot, spec with { Uris = [], DnsNames = ["payments.example.org"] }),
            "trust domain without bundle" => TestCertificates.CreateSvid(TestCertificates.CreateRootCa("unknown.org"), "spiffe://unknown.org/ns/payments/sa/api"),
            "expired" => TestCertificates.CreateLeaf(f.ExampleRoot, spec with { NotBefore = now.AddDays(-2), NotAfter = now.AddDays(-1) }),
            "not yet valid" => TestCertificates.CreateLeaf(f.ExampleRoot, spec with { NotBefore = now.AddDays(1), NotAfter = now.AddDays(2) }),
            "no digitalSignature" => TestCertificates.CreateLeaf(f.ExampleRoot, spec with { KeyUsage = X509KeyUsageFlags.KeyEncipherment }),
            "server-auth only" => TestCertificates.CreateLeaf(f.ExampleRoot, spec with { ExtendedKeyUsages = [TestCertificates.ServerAuth] }),
            _ => throw new ArgumentOutOfRangeException(nameof(name)),
        };

        using var client = f.Client(TestCertificates.ForTls(certificate));
        using var response = await StrongIdentityFixture.GetAsync(client, f.RequiredUrl("/payments/bad-cert"));
        await ProblemAssert.IsProblemAsync(response, 401, reason);

        // A valid token does not rescue a bad certificate: every presented credential must hold.
        using var withToken = await StrongIdentityFixture.GetAsync(client, f.OptionalUrl("/payments/bad-cert"), "Bearer " + f.Token());
        await ProblemAssert.IsProblemAsync(withToken, 401, reason);
    }

    [Fact]
    public async Task RequiredListener_NoCertificate_RefusedEvenWithValidToken()
    {
        using var client = f.Client(null);
        using var response = await StrongIdentityFixture.GetAsync(client, f.RequiredUrl("/payments/no-cert"), "Bearer " + f.Token());
        await ProblemAssert.IsProblemAsync(response, 401, "client_certificate_required");
    }

    [Fact]
    public async Task OptionalListener_NoCertificate_TokenWorks()
    {
        using var client = f.Client(null);
        using var response = await StrongIdentityFixture.GetAsync(client, f.OptionalUrl("/payments/token-only"), "Bearer " + f.Token());
        Assert.Equal(200, (int)response.StatusCode);
        Assert.Equal("jwt", f.Gateway.UpstreamRequests.Last(r => r.Path == "/payments/token-only").Headers["X-Workload-Auth-Method"]);
    }

    [Fact]
    public async Task OptionalListener_NothingPresented_TokenMissing()
    {
        using var client = f.Client(null);
        using var response = await StrongIdentityFixture.GetAsync(client, f.OptionalUrl("/payments/nothing"));
        await ProblemAssert.IsProblemAsync(response, 401, "token_missing");
    }

    [Fact]
    public async Task CertificateAndToken_SameWorkload_Allowed()
    {
        using var client = f.Client(f.Svid());
        using var response = await StrongIdentityFixture.GetAsync(client, f.OptionalUrl("/payments/both"), "Bearer " + f.Token(PaymentsId));
        Assert.Equal(200, (int)response.StatusCode);
    }

    [Fact]
    public async Task CertificateAndToken_DifferentWorkloads_IdentityMismatch()
    {
        // A workload with its own SVID replays another workload's stolen bearer token.
        using var client = f.Client(f.Svid("spiffe://example.org/ns/reports/sa/api"));
        using var response = await StrongIdentityFixture.GetAsync(client, f.OptionalUrl("/payments/stolen"), "Bearer " + f.Token(PaymentsId));
        await ProblemAssert.IsProblemAsync(response, 401, "identity_mismatch");
    }

    [Fact]
    public async Task CertificateBoundToken_SameCertificate_Allowed()
    {
        var certificate = f.Svid();
        var token = f.Token(PaymentsId, c => c["cnf"] = new Dictionary<string, object> { ["x5t#S256"] = Thumbprint(certificate) });
        using var client = f.Client(certificate);
        using var response = await StrongIdentityFixture.GetAsync(client, f.OptionalUrl("/payments/bound"), "Bearer " + token);
        Assert.Equal(200, (int)response.StatusCode);

        await f.Gateway.WaitUntilAsync(() => Task.FromResult(f.Gateway.Audit.Lines.Any(l => l.Contains("/payments/bound"))), "audit record");
        Assert.Contains("\"binding\":\"x5t\"", f.Gateway.Audit.Lines.First(l => l.Contains("/payments/bound")));
    }

    [Fact]
    public async Task CertificateBoundToken_SelfSignedKeyCertificate_Allowed()
    {
        // RFC 8705 §3: the certificate only proves possession of the key the token is bound to; it need not be an SVID.
        var certificate = TestCertificates.ForTls(TestCertificates.CreateLeaf(null, new TestCertificates.LeafSpec { Subject = "CN=client" }));
        var token = f.Token(PaymentsId, c => c["cnf"] = new Dictionary<string, object> { ["x5t#S256"] = Thumbprint(certificate) });
        using var client = f.Client(certificate);
        using var response = await StrongIdentityFixture.GetAsync(client, f.OptionalUrl("/payments/bound-self-signed"), "Bearer " + token);
        Assert.Equal(200, (int)response.StatusCode);
    }

    [Fact]
    public async Task CertificateBoundToken_OtherCertificate_BindingMismatch()
    {
        var token = f.Token(PaymentsId, c => c["cnf"] = new Dictionary<string, object> { ["x5t#S256"] = Thumbprint(f.Svid()) });
        using var client = f.Client(f.Svid()); // same identity, another key pair: a thief with their own SVID
        using var response = await StrongIdentityFixture.GetAsync(client, f.OptionalUrl("/payments/bound-other"), "Bearer " + token);
        await ProblemAssert.IsProblemAsync(response, 401, "certificate_binding_mismatch");
    }

    [Fact]
    public async Task CertificateBoundToken_NoCertificate_BindingMissing()
    {
        var token = f.Token(PaymentsId, c => c["cnf"] = new Dictionary<string, object> { ["x5t#S256"] = Thumbprint(f.Svid()) });
        using var tls = f.Client(null);
        using var overTls = await StrongIdentityFixture.GetAsync(tls, f.OptionalUrl("/payments/bound-none"), "Bearer " + token);
        await ProblemAssert.IsProblemAsync(overTls, 401, "certificate_binding_missing");

        using var plain = await f.Gateway.GetAsync("/payments/bound-none", token);
        await ProblemAssert.IsProblemAsync(plain, 401, "certificate_binding_missing");
    }

    [Theory]
    [InlineData("unknown member", """{"jwk":{"kty":"EC"}}""")]
    [InlineData("both bindings", """{"x5t#S256":"AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA","jkt":"AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"}""")]
    [InlineData("short thumbprint", """{"x5t#S256":"abc"}""")]
    [InlineData("not an object", "\"x\"")]
    [InlineData("empty", "{}")]
    public async Task TokenWithUnenforceableConfirmation_Refused(string name, string cnf)
    {
        Assert.NotNull(name);
        var token = f.Token(PaymentsId, c => c["cnf"] = System.Text.Json.JsonDocument.Parse(cnf).RootElement.Clone());
        using var response = await f.Gateway.GetAsync("/payments/cnf", token);
        await ProblemAssert.IsProblemAsync(response, 401, "invalid_claim");
    }

    [Fact]
    public async Task ClientCertificateHeadersOverPlainHttp_NeverAnIdentity()
    {
        using var response = await f.Gateway.GetAsync("/payments/xfcc", null,
            ("X-Forwarded-Client-Cert", "URI=" + PaymentsId),
            ("X-Client-Cert", "-----BEGIN CERTIFICATE-----"),
            ("X-SSL-Client-S-DN", "CN=payments"));
        await ProblemAssert.IsProblemAsync(response, 401, "token_missing");
    }

    private static string Thumbprint(X509Certificate2 certificate)
        => Base64UrlEncoder.Encode(System.Security.Cryptography.SHA256.HashData(certificate.RawData));
}

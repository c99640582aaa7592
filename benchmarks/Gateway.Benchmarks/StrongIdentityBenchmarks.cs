using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using System.Text.Json;
using BenchmarkDotNet.Attributes;
using Gateway.Configuration;
using Gateway.Identity;
using Gateway.Identity.ApiKeys;
using Gateway.Identity.Dpop;
using Gateway.Identity.X509;
using Gateway.Observability;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Primitives;
using Microsoft.IdentityModel.Tokens;

namespace Gateway.Benchmarks;

/// <summary>
/// What the stronger credentials cost per request, next to a validated-token cache hit: an API key (hash + constant-time
/// compare), a DPoP proof (parse, ES256 verify, checks; the replay store is a no-op here so the same proof can be
/// validated again), and an X.509-SVID chain check (paid once per TLS connection, not per request).
/// </summary>
[MemoryDiagnoser]
public class StrongIdentityBenchmarks
{
    private ApiKeyAuthenticator _apiKeys = null!;
    private string _key = null!;
    private DpopProofValidator _dpop = null!;
    private string _proof = null!;
    private string _accessToken = null!;
    private string _jkt = null!;
    private readonly DpopTarget _target = new("https", "api.bench", "/orders/42");
    private SvidValidator _svids = null!;
    private X509Certificate2 _svid = null!;
    private TrustBundleSet _bundles = null!;
    private string _dir = null!;
    private ECParameters _ecParameters;
    private ECDsa _imported = null!;
    private byte[] _signingInput = null!;
    private byte[] _signature = null!;

    [GlobalSetup]
    public void Setup()
    {
        var metrics = new GatewayMetrics();

        // API keys: a store of 1,000 keys in a temp file.
        _dir = Directory.CreateTempSubdirectory("gw-bench-").FullName;
        var store = Path.Combine(_dir, "apikeys.json");
        var now = DateTimeOffset.UtcNow;
        var keys = new List<object>();
        for (var i = 0; i < 1000; i++)
        {
            var k = ApiKeyGenerator.Generate();
            _key ??= k.Key;
            keys.Add(new
            {
                id = k.Id, hash = k.Hash, owner = "legacy-" + i, routes = new[] { "orders" }, roles = Array.Empty<string>(),
                created = ApiKeyTimestamp.Format(now.AddHours(-1)), expires = ApiKeyTimestamp.Format(now.AddDays(30)), revoked = (string?)null,
            });
        }

        File.WriteAllText(store, JsonSerializer.Serialize(new { version = 1, keys }));
        var apiKeyStore = new ApiKeyStore(store, new ApiKeyLoadSettings(), metrics, NullLogger<ApiKeyStore>.Instance, TimeProvider.System);
        _apiKeys = new ApiKeyAuthenticator(apiKeyStore, metrics, NullLogger<ApiKeyAuthenticator>.Instance, TimeProvider.System);

        // DPoP: an ES256 proof for GET https://api.bench/orders/42.
        using var ec = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var p = ec.ExportParameters(false);
        var jwk = new Dictionary<string, string>
        {
            ["kty"] = "EC", ["crv"] = "P-256", ["x"] = Base64UrlEncoder.Encode(p.Q.X), ["y"] = Base64UrlEncoder.Encode(p.Q.Y),
        };
        _jkt = JwkThumbprint.Compute(JsonSerializer.SerializeToElement(jwk))!;
        _accessToken = "eyJhbGciOiJFUzI1NiJ9." + Base64UrlEncoder.Encode("{\"sub\":\"bench\"}") + ".sig";
        var header = Base64UrlEncoder.Encode(JsonSerializer.Serialize(new { typ = "dpop+jwt", alg = "ES256", jwk }));
        var payload = Base64UrlEncoder.Encode(JsonSerializer.Serialize(new
        {
            jti = Guid.NewGuid().ToString("N"), htm = "GET", htu = "https://api.bench/orders/42",
            iat = DateTimeOffset.UtcNow.AddSeconds(30).ToUnixTimeSeconds(), // valid for the whole run (skew allows +30 s)
            ath = Base64UrlEncoder.Encode(SHA256.HashData(Encoding.ASCII.GetBytes(_accessToken))),
        }));
        var signature = ec.SignData(Encoding.ASCII.GetBytes(header + "." + payload), HashAlgorithmName.SHA256, DSASignatureFormat.IeeeP1363FixedFieldConcatenation);
        _proof = header + "." + payload + "." + Base64UrlEncoder.Encode(signature);
        _ecParameters = new ECParameters { Curve = ECCurve.NamedCurves.nistP256, Q = p.Q };
        _imported = ECDsa.Create(_ecParameters);
        _signingInput = Encoding.ASCII.GetBytes(header + "." + payload);
        _signature = signature;
        _dpop = new DpopProofValidator(new DpopOptions { ProofLifetime = TimeSpan.FromMinutes(10), ClockSkew = TimeSpan.FromMinutes(1) },
            new NoReplayStore(), new DpopNonces(TimeProvider.System), TimeProvider.System);

        // X.509-SVID: a leaf issued by the bench.local root.
        using var rootKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var rootReq = new CertificateRequest("CN=bench.local root", rootKey, HashAlgorithmName.SHA256);
        rootReq.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        rootReq.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign, true));
        rootReq.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(rootReq.PublicKey, false));
        var root = rootReq.CreateSelfSigned(now.AddHours(-1), now.AddDays(1));
        using var leafKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var leafReq = new CertificateRequest("O=SPIFFE", leafKey, HashAlgorithmName.SHA256);
        leafReq.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, true));
        leafReq.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature, true));
        leafReq.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.2")], false));
        var san = new SubjectAlternativeNameBuilder();
        san.AddUri(new Uri("spiffe://bench.local/ns/orders/sa/api"));
        leafReq.CertificateExtensions.Add(san.Build());
        leafReq.CertificateExtensions.Add(X509AuthorityKeyIdentifierExtension.CreateFromCertificate(root, true, false));
        _svid = leafReq.Create(root, now.AddMinutes(-5), now.AddHours(12), RandomNumberGenerator.GetBytes(8));
        _bundles = new TrustBundleSet([new TrustBundle("bench.local", "bench.pem", [root], [])], 1);
        _svids = new SvidValidator(TimeProvider.System);

        if (!ApiKey().Succeeded || DpopProof() != AuthFailure.None || SvidPerConnection() != AuthFailure.None)
        {
            throw new InvalidOperationException("benchmark credentials do not validate");
        }
    }

    [GlobalCleanup]
    public void Cleanup() => Directory.Delete(_dir, recursive: true);

    [Benchmark]
    public AuthResult ApiKey() => _apiKeys.Authenticate(_key, "orders");

    [Benchmark]
    public AuthFailure DpopProof()
        => _dpop.ValidateAsync(new StringValues(_proof), "GET", _target, _accessToken, _jkt, CancellationToken.None).AsTask().Result;

    /// <summary>The two parts of a proof's ES256 check: importing the proof's key, and the verification itself.</summary>
    [Benchmark]
    public bool Es256_ImportAndVerify()
    {
        using var ecdsa = ECDsa.Create(_ecParameters);
        return ecdsa.VerifyData(_signingInput, _signature, HashAlgorithmName.SHA256, DSASignatureFormat.IeeeP1363FixedFieldConcatenation);
    }

    [Benchmark]
    public bool Es256_VerifyOnly()
        => _imported.VerifyData(_signingInput, _signature, HashAlgorithmName.SHA256, DSASignatureFormat.IeeeP1363FixedFieldConcatenation);

    [Benchmark]
    public AuthFailure SvidPerConnection() => _svids.Validate(_svid, _bundles).Failure;

    private sealed class NoReplayStore : IDpopReplayStore
    {
        public ValueTask<ReplayCheck> TryRegisterAsync(string key, DateTimeOffset expires, CancellationToken ct) => ValueTask.FromResult(ReplayCheck.Registered);
    }
}

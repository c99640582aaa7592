using System.Security.Cryptography;
using System.Text.Json;
using BenchmarkDotNet.Attributes;
using Gateway.Configuration;
using Gateway.Identity;
using Gateway.Observability;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace Gateway.Benchmarks;

/// <summary>
/// The identity stage on its own: a validated-token cache hit against full validation (signature, audience,
/// lifetime, SPIFFE checks). Budget (DESIGN.md): a hit ≤ 1 µs and ≥ 20 × faster than full validation.
/// </summary>
[MemoryDiagnoser]
public class TokenValidationBenchmarks
{
    internal const string Issuer = "https://issuer.bench";
    private JwtAuthenticator _cached = null!;
    private JwtAuthenticator _uncached = null!;
    private string _rs256 = null!;
    private string _es256 = null!;

    [GlobalSetup]
    public void Setup()
    {
        var rsa = new RsaSecurityKey(RSA.Create(2048)) { KeyId = "rsa" };
        var ec = new ECDsaSecurityKey(ECDsa.Create(ECCurve.NamedCurves.nistP256)) { KeyId = "ec" };
        var rp = rsa.Rsa.ExportParameters(false);
        var ep = ec.ECDsa.ExportParameters(false);
        var jwks = JsonSerializer.Serialize(new
        {
            keys = new object[]
            {
                new { kty = "RSA", kid = "rsa", n = Base64UrlEncoder.Encode(rp.Modulus), e = Base64UrlEncoder.Encode(rp.Exponent) },
                new { kty = "EC", kid = "ec", crv = "P-256", x = Base64UrlEncoder.Encode(ep.Q.X), y = Base64UrlEncoder.Encode(ep.Q.Y) },
            },
        });
        _cached = Build(jwks, 100_000);
        _uncached = Build(jwks, 0);
        _rs256 = Mint(rsa, "RS256");
        _es256 = Mint(ec, "ES256");
        if (!_cached.AuthenticateAsync(_rs256).AsTask().Result.Succeeded || !_uncached.AuthenticateAsync(_es256).AsTask().Result.Succeeded)
        {
            throw new InvalidOperationException("benchmark tokens do not validate");
        }
    }

    [Benchmark(Baseline = true)]
    public bool CacheHit() => _cached.AuthenticateAsync(_rs256).Result.Succeeded;

    [Benchmark]
    public bool FullValidation_RS256() => _uncached.AuthenticateAsync(_rs256).AsTask().Result.Succeeded;

    [Benchmark]
    public bool FullValidation_ES256() => _uncached.AuthenticateAsync(_es256).AsTask().Result.Succeeded;

    /// <summary>The authenticator as the gateway builds it: one issuer (<see cref="Issuer"/>, audience <c>gateway</c>, trust
    /// domain <c>bench.local</c>) with the keys of <paramref name="jwks"/>, and a token cache of that many entries.</summary>
    internal static JwtAuthenticator Build(string jwks, int cacheEntries)
    {
        var metrics = new GatewayMetrics();
        var manager = new IssuerKeyManager(new StaticKeySource(jwks), "bench", TimeSpan.FromHours(1), TimeSpan.FromSeconds(5),
            TimeProvider.System, metrics, NullLogger.Instance);
        manager.RefreshAsync(CancellationToken.None).GetAwaiter().GetResult();
        var options = new IssuerOptions
        {
            Name = "bench",
            Issuer = Issuer,
            Audiences = ["gateway"],
            TrustDomains = ["bench.local"],
            Algorithms = ["RS256", "ES256"],
        };
        return new JwtAuthenticator([new IssuerRuntime(options, manager)], new TokenCache(cacheEntries, TimeProvider.System, metrics),
            TimeProvider.System, 8192);
    }

    /// <summary>A service token like the load tool's: SPIFFE subject, audience, scope, jti, 50 minutes.</summary>
    internal static string Mint(SecurityKey key, string alg, string subject = "spiffe://bench.local/ns/a/sa/b", string jti = "1")
    {
        var now = DateTime.UtcNow;
        return new JsonWebTokenHandler { SetDefaultTimesOnTokenCreation = false }.CreateToken(new SecurityTokenDescriptor
        {
            Issuer = Issuer,
            Audience = "gateway",
            IssuedAt = now,
            NotBefore = now,
            Expires = now.AddMinutes(50),
            Claims = new Dictionary<string, object> { ["sub"] = subject, ["jti"] = jti, ["scope"] = "a b" },
            SigningCredentials = new SigningCredentials(key, alg),
        });
    }
}

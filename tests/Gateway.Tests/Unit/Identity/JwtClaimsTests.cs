using System.Security.Cryptography;
using Gateway.Configuration;
using Gateway.Identity;
using Gateway.Observability;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace Gateway.Tests.Unit.Identity;

/// <summary>What policy sees of a validated token's claims: every claim, arrays and split scopes as lists, and the
/// shared instances that keep a cached identity small (configured issuer, audience and trust domain, the subject once).
/// </summary>
public sealed class JwtClaimsTests : IAsyncDisposable
{
    private const string Issuer = "https://issuer.example";
    private static readonly DateTimeOffset Now = new(2030, 1, 2, 3, 4, 5, TimeSpan.Zero);

    private readonly FakeTimeProvider _time = new(Now);
    private readonly GatewayMetrics _metrics = new();
    private readonly FakeKeySetSource _source = new();
    private readonly ECDsa _key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
    private readonly IssuerOptions _options = new()
    {
        Name = "test",
        Issuer = new string(Issuer.AsSpan()), // a distinct instance from the token's, as configuration binding gives
        Audiences = ["other-service", "gateway"],
        TrustDomains = ["example.org"],
    };
    private readonly IssuerKeyManager _keys;
    private readonly JwtAuthenticator _authenticator;

    public JwtClaimsTests()
    {
        var p = _key.ExportParameters(includePrivateParameters: false);
        _source.Keys = TestKeys.Set(new JsonWebKey
        {
            Kty = "EC", Crv = "P-256", X = Base64UrlEncoder.Encode(p.Q.X), Y = Base64UrlEncoder.Encode(p.Q.Y), Kid = "ec-1",
        });
        _keys = new IssuerKeyManager(_source, "test", TimeSpan.FromMinutes(5), TimeSpan.FromSeconds(5), _time, _metrics,
            NullLogger.Instance);
        _authenticator = new JwtAuthenticator([new IssuerRuntime(_options, _keys)], new TokenCache(1000, _time, _metrics), _time, 8192);
    }

    public async ValueTask DisposeAsync()
    {
        await _keys.DisposeAsync();
        _key.Dispose();
    }

    private string Token(Dictionary<string, object> claims)
    {
        var all = new Dictionary<string, object>
        {
            ["iss"] = Issuer,
            ["sub"] = "spiffe://example.org/ns/shop/sa/web",
            ["aud"] = "gateway",
            ["jti"] = Guid.NewGuid().ToString("N"),
            ["iat"] = Now.AddMinutes(-1).ToUnixTimeSeconds(),
            ["nbf"] = Now.AddMinutes(-1).ToUnixTimeSeconds(),
            ["exp"] = Now.AddMinutes(10).ToUnixTimeSeconds(),
        };
        foreach (var (k, v) in claims)
        {
            all[k] = v;
        }

        return new JsonWebTokenHandler { SetDefaultTimesOnTokenCreation = false }.CreateToken(new SecurityTokenDescriptor
        {
            Claims = all,
            SigningCredentials = new SigningCredentials(new ECDsaSecurityKey(_key) { KeyId = "ec-1" }, SecurityAlgorithms.EcdsaSha256),
        });
    }

    private async Task<WorkloadIdentity> AuthenticateAsync(Dictionary<string, object> claims)
    {
        Assert.True(await _keys.RefreshAsync(CancellationToken.None));
        var result = await _authenticator.AuthenticateAsync(Token(claims));
        Assert.True(result.Succeeded, result.Failure.ToString());
        return result.Identity!;
    }

    [Fact]
    public async Task Claims_EveryScalarArrayAndScope_AsPolicyReadsThem()
    {
        var identity = await AuthenticateAsync(new()
        {
            ["scope"] = "orders.read  orders.write",
            ["groups"] = new[] { "ops", "billing" },
            ["aud"] = new[] { "gateway", "other-service" },
            ["tier"] = "gold",
            ["cnf_like"] = new Dictionary<string, object> { ["x"] = 1 },
        });

        var claims = identity.Policy.Claims;
        Assert.Equal(["orders.read", "orders.write"], claims["scope"]);
        Assert.Equal(["ops", "billing"], claims["groups"]);
        Assert.Equal(["gateway", "other-service"], claims["aud"]);
        Assert.Equal(["gold"], claims["tier"]);
        Assert.Equal([Issuer], claims["iss"]);
        Assert.Equal([Now.AddMinutes(10).ToUnixTimeSeconds().ToString(System.Globalization.CultureInfo.InvariantCulture)], claims["exp"]);
        Assert.False(claims.ContainsKey("cnf_like")); // nested objects are not policy-visible
        Assert.False(claims.TryGetValue("missing", out _));
        Assert.Equal(claims.Count, claims.Keys.Count());
        Assert.Equal(claims.Keys.Order(), claims.Select(c => c.Key).Order());
    }

    [Fact]
    public async Task Claims_SharedInstances_NotCopiesPerToken()
    {
        var first = await AuthenticateAsync([]);
        var second = await AuthenticateAsync([]);

        var c1 = first.Policy.Claims;
        var c2 = second.Policy.Claims;
        Assert.Same(_options.Issuer, c1["iss"][0]);
        Assert.Same(_options.Audiences[1], c1["aud"][0]);
        Assert.Same(first.Id, c1["sub"][0]);
        Assert.Same(first.Id, first.Policy.SpiffeId);
        Assert.Same(_options.TrustDomains[0], first.Spiffe!.Value.TrustDomain);
        Assert.Same(c1.Keys.First(k => k == "exp"), c2.Keys.First(k => k == "exp"));
        Assert.NotSame(first, second);
    }

    [Fact]
    public async Task Claims_NamesDifferingInCase_ScopeAsArray_ManyClaims_KeptApart()
    {
        var claims = new Dictionary<string, object>
        {
            ["Role"] = "admin",
            ["role"] = "reader",
            ["scope"] = new[] { "a.read b.read", "c.read" },
        };
        for (var i = 0; i < 30; i++)
        {
            claims["extra" + i] = "v" + i;
        }

        var identity = await AuthenticateAsync(claims);

        var c = identity.Policy.Claims;
        Assert.Equal(["admin"], c["Role"]);
        Assert.Equal(["reader"], c["role"]);
        Assert.Equal(["a.read", "b.read", "c.read"], c["scope"]);
        Assert.Equal(["v29"], c["extra29"]);
        Assert.Equal(["gateway"], c["aud"]);
        Assert.False(c.ContainsKey("ROLE"));
    }

    [Fact]
    public void ClaimSet_ManyClaims_IndexedLookupAgreesWithOrder()
    {
        var names = Enumerable.Range(0, 40).Select(i => "claim" + i).ToArray();
        var values = names.Select(n => new[] { n + "-value" }).ToArray();

        var set = new ClaimSet(names, values);

        foreach (var n in names)
        {
            Assert.Equal([n + "-value"], set[n]);
        }

        Assert.False(set.ContainsKey("claim40"));
        Assert.Throws<KeyNotFoundException>(() => set["nope"]);
        Assert.Equal(names, set.Keys);
        Assert.Throws<ArgumentException>(() => new ClaimSet(names, values[..3]));
        Assert.Throws<ArgumentException>(() => new ClaimSet([.. names, "claim3"], [.. values, ["again"]]));
        Assert.Throws<ArgumentException>(() => new ClaimSet(["a", "b", "a"], [["1"], ["2"], ["3"]]));
        Assert.IsNotType<string[]>(set.Keys);
    }
}

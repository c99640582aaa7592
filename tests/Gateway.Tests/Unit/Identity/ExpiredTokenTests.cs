using System.Security.Cryptography;
using Gateway.Configuration;
using Gateway.Identity;
using Gateway.Observability;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace Gateway.Tests.Unit.Identity;

/// <summary>A verified token found expired is refused again without another signature check, with the same reason,
/// issuer and hash; a forged one never is; the list is bounded, cleared with the issuers, and off with the cache.</summary>
public sealed class ExpiredTokenTests : IAsyncDisposable
{
    private const string Issuer = "https://issuer.example";
    private static readonly DateTimeOffset Now = new(2030, 1, 2, 3, 4, 5, TimeSpan.Zero);

    private readonly FakeTimeProvider _time = new(Now);
    private readonly GatewayMetrics _metrics = new();
    private readonly FakeKeySetSource _source = new();
    private readonly ECDsa _key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
    private readonly ECDsa _forger = ECDsa.Create(ECCurve.NamedCurves.nistP256);
    private readonly IssuerKeyManager _keys;
    private readonly IssuerOptions _options = new()
    {
        Name = "test", Issuer = Issuer, Audiences = ["gateway"], TrustDomains = ["example.org"], ClockSkew = TimeSpan.FromSeconds(30),
    };

    public ExpiredTokenTests()
    {
        var p = _key.ExportParameters(includePrivateParameters: false);
        _source.Keys = TestKeys.Set(new JsonWebKey
        {
            Kty = "EC", Crv = "P-256", X = Base64UrlEncoder.Encode(p.Q.X), Y = Base64UrlEncoder.Encode(p.Q.Y), Kid = "ec-1",
        });
        _keys = new IssuerKeyManager(_source, "test", TimeSpan.FromMinutes(5), TimeSpan.FromSeconds(5), _time, _metrics,
            NullLogger.Instance);
    }

    public async ValueTask DisposeAsync()
    {
        await _keys.DisposeAsync();
        _key.Dispose();
        _forger.Dispose();
    }

    private async Task<(JwtAuthenticator Authenticator, TokenCache Cache)> AuthenticatorAsync(int maxEntries = 1000, TimeProvider? time = null)
    {
        Assert.True(await _keys.RefreshAsync(CancellationToken.None));
        var cache = new TokenCache(maxEntries, time ?? _time, _metrics);
        return (new JwtAuthenticator([new IssuerRuntime(_options, _keys)], cache, time ?? _time, 8192), cache);
    }

    /// <summary>A wall clock that can be stepped back, as NTP or a VM resume may do (FakeTimeProvider cannot).</summary>
    private sealed class SteppedClock(DateTimeOffset now) : TimeProvider
    {
        public DateTimeOffset Now { get; set; } = now;

        public override DateTimeOffset GetUtcNow() => Now;
    }

    private string Token(DateTimeOffset exp, ECDsa? signer = null)
        => new JsonWebTokenHandler { SetDefaultTimesOnTokenCreation = false }.CreateToken(new SecurityTokenDescriptor
        {
            Claims = new Dictionary<string, object>
            {
                ["iss"] = Issuer, ["sub"] = "spiffe://example.org/ns/shop/sa/web", ["aud"] = "gateway",
                ["jti"] = Guid.NewGuid().ToString("N"),
                ["iat"] = exp.AddMinutes(-10).ToUnixTimeSeconds(), ["exp"] = exp.ToUnixTimeSeconds(),
            },
            SigningCredentials = new SigningCredentials(new ECDsaSecurityKey(signer ?? _key) { KeyId = "ec-1" }, SecurityAlgorithms.EcdsaSha256),
        });

    private double Counter(string result) => _metrics.TokenCache.WithLabels(result).Value;

    [Fact]
    public async Task VerifiedExpiredToken_RefusedAgainFromTheList_SameReasonIssuerAndHash()
    {
        var (authenticator, cache) = await AuthenticatorAsync();
        var token = Token(Now.AddMinutes(-5));

        var first = await authenticator.AuthenticateAsync(token);
        var second = await authenticator.AuthenticateAsync(token);

        Assert.Equal(AuthFailure.TokenExpired, first.Failure);
        Assert.Equal(AuthFailure.TokenExpired, second.Failure);
        Assert.Equal(first.IssuerName, second.IssuerName);
        Assert.Equal("test", second.IssuerName);
        Assert.Equal(first.TokenHash, second.TokenHash);
        Assert.Equal(1, cache.ExpiredCount);
        Assert.Equal(1, Counter("expired"));
        Assert.Null(second.Identity);
    }

    [Fact]
    public async Task ForgedExpiredToken_VerifiedEveryTime_NeverRemembered()
    {
        var (authenticator, cache) = await AuthenticatorAsync();
        var forged = Token(Now.AddMinutes(-5), _forger);

        for (var i = 0; i < 3; i++)
        {
            Assert.Equal(AuthFailure.InvalidSignature, (await authenticator.AuthenticateAsync(forged)).Failure);
        }

        Assert.Equal(0, cache.ExpiredCount);
        Assert.Equal(0, Counter("expired"));
    }

    [Fact]
    public async Task TokenWithinClockSkew_Accepted_ThenExpires_ThenRemembered()
    {
        var (authenticator, cache) = await AuthenticatorAsync();
        var token = Token(Now.AddSeconds(-10)); // past exp, within the 30 s skew

        var accepted = await authenticator.AuthenticateAsync(token);
        Assert.True(accepted.Succeeded, accepted.Failure.ToString());
        _time.Advance(TimeSpan.FromSeconds(25));
        Assert.Equal(AuthFailure.TokenExpired, (await authenticator.AuthenticateAsync(token)).Failure);
        Assert.Equal(1, cache.ExpiredCount);
    }

    [Fact]
    public async Task IssuersReplaced_ListCleared_TokenVerifiedAgain()
    {
        var (authenticator, cache) = await AuthenticatorAsync();
        var token = Token(Now.AddMinutes(-5));
        await authenticator.AuthenticateAsync(token);
        Assert.Equal(1, cache.ExpiredCount);

        authenticator.ReplaceIssuers([new IssuerRuntime(_options, _keys)]);

        Assert.Equal(0, cache.ExpiredCount);
        Assert.Equal(AuthFailure.TokenExpired, (await authenticator.AuthenticateAsync(token)).Failure);
        Assert.Equal(0, Counter("expired")); // verified again, not answered from the list
        Assert.Equal(1, cache.ExpiredCount);
    }

    [Fact]
    public async Task CacheOff_NothingRemembered()
    {
        var (authenticator, cache) = await AuthenticatorAsync(maxEntries: 0);
        var token = Token(Now.AddMinutes(-5));

        Assert.Equal(AuthFailure.TokenExpired, (await authenticator.AuthenticateAsync(token)).Failure);
        Assert.Equal(AuthFailure.TokenExpired, (await authenticator.AuthenticateAsync(token)).Failure);

        Assert.Equal(0, cache.ExpiredCount);
        Assert.Equal(0, Counter("expired"));
    }

    [Fact]
    public async Task ClockSteppedBack_TokenValidAgain_VerifiedAndAccepted()
    {
        var clock = new SteppedClock(Now);
        var (authenticator, cache) = await AuthenticatorAsync(time: clock);
        var token = Token(Now.AddMinutes(5));
        clock.Now = Now.AddHours(1); // a clock step forward (VM resume, NTP)
        Assert.Equal(AuthFailure.TokenExpired, (await authenticator.AuthenticateAsync(token)).Failure);
        Assert.Equal(1, cache.ExpiredCount);

        clock.Now = Now; // and back

        var result = await authenticator.AuthenticateAsync(token);
        Assert.True(result.Succeeded, result.Failure.ToString());
        Assert.Equal(0, cache.ExpiredCount);
        Assert.Equal(0, Counter("expired"));
    }

    [Fact]
    public async Task EntryFromAReplacedIssuer_NotAnswered_TokenValidatedUnderTheNewOne()
    {
        // A validation that began before a reload may add its entry after the reload cleared the list: it names the
        // old issuer instance, whose skew may be shorter than the new one's.
        var (authenticator, cache) = await AuthenticatorAsync();
        var old = authenticator.Issuers.Single();
        var token = Token(Now.AddMinutes(-2));
        authenticator.ReplaceIssuers([new IssuerRuntime(new IssuerOptions
        {
            Name = "test", Issuer = Issuer, Audiences = ["gateway"], TrustDomains = ["example.org"], ClockSkew = TimeSpan.FromMinutes(5),
        }, _keys)]);
        cache.AddExpired(TokenHash.Compute(token), new TokenCache.ExpiredToken(old, Now.AddMinutes(-2), "stale"));

        var result = await authenticator.AuthenticateAsync(token);

        Assert.True(result.Succeeded, result.Failure.ToString()); // within the new 5-minute skew
        Assert.Equal(0, cache.ExpiredCount);
        Assert.Equal(0, Counter("expired"));
    }

    [Fact]
    public async Task List_Full_StartsOver()
    {
        var (authenticator, cache) = await AuthenticatorAsync();
        var issuer = authenticator.Issuers.Single();
        for (var i = 0; i < TokenCache.MaxExpired; i++)
        {
            cache.AddExpired(TokenHash.Compute($"token-{i}"), new TokenCache.ExpiredToken(issuer, Now, $"h{i}"));
        }

        Assert.Equal(TokenCache.MaxExpired, cache.ExpiredCount);
        Assert.True(cache.TryGetExpired(TokenHash.Compute("token-0"), out _));

        cache.AddExpired(TokenHash.Compute("one-more"), new TokenCache.ExpiredToken(issuer, Now, "h"));

        Assert.Equal(1, cache.ExpiredCount);
        Assert.False(cache.TryGetExpired(TokenHash.Compute("token-0"), out _));
        Assert.True(cache.TryGetExpired(TokenHash.Compute("one-more"), out var entry));
        Assert.Equal("h", entry.TokenHash);
    }
}

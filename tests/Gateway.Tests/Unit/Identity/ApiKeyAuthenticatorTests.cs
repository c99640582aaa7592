using Gateway.Identity;
using Gateway.Identity.ApiKeys;
using Gateway.Observability;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;

namespace Gateway.Tests.Unit.Identity;

public sealed class ApiKeyAuthenticatorTests : IDisposable
{
    private static readonly DateTimeOffset Now = ApiKeyTestStore.Created.AddDays(1);

    private readonly ApiKeyTestStore _file = new();
    private readonly FakeTimeProvider _time = new(Now);
    private readonly GatewayMetrics _metrics = new();
    private readonly ApiKeyTestLogger<ApiKeyAuthenticator> _log = new();
    private readonly GeneratedApiKey _billing;
    private readonly GeneratedApiKey _plain;
    private readonly GeneratedApiKey _everyRoute;
    private readonly GeneratedApiKey _expired;
    private readonly GeneratedApiKey _revoked;
    private readonly GeneratedApiKey _revokedAndExpired;
    private readonly ApiKeyAuthenticator _auth;

    public ApiKeyAuthenticatorTests()
    {
        _billing = _file.Add(owner: "spiffe://example.org/legacy/billing", routes: ["payments", "invoices"], roles: ["billing-reader", "billing-writer"]);
        _plain = _file.Add(owner: "reporting-batch", routes: ["reports"]);
        _everyRoute = _file.Add(owner: "ops-probe", routes: ["*"]);
        _expired = _file.Add(owner: "old-client", expires: Now.AddSeconds(-1));
        _revoked = _file.Add(owner: "leaked-client", revoked: Now.AddHours(-1));
        _revokedAndExpired = _file.Add(owner: "gone-client", created: Now.AddDays(-30), expires: Now.AddDays(-1), revoked: Now.AddDays(-2));
        _file.Write();
        Store = NewStore(_file.File);
        _auth = new ApiKeyAuthenticator(Store, _metrics, _log, _time);
    }

    private ApiKeyStore Store { get; }

    public void Dispose() => _file.Dispose();

    private ApiKeyStore NewStore(string? file)
        => new(file, ApiKeyLoadSettings.None, _metrics, NullLogger<ApiKeyStore>.Instance, _time);

    private double Outcome(string outcome) => _metrics.ApiKeyAuth.WithLabels(outcome).Value;

    /// <summary>The key with the same id and another (well-formed) secret.</summary>
    private static string WrongSecret(GeneratedApiKey key)
    {
        var other = ApiKeyGenerator.Generate().Key;
        return key.Key[..16] + other[16..];
    }

    [Fact]
    public void Authenticate_ValidKey_IdentityOfTheOwner()
    {
        var result = _auth.Authenticate(_billing.Key, "payments");

        Assert.True(result.Succeeded);
        Assert.Equal(AuthFailure.None, result.Failure);
        var id = result.Identity!;
        Assert.Equal("spiffe://example.org/legacy/billing", id.Id);
        Assert.Equal("api-key", id.Issuer);
        Assert.Equal("api-keys", id.IssuerName);
        Assert.Equal(WorkloadIdentity.ApiKeyAuthMethod, id.AuthMethod);
        Assert.Equal(new SpiffeId("example.org", "/legacy/billing"), id.Spiffe);
        Assert.Equal(_billing.Id, id.TokenId);
        Assert.Equal(TokenHash.Compute(_billing.Key).ToShortString(), id.TokenHash);
        Assert.Equal(ApiKeyTestStore.Expires, id.Expires);
        Assert.Equal(IdentityBinding.None, id.Binding);
        Assert.Equal("api_key", id.Policy.AuthMethod);
        Assert.Equal("example.org", id.Policy.TrustDomain);
        Assert.Equal(["billing-reader", "billing-writer"], id.Policy.Claims["roles"]);
        Assert.Equal([_billing.Id], id.Policy.Claims["api_key_id"]);
        Assert.Equal("api-keys", result.IssuerName);
        Assert.Equal(id.TokenHash, result.TokenHash);
        Assert.Equal(1, Outcome("success"));
    }

    [Fact]
    public void Authenticate_PlainOwner_NoSpiffeIdAndNoRolesClaim()
    {
        var id = _auth.Authenticate(_plain.Key, "reports").Identity!;

        Assert.Equal("reporting-batch", id.Id);
        Assert.Null(id.Spiffe);
        Assert.False(id.Policy.Claims.ContainsKey("roles"));
        Assert.Equal([_plain.Id], id.Policy.Claims["api_key_id"]);
    }

    [Fact]
    public void Authenticate_SameKeyTwice_SameIdentityInstance()
    {
        var a = _auth.Authenticate(_billing.Key, "payments").Identity;
        var b = _auth.Authenticate(_billing.Key, "invoices").Identity;

        Assert.Same(a, b);
    }

    [Fact]
    public void Authenticate_Success_AllocatesNothing()
    {
        _auth.Authenticate(_billing.Key, "payments");
        var before = GC.GetAllocatedBytesForCurrentThread();
        for (var i = 0; i < 100; i++)
        {
            _auth.Authenticate(_billing.Key, "payments");
        }

        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
    }

    [Fact]
    public void Authenticate_UnknownId_Invalid()
    {
        var stranger = ApiKeyGenerator.Generate();

        var result = _auth.Authenticate(stranger.Key, "payments");

        Assert.Equal(AuthFailure.ApiKeyInvalid, result.Failure);
        Assert.Null(result.Identity);
        Assert.Equal(TokenHash.Compute(stranger.Key).ToShortString(), result.TokenHash);
        Assert.Equal(1, Outcome("api_key_invalid"));
    }

    [Fact]
    public void Authenticate_KnownIdWrongSecret_InvalidLikeAnUnknownId()
    {
        var result = _auth.Authenticate(WrongSecret(_billing), "payments");

        Assert.Equal(AuthFailure.ApiKeyInvalid, result.Failure);
        Assert.Equal(1, Outcome("api_key_invalid"));
    }

    [Fact]
    public void Authenticate_WrongSecretOfRevokedOrExpiredKey_InvalidNotItsStatus()
    {
        // The status of a key is told only to whoever holds its secret.
        Assert.Equal(AuthFailure.ApiKeyInvalid, _auth.Authenticate(WrongSecret(_revoked), "payments").Failure);
        Assert.Equal(AuthFailure.ApiKeyInvalid, _auth.Authenticate(WrongSecret(_expired), "payments").Failure);
        Assert.Equal(AuthFailure.ApiKeyInvalid, _auth.Authenticate(WrongSecret(_billing), "nowhere").Failure);
    }

    [Theory]
    [InlineData("empty", "")]
    [InlineData("a JWT", "eyJhbGciOiJFUzI1NiJ9.eyJzdWIiOiJ4In0.c2ln")]
    [InlineData("too long", "gk_abcdefgh2345_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA")]
    public void Authenticate_Malformed_InvalidCountedAsMalformed(string name, string value)
    {
        _ = name;
        var result = _auth.Authenticate(value, "payments");

        Assert.Equal(AuthFailure.ApiKeyInvalid, result.Failure);
        Assert.Null(result.TokenHash);
        Assert.Equal(1, Outcome("malformed"));
        Assert.Equal(0, Outcome("api_key_invalid"));
    }

    [Fact]
    public void Authenticate_Expired_Expired()
    {
        var result = _auth.Authenticate(_expired.Key, "payments");

        Assert.Equal(AuthFailure.ApiKeyExpired, result.Failure);
        Assert.Equal(TokenHash.Compute(_expired.Key).ToShortString(), result.TokenHash);
        Assert.Equal(1, Outcome("api_key_expired"));
    }

    [Fact]
    public void Authenticate_AtTheExpiryInstant_Expired()
    {
        Assert.True(_auth.Authenticate(_billing.Key, "payments").Succeeded);

        _time.SetUtcNow(ApiKeyTestStore.Expires);

        Assert.Equal(AuthFailure.ApiKeyExpired, _auth.Authenticate(_billing.Key, "payments").Failure);
    }

    [Fact]
    public void Authenticate_Revoked_Revoked()
    {
        Assert.Equal(AuthFailure.ApiKeyRevoked, _auth.Authenticate(_revoked.Key, "payments").Failure);
        Assert.Equal(1, Outcome("api_key_revoked"));
    }

    [Fact]
    public void Authenticate_RevokedAndExpired_RevokedWins()
    {
        Assert.Equal(AuthFailure.ApiKeyRevoked, _auth.Authenticate(_revokedAndExpired.Key, "payments").Failure);
    }

    [Fact]
    public void Authenticate_RouteNotListed_RouteNotAllowed()
    {
        var result = _auth.Authenticate(_billing.Key, "admin");

        Assert.Equal(AuthFailure.ApiKeyRouteNotAllowed, result.Failure);
        Assert.Equal(1, Outcome("api_key_route_not_allowed"));
    }

    [Theory]
    [InlineData("other case", "Payments")]
    [InlineData("prefix", "pay")]
    [InlineData("no route", null)]
    public void Authenticate_RouteNotExactlyListed_RouteNotAllowed(string name, string? route)
    {
        _ = name;
        Assert.Equal(AuthFailure.ApiKeyRouteNotAllowed, _auth.Authenticate(_billing.Key, route).Failure);
    }

    [Theory]
    [InlineData("payments")]
    [InlineData("admin")]
    [InlineData(null)]
    public void Authenticate_StarRoutes_EveryRoute(string? route)
    {
        Assert.True(_auth.Authenticate(_everyRoute.Key, route).Succeeded);
    }

    [Fact]
    public void Authenticate_KeysOff_Unavailable()
    {
        var off = new ApiKeyAuthenticator(NewStore(null), _metrics, _log, _time);

        var result = off.Authenticate(_billing.Key, "payments");

        Assert.Equal(AuthFailure.ApiKeysUnavailable, result.Failure);
        Assert.Equal(1, Outcome("api_keys_unavailable"));
    }

    [Fact]
    public void Authenticate_StoreNeverLoaded_UnavailableFailClosed()
    {
        _file.WriteRaw("{ not json");
        var broken = new ApiKeyAuthenticator(NewStore(_file.File), _metrics, _log, _time);

        Assert.Equal(AuthFailure.ApiKeysUnavailable, broken.Authenticate(_billing.Key, "payments").Failure);
    }

    [Fact]
    public void Authenticate_Success_LastUsedAtMostOncePerSecond()
    {
        var usage = Store.Current!.ById[_billing.Id].Usage;
        Assert.Null(usage.LastUsed);

        _auth.Authenticate(_billing.Key, "payments");
        Assert.Equal(Now, usage.LastUsed);

        _time.Advance(TimeSpan.FromMilliseconds(900));
        _auth.Authenticate(_billing.Key, "payments");
        Assert.Equal(Now, usage.LastUsed);

        _time.Advance(TimeSpan.FromMilliseconds(100));
        _auth.Authenticate(_billing.Key, "payments");
        Assert.Equal(Now.AddSeconds(1), usage.LastUsed);
        Assert.Null(usage.LastRefused);
    }

    [Fact]
    public void Authenticate_Refused_LastRefusedNotLastUsed()
    {
        _auth.Authenticate(_billing.Key, "admin");

        var usage = Store.Current!.ById[_billing.Id].Usage;
        Assert.Null(usage.LastUsed);
        Assert.Equal(Now, usage.LastRefused);
    }

    [Fact]
    public void Authenticate_WrongSecret_NoUsageRecorded()
    {
        _auth.Authenticate(WrongSecret(_billing), "payments");

        var usage = Store.Current!.ById[_billing.Id].Usage;
        Assert.Null(usage.LastUsed);
        Assert.Null(usage.LastRefused);
    }

    [Fact]
    public void Authenticate_RetiredKeyUsed_LoggedWithIdThrottled()
    {
        _auth.Authenticate(_revoked.Key, "payments");
        _auth.Authenticate(_revoked.Key, "payments");
        _time.Advance(TimeSpan.FromSeconds(1));
        _auth.Authenticate(_revoked.Key, "payments");

        var lines = _log.Lines.Where(l => l.EventId == Gateway.Observability.EventIds.ApiKeyRefused).ToList();
        Assert.Equal(2, lines.Count);
        Assert.Equal(LogLevel.Warning, lines[0].Level);
        Assert.Contains(_revoked.Id, lines[0].Message);
        Assert.Contains("api_key_revoked", lines[0].Message);
    }

    [Fact]
    public void Authenticate_EveryOutcome_NeverLogsAKeyOrAHash()
    {
        var wrong = WrongSecret(_billing);
        foreach (var key in new[] { _billing.Key, _plain.Key, _everyRoute.Key, _expired.Key, _revoked.Key, wrong, ApiKeyGenerator.Generate().Key, "junk" })
        {
            _auth.Authenticate(key, "payments");
            _auth.Authenticate(key, "admin");
            _time.Advance(TimeSpan.FromSeconds(2));
        }

        var logged = _log.All;
        Assert.NotEmpty(logged);
        foreach (var k in new[] { _billing, _plain, _everyRoute, _expired, _revoked })
        {
            Assert.DoesNotContain(k.Key[16..], logged);
            Assert.DoesNotContain(k.Hash[7..], logged);
            Assert.DoesNotContain(TokenHash.Compute(k.Key).ToShortString(), logged);
        }

        Assert.DoesNotContain(wrong[16..], logged);
    }
}

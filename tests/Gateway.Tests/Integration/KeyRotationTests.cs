using System.Text.Json.Nodes;

namespace Gateway.Tests.Integration;

/// <summary>Keys from a real JWKS URL: rotation, removal, outage, none at all, and bad-token floods.</summary>
public sealed class KeyRotationTests : OneIssuerTests
{
    private Task<TestGateway> StartGatewayAsync(string refresh = "00:01:00", bool waitForKeys = true)
        => TestGateway.StartAsync(new JsonArray(TestGateway.IssuerJson("example", TestGateway.Issuer, "JwksUrl", Jwks.JwksUrl,
            o => o["RefreshInterval"] = refresh)), waitForKeys: waitForKeys);

    private string Token(Microsoft.IdentityModel.Tokens.SecurityKey key) => TestKeys.Sign(key, "RS256", TestKeys.Claims(TestGateway.Issuer, Sub));

    [Fact]
    public async Task NewKid_PublishedAtJwksUrl_AcceptedWithinSeconds()
    {
        await using var gw = await StartGatewayAsync();
        var newToken = Token(Keys.Rsa2);
        using (var before = await gw.GetAsync("/payments/1", newToken))
        {
            await ProblemAssert.IsProblemAsync(before, 401, "unknown_key");
        }

        Jwks.Publish(TestKeys.Jwks(TestKeys.Jwk(Keys.Rsa1), TestKeys.Jwk(Keys.Rsa2)));
        await gw.WaitUntilAsync(async () =>
        {
            using var r = await gw.GetAsync("/payments/1", newToken);
            return (int)r.StatusCode == 200;
        }, "new key accepted", TimeSpan.FromSeconds(10));
    }

    [Fact]
    public async Task NewKid_WhileGarbageAndUnknownIssuerTokensFlood_StillAcceptedWithinSeconds()
    {
        await using var gw = await StartGatewayAsync();
        var requestsBefore = Jwks.Requests;
        using var stop = new CancellationTokenSource();
        var flood = Task.Run(async () =>
        {
            var evil = TestKeys.Sign(Keys.Rsa2, "RS256", TestKeys.Claims("https://evil.example", Sub));
            while (!stop.IsCancellationRequested)
            {
                using (await gw.GetAsync("/payments/1", "garbage.garbage.garbage")) { }
                using (await gw.GetAsync("/payments/1", evil)) { }
            }
        });
        await Task.Delay(1000);
        // Garbage and unknown issuers never trigger a key fetch.
        Assert.Equal(requestsBefore, Jwks.Requests);

        Jwks.Publish(TestKeys.Jwks(TestKeys.Jwk(Keys.Rsa1), TestKeys.Jwk(Keys.Rsa2)));
        var newToken = Token(Keys.Rsa2);
        await gw.WaitUntilAsync(async () =>
        {
            using var r = await gw.GetAsync("/payments/1", newToken);
            return (int)r.StatusCode == 200;
        }, "new key accepted during flood", TimeSpan.FromSeconds(10));
        await stop.CancelAsync();
        await flood;
    }

    [Fact]
    public async Task UnknownKidFlood_ForcedRefreshesAreRateLimited()
    {
        await using var gw = await StartGatewayAsync();
        var before = Jwks.Requests;
        var unknown = TestKeys.Sign(new Microsoft.IdentityModel.Tokens.RsaSecurityKey(System.Security.Cryptography.RSA.Create(2048)) { KeyId = "nope" },
            "RS256", TestKeys.Claims(TestGateway.Issuer, Sub));
        var started = DateTime.UtcNow;
        for (var i = 0; i < 200; i++)
        {
            using var r = await gw.GetAsync("/payments/1", unknown);
            Assert.Equal(401, (int)r.StatusCode);
        }

        var seconds = (DateTime.UtcNow - started).TotalSeconds;
        // MinForcedRefreshInterval is 0.5 s in tests: at most one fetch per half second (plus one in flight).
        Assert.InRange(Jwks.Requests - before, 1, (int)Math.Ceiling(seconds / 0.5) + 2);
    }

    [Fact]
    public async Task KeyRemovedFromJwks_TokensSignedByItRefusedAfterRefresh_EvenWhenCached()
    {
        Jwks.Publish(TestKeys.Jwks(TestKeys.Jwk(Keys.Rsa1), TestKeys.Jwk(Keys.Rsa2)));
        await using var gw = await StartGatewayAsync(refresh: "00:00:01");
        var token = Token(Keys.Rsa2);
        using (var ok = await gw.GetAsync("/payments/1", token))
        {
            Assert.Equal(200, (int)ok.StatusCode); // now cached
        }

        Jwks.Publish(TestKeys.Jwks(TestKeys.Jwk(Keys.Rsa1)));
        await gw.WaitUntilAsync(async () =>
        {
            using var r = await gw.GetAsync("/payments/1", token);
            return (int)r.StatusCode == 401;
        }, "removed key refused", TimeSpan.FromSeconds(10));
        using var refused = await gw.GetAsync("/payments/1", token);
        await ProblemAssert.IsProblemAsync(refused, 401, "unknown_key");
        using var still = await gw.GetAsync("/payments/1", Token(Keys.Rsa1));
        Assert.Equal(200, (int)still.StatusCode);
    }

    [Fact]
    public async Task JwksUrlDown_CachedKeysKeepServing()
    {
        await using var gw = await StartGatewayAsync(refresh: "00:00:01");
        Jwks.Failing = true;
        await gw.WaitUntilAsync(async () => (await gw.MetricsAsync()).Contains("gateway_key_refresh_total{issuer=\"example\",outcome=\"failure\"}"),
            "a failed refresh");
        using var r = await gw.GetAsync("/payments/1", Token(Keys.Rsa1));
        Assert.Equal(200, (int)r.StatusCode);
        Assert.Equal(System.Net.HttpStatusCode.OK, (await gw.Client.GetAsync(gw.AdminUrl("/readyz"))).StatusCode);
    }

    [Fact]
    public async Task JwksServesGarbage_LastGoodKeysKept()
    {
        await using var gw = await StartGatewayAsync(refresh: "00:00:01");
        Jwks.Publish("{\"keys\": [ {\"kty\": \"RSA\", \"kid\": \"weak\", \"n\": \"AQAB\", \"e\": \"AQAB\"} ]}");
        await gw.WaitUntilAsync(async () => (await gw.MetricsAsync()).Contains("gateway_key_refresh_total{issuer=\"example\",outcome=\"failure\"}"),
            "a refused key set");
        using var r = await gw.GetAsync("/payments/1", Token(Keys.Rsa1));
        Assert.Equal(200, (int)r.StatusCode);
    }

    [Fact]
    public async Task NoKeysAtAll_FailsClosedAndNotReady()
    {
        Jwks.Failing = true;
        await using var gw = await StartGatewayAsync(waitForKeys: false);
        using var r = await gw.GetAsync("/payments/1", Token(Keys.Rsa1));
        await ProblemAssert.IsProblemAsync(r, 503, "keys_unavailable");
        using var ready = await gw.Client.GetAsync(gw.AdminUrl("/readyz"));
        Assert.Equal(503, (int)ready.StatusCode);
        Assert.Empty(gw.UpstreamRequests);

        // When the issuer comes back, the gateway recovers by itself.
        Jwks.Failing = false;
        await gw.WaitUntilAsync(async () =>
        {
            using var again = await gw.GetAsync("/payments/1", Token(Keys.Rsa1));
            return (int)again.StatusCode == 200;
        }, "recovery", TimeSpan.FromSeconds(15));
    }

    [Fact]
    public async Task OidcDiscovery_KeysLoaded_AndIssuerMismatchRefused()
    {
        await using var gw = await TestGateway.StartAsync(new JsonArray(
            TestGateway.IssuerJson("example", TestGateway.Issuer, "Discovery", Jwks.Url + "/.well-known/openid-configuration")));
        using var r = await gw.GetAsync("/payments/1", Token(Keys.Rsa1));
        Assert.Equal(200, (int)r.StatusCode);

        Jwks.DiscoveryIssuer = "https://mix-up.example";
        await using var gw2 = await TestGateway.StartAsync(new JsonArray(
            TestGateway.IssuerJson("example", TestGateway.Issuer, "Discovery", Jwks.Url + "/.well-known/openid-configuration")), waitForKeys: false);
        using var r2 = await gw2.GetAsync("/payments/1", Token(Keys.Rsa1));
        await ProblemAssert.IsProblemAsync(r2, 503, "keys_unavailable");
    }
}

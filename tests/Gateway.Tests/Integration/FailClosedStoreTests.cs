namespace Gateway.Tests.Integration;

/// <summary>The gateway with the smallest DPoP replay cache the config allows, and API keys off.</summary>
public sealed class SmallReplayCacheFixture : IAsyncLifetime
{
    internal StrongIdentityFixture Inner { get; } = new() { Tweak = gw => gw["Dpop"]!["ReplayCacheSize"] = 1000 };

    public Task InitializeAsync() => Inner.InitializeAsync();

    public Task DisposeAsync() => Inner.DisposeAsync();
}

/// <summary>Stores that cannot answer refuse: a full replay cache is a 503, never an unchecked proof; API keys that are
/// off refuse every key.</summary>
public sealed class FailClosedStoreTests(SmallReplayCacheFixture fixture) : IClassFixture<SmallReplayCacheFixture>
{
    [Fact]
    public async Task ReplayCacheFull_NewProofsRefusedWith503_NeverAccepted()
    {
        var f = fixture.Inner;
        using var key = DpopProofs.CreateKey();
        var token = f.Token("spiffe://example.org/ns/payments/sa/api", c => c["cnf"] = new Dictionary<string, object> { ["jkt"] = DpopProofs.Jkt(key) });
        var url = f.Gateway.Url("/payments/fill");
        var statuses = new Dictionary<int, int>();
        HttpResponseMessage? last = null;
        for (var i = 0; i < 1001; i++)
        {
            last?.Dispose();
            using var request = new HttpRequestMessage(HttpMethod.Get, url);
            request.Headers.TryAddWithoutValidation("Authorization", "DPoP " + token);
            request.Headers.TryAddWithoutValidation("DPoP", DpopProofs.Create(key, "GET", url, DateTimeOffset.UtcNow, token));
            last = await f.Gateway.Client.SendAsync(request);
            statuses[(int)last.StatusCode] = statuses.GetValueOrDefault((int)last.StatusCode) + 1;
        }

        Assert.Equal(1000, statuses.GetValueOrDefault(200));
        await ProblemAssert.IsProblemAsync(last!, 503, "replay_cache_unavailable");
        Assert.NotNull(last!.Headers.RetryAfter);
        last.Dispose();
    }

    [Fact]
    public async Task ApiKeysOff_AnyKeyRefused()
    {
        var f = fixture.Inner;
        var key = Gateway.Identity.ApiKeys.ApiKeyGenerator.Generate().Key;
        using var response = await f.Gateway.GetAsync("/payments/batch/1", null, ("X-Api-Key", key));
        await ProblemAssert.IsProblemAsync(response, 401, "api_keys_unavailable");
    }
}

using System.Text.Json.Nodes;

namespace Gateway.Tests.Integration;

/// <summary>Editing the config file of a running gateway: a good change applies (routes, issuers, policy files), a bad
/// one changes nothing and is counted.</summary>
public sealed class ConfigReloadTests : IAsyncLifetime
{
    private const string Sub = "spiffe://example.org/ns/payments/sa/api";
    private readonly TestKeys _keys = new();
    private JwksServer _jwks = null!;
    private TestGateway _gw = null!;

    public async Task InitializeAsync()
    {
        _jwks = new JwksServer(TestKeys.Jwks(TestKeys.Jwk(_keys.Rsa1)), TestGateway.Issuer);
        await _jwks.StartAsync();
        _gw = await TestGateway.StartAsync(new JsonArray(TestGateway.IssuerJson("example", TestGateway.Issuer, "JwksUrl", _jwks.JwksUrl)));
    }

    public async Task DisposeAsync()
    {
        await _gw.DisposeAsync();
        await _jwks.DisposeAsync();
    }

    private string Token(string audience = "gateway")
        => TestKeys.Sign(_keys.Rsa1, "RS256", TestKeys.Claims(TestGateway.Issuer, Sub, audience));

    private async Task EditConfigAsync(Action<JsonObject> edit)
    {
        var json = JsonNode.Parse(await File.ReadAllTextAsync(_gw.ConfigFile))!.AsObject();
        edit(json);
        await File.WriteAllTextAsync(_gw.ConfigFile, json.ToJsonString(new System.Text.Json.JsonSerializerOptions { WriteIndented = true }));
    }

    private async Task<int> StatusAsync(string path, string token)
    {
        using var r = await _gw.GetAsync(path, token);
        return (int)r.StatusCode;
    }

    [Fact]
    public async Task GoodReload_NewRouteAndPolicyFileApplied()
    {
        Assert.Equal(403, await StatusAsync("/reports/q3", Token())); // only the catch-all route, no rule for it

        await File.WriteAllTextAsync(Path.Combine(_gw.Directory, "reports.yaml"), """
            version: 1
            rules:
              - id: reports-read
                effect: allow
                match:
                  routes: [reports]
                when:
                  trust_domains: [example.org]
            """);
        await EditConfigAsync(c =>
        {
            c["ReverseProxy"]!["Routes"]!["reports"] = new JsonObject
            {
                ["ClusterId"] = "upstream",
                ["Match"] = new JsonObject { ["Path"] = "/reports/{**rest}" },
            };
            c["Gateway"]!["Policies"]!.AsArray().Add("reports.yaml");
        });

        await _gw.WaitUntilAsync(async () => await StatusAsync("/reports/q3", Token()) == 200, "new route and policy applied");
        Assert.Equal(200, await StatusAsync("/payments/1", Token()));
        Assert.Contains("gateway_config_reload_total{outcome=\"success\"}", await _gw.MetricsAsync());
    }

    [Fact]
    public async Task BadReload_LastGoodConfigKeepsServing()
    {
        Assert.Equal(200, await StatusAsync("/payments/1", Token()));

        // A typo'd setting, a refused algorithm, and a route to a cluster that does not exist, all at once.
        await EditConfigAsync(c =>
        {
            var issuer = c["Gateway"]!["Issuers"]![0]!.AsObject();
            issuer["Algorithms"] = new JsonArray("HS256");
            issuer["ClockSkw"] = "00:00:10";
            c["ReverseProxy"]!["Routes"]!["payments"]!["ClusterId"] = "missing";
        });
        await _gw.WaitUntilAsync(async () => (await _gw.MetricsAsync()).Contains("gateway_config_reload_total{outcome=\"failure\"}"),
            "reload refused");
        Assert.Equal(200, await StatusAsync("/payments/1", Token()));

        // Not even JSON.
        // The reload waits for the file to settle (debounce + a quiet second), so wait for the count, not a fixed time.
        await File.WriteAllTextAsync(_gw.ConfigFile, "{ \"Gateway\": ");
        await _gw.WaitUntilAsync(async () => (await _gw.MetricsAsync()).Contains("gateway_config_reload_total{outcome=\"failure\"} 2"),
            "second reload refused");
        Assert.Equal(200, await StatusAsync("/payments/1", Token()));
        Assert.DoesNotContain("gateway_config_reload_total{outcome=\"success\"}", await _gw.MetricsAsync());
    }

    [Fact]
    public async Task HalfWrittenPolicyFile_NeverApplied()
    {
        var token = Token();
        Assert.Equal(403, await StatusAsync("/reports/q3", token));

        // Truncate-and-rewrite in two pieces with a pause: the first piece alone is a valid policy that allows
        // /reports for everyone in example.org; the full file narrows it to a subject nobody has.
        var full = """
            version: 1
            rules:
              - id: payments-allow
                effect: allow
                match:
                  routes: [payments]
                  paths: ["/payments/**"]
                when:
                  spiffe_ids: ["spiffe://example.org/ns/payments/sa/*"]
              - id: reports
                effect: allow
                match:
                  routes: [other]
                when:
                  trust_domains: [example.org]
                  subjects: [nobody]
            """;
        var cut = full.LastIndexOf('\n', full.IndexOf("subjects: [nobody]", StringComparison.Ordinal)) + 1;
        using var stop = new CancellationTokenSource();
        var allowed = 0;
        var probe = Task.Run(async () =>
        {
            while (!stop.IsCancellationRequested)
            {
                if (await StatusAsync("/reports/q3", token) == 200)
                {
                    Interlocked.Increment(ref allowed);
                }

                await Task.Delay(50);
            }
        });
        await using (var f = new FileStream(_gw.PolicyFile, FileMode.Truncate, FileAccess.Write, FileShare.ReadWrite))
        {
            var bytes = System.Text.Encoding.UTF8.GetBytes(full);
            await f.WriteAsync(bytes.AsMemory(0, cut));
            await f.FlushAsync();
            await Task.Delay(600);
            await f.WriteAsync(bytes.AsMemory(cut));
        }

        await _gw.WaitUntilAsync(async () => (await _gw.MetricsAsync()).Contains("gateway_policy_reload_total{outcome=\"success\"}"), "reload of the full file");
        await Task.Delay(500);
        await stop.CancelAsync();
        await probe;
        Assert.Equal(0, allowed);
    }

    [Fact]
    public async Task IssuerRemoved_CachedTokensRefusedAtOnce()
    {
        var token = Token();
        Assert.Equal(200, await StatusAsync("/payments/1", token)); // cached now
        await EditConfigAsync(c => c["Gateway"]!["Issuers"] = new JsonArray());
        await _gw.WaitUntilAsync(async () => await StatusAsync("/payments/1", token) == 401, "removed issuer refused");
        using var refused = await _gw.GetAsync("/payments/1", token);
        await ProblemAssert.IsProblemAsync(refused, 401, "invalid_issuer");
    }

    [Fact]
    public async Task ObligationOnGatewayOwnedHeader_ReloadRefused()
    {
        await File.WriteAllTextAsync(_gw.PolicyFile, """
            version: 2
            rules:
              - id: payments-allow
                effect: allow
                match: { routes: [payments] }
                when: { trust_domains: [example.org] }
                obligations: { headers: { X-Forwarded-User: admin } }
            """);
        await _gw.WaitUntilAsync(async () => (await _gw.MetricsAsync()).Contains("gateway_policy_reload_total{outcome=\"failure\"}"), "reload refused");
        Assert.Equal(200, await StatusAsync("/payments/1", Token()));
        Assert.DoesNotContain(_gw.UpstreamRequests, r => r.Headers.ContainsKey("X-Forwarded-User"));
    }

    [Fact]
    public async Task IssuerChange_AudienceNarrowed_CachedTokensRefused()
    {
        var token = Token();
        Assert.Equal(200, await StatusAsync("/payments/1", token)); // cached now

        await EditConfigAsync(c => c["Gateway"]!["Issuers"]![0]!["Audiences"] = new JsonArray("payments-only"));
        await _gw.WaitUntilAsync(async () => await StatusAsync("/payments/1", token) == 401, "old audience refused");
        using var refused = await _gw.GetAsync("/payments/1", token);
        await ProblemAssert.IsProblemAsync(refused, 401, "invalid_audience");
        Assert.Equal(200, await StatusAsync("/payments/1", Token("payments-only")));
    }
}

namespace Gateway.Tests.Integration;

/// <summary>Decisions through the real gateway, and the path tricks that try to make policy and upstream disagree.</summary>
public sealed class PolicyAndPathTests(StandardGatewayFixture f) : IClassFixture<StandardGatewayFixture>
{
    private const string PaymentsSub = "spiffe://example.org/ns/payments/sa/api";

    [Fact]
    public async Task NoMatchingRule_403WithReason()
    {
        var token = f.Token("spiffe://example.org/ns/shop/sa/web");
        using var response = await f.Gateway.GetAsync("/payments/1", token);
        var body = await ProblemAssert.IsProblemAsync(response, 403, "no_matching_rule");
        Assert.False(body.TryGetProperty("rule", out _));
    }

    [Fact]
    public async Task DenyBeatsAllow_403WithDenyRuleId()
    {
        var token = f.Token();
        using (var allowed = await f.Gateway.GetAsync("/admin/reports", token))
        {
            Assert.Equal(200, (int)allowed.StatusCode);
        }

        using var response = await f.Gateway.GetAsync("/admin/secrets/db", token);
        var body = await ProblemAssert.IsProblemAsync(response, 403, "denied_by_rule");
        Assert.Equal("admin-secrets-deny", body.GetProperty("rule").GetString());
        Assert.DoesNotContain(f.Gateway.UpstreamRequests, r => r.Path.StartsWith("/admin/secrets", StringComparison.Ordinal));
    }

    [Fact]
    public async Task PolicyDecidesOnIdentityNotSourceAddress_SpoofedForwardedForChangesNothing()
    {
        var token = f.Token("spiffe://example.org/ns/shop/sa/web");
        using var response = await f.Gateway.GetAsync("/payments/1", token, ("X-Forwarded-For", "127.0.0.1"), ("X-Real-IP", "127.0.0.1"));
        await ProblemAssert.IsProblemAsync(response, 403, "no_matching_rule");
    }

    [Theory]
    [InlineData("/payments/../admin/secrets/db", "dot_segment")]
    [InlineData("/payments/%2e%2e/admin/secrets/db", "dot_segment")]
    [InlineData("/payments/%2E%2E/admin/secrets/db", "dot_segment")]
    [InlineData("/payments/.%2e/admin/secrets/db", "dot_segment")]
    [InlineData("/payments/./../admin/secrets/db", "dot_segment")]
    [InlineData("/payments%2f..%2fadmin/secrets/db", "encoded_separator")]
    [InlineData("/payments/..%2fadmin/secrets/db", "encoded_separator")]
    [InlineData("/payments/..%5cadmin/secrets/db", "encoded_separator")]
    [InlineData("/payments/%252e%252e/admin/secrets/db", "double_encoding")]
    [InlineData("/payments/%252fadmin", "double_encoding")]
    [InlineData("//admin/secrets/db", "empty_path_segment")]
    [InlineData("/admin//secrets/db", "empty_path_segment")]
    [InlineData("/admin;/secrets/db", "path_parameter")]
    [InlineData("/admin/secrets;x=1/db", "path_parameter")]
    [InlineData("/admin/secrets%3b/db", "path_parameter")]
    [InlineData("/payments/%00/../admin", "kestrel")]
    [InlineData("/payments/%c0%ae%c0%ae/admin", "invalid_utf8")]
    [InlineData("/payments\\..\\admin\\secrets", "backslash_in_path")]
    [InlineData("http://127.0.0.1/admin/secrets/db", "kestrel")]
    public async Task PathTrick_400_NeverReachesForbiddenPathUpstream(string target, string reason)
    {
        var (status, body) = await RawHttp.SendAsync(f.Gateway.PublicPort, "GET", target, "Authorization: Bearer " + f.Token());
        Assert.Equal(400, status);
        if (reason != "kestrel")
        {
            // "kestrel": refused by the HTTP server itself before the gateway sees it (still a 400, still never forwarded).
            Assert.Contains("application/problem+json", body);
            Assert.Contains($"\"reason\":\"{reason}\"", body);
        }
        Assert.DoesNotContain(f.Gateway.UpstreamRequests, r => r.Path.Contains("secrets", StringComparison.Ordinal) || r.Path.Contains("..", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("/admin/SECRETS/db")]
    [InlineData("/admin/Secrets/db")]
    [InlineData("/ADMIN/secrets/db")]
    public async Task CaseVariantOfDeniedPath_StillDenied(string target)
    {
        // YARP routes ignore case and so do many upstreams: a deny on /admin/secrets/** must catch every spelling.
        var (status, body) = await RawHttp.SendAsync(f.Gateway.PublicPort, "GET", target, "Authorization: Bearer " + f.Token());
        Assert.Equal(403, status);
        Assert.Contains("denied_by_rule", body);
        Assert.DoesNotContain(f.Gateway.UpstreamRequests, r => r.Path.Contains("secrets", StringComparison.OrdinalIgnoreCase));
    }

    [Theory]
    [InlineData("/admin/secrets./db")]
    [InlineData("/admin/secrets%20/db")]
    public async Task TrailingDotOrSpaceSegment_400Ambiguous(string target)
    {
        var (status, body) = await RawHttp.SendAsync(f.Gateway.PublicPort, "GET", target, "Authorization: Bearer " + f.Token());
        Assert.Equal(400, status);
        Assert.Contains("ambiguous_segment", body);
    }

    [Fact]
    public async Task UnderscoreSpelledIdentityHeaders_Stripped()
    {
        var (status, _) = await RawHttp.SendAsync(f.Gateway.PublicPort, "GET", "/payments/underscore",
            "Authorization: Bearer " + f.Token(), "X_Workload_Id: spiffe://example.org/ns/admin/sa/root",
            "X_Workload_Trust_Domain: evil", "X_Forwarded_For: 10.0.0.1", "X-Amzn-Oidc-Identity: root");
        Assert.Equal(200, status);
        var seen = f.Gateway.UpstreamRequests.Last(r => r.Path == "/payments/underscore");
        Assert.DoesNotContain(seen.Headers.Keys, k => k.Contains('_'));
        Assert.False(seen.Headers.ContainsKey("X-Amzn-Oidc-Identity"));
    }

    [Fact]
    public async Task EncodedButUnambiguousPath_ForwardedExactlyAsDecided()
    {
        var (status, _) = await RawHttp.SendAsync(f.Gateway.PublicPort, "GET", "/payments/caf%C3%A9%20au%20lait?x=1", "Authorization: Bearer " + f.Token());
        Assert.Equal(200, status);
        var seen = f.Gateway.UpstreamRequests.Last(r => r.Path.StartsWith("/payments/caf", StringComparison.Ordinal));
        Assert.Equal("/payments/café au lait", seen.Path);
    }

    [Fact]
    public async Task UnknownRoute_404Problem()
    {
        // The catch-all route exists in the test config, so use the admin listener to show that the admin port does
        // not proxy, and the public listener to show that /metrics is not served there.
        using var metricsOnPublic = await f.Gateway.GetAsync("/metrics", f.Token());
        await ProblemAssert.IsProblemAsync(metricsOnPublic, 403, "no_matching_rule");
        using var proxyOnAdmin = await f.Gateway.Client.GetAsync(f.Gateway.AdminUrl("/payments/1"));
        await ProblemAssert.IsProblemAsync(proxyOnAdmin, 404, "not_found");
    }

    [Fact]
    public async Task TraceMethod_405()
    {
        var (status, body) = await RawHttp.SendAsync(f.Gateway.PublicPort, "TRACE", "/payments/1", "Authorization: Bearer " + f.Token());
        Assert.Equal(405, status);
        Assert.Contains("method_not_allowed", body);
    }

    [Fact]
    public async Task AdminEndpoints_HealthReadyMetrics()
    {
        Assert.Equal("ok\n", await f.Gateway.Client.GetStringAsync(f.Gateway.AdminUrl("/healthz")));
        Assert.Equal("ready\n", await f.Gateway.Client.GetStringAsync(f.Gateway.AdminUrl("/readyz")));
        using (await f.Gateway.GetAsync("/payments/metrics-check", f.Token()))
        {
        }

        var metrics = await f.Gateway.MetricsAsync();
        Assert.Contains("gateway_decisions_total{route=\"payments\",outcome=\"allow\",reason=\"allowed_by_rule\"}", metrics);
        Assert.Contains("gateway_authentication_duration_seconds_bucket", metrics);
        Assert.Contains("gateway_policy_duration_seconds_bucket", metrics);
        Assert.Contains("gateway_request_duration_seconds_bucket", metrics);
        Assert.Contains("gateway_key_refresh_total{issuer=\"example\",outcome=\"success\"}", metrics);
        Assert.Contains("gateway_token_cache_total", metrics);
        Assert.Contains("gateway_gc_gen2_collections", metrics);
    }
}

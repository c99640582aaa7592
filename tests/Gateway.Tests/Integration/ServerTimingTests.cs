using System.Text.Json.Nodes;

namespace Gateway.Tests.Integration;

public sealed class ServerTimingTests
{
    [Fact]
    public async Task ServerTimingOn_AllowedAndRefusedResponsesCarryStageDurations()
    {
        var keys = new TestKeys();
        await using var jwks = new JwksServer(TestKeys.Jwks(TestKeys.Jwk(keys.Rsa1)), TestGateway.Issuer);
        await jwks.StartAsync();
        await using var gw = await TestGateway.StartAsync(
            new JsonArray(TestGateway.IssuerJson("example", TestGateway.Issuer, "JwksUrl", jwks.JwksUrl)),
            tweak: c => c["Gateway"]!["Observability"] = new JsonObject { ["ServerTiming"] = true });
        var token = TestKeys.Sign(keys.Rsa1, "RS256", TestKeys.Claims(TestGateway.Issuer, "spiffe://example.org/ns/payments/sa/api"));

        using var ok = await gw.GetAsync("/payments/1", token);
        Assert.Equal(200, (int)ok.StatusCode);
        var timing = string.Join(",", ok.Headers.GetValues("Server-Timing"));
        Assert.Matches(@"^auth;dur=[0-9.]+, policy;dur=[0-9.]+, upstream;dur=[0-9.]+, total;dur=[0-9.]+$", timing);

        using var refused = await gw.GetAsync("/payments/1", null);
        Assert.Equal(401, (int)refused.StatusCode);
        Assert.Matches(@"^auth;dur=[0-9.]+, policy;dur=0, total;dur=[0-9.]+$", string.Join(",", refused.Headers.GetValues("Server-Timing")));
    }

    [Fact]
    public async Task ServerTimingOffByDefault_NoHeader()
    {
        var keys = new TestKeys();
        await using var jwks = new JwksServer(TestKeys.Jwks(TestKeys.Jwk(keys.Rsa1)), TestGateway.Issuer);
        await jwks.StartAsync();
        await using var gw = await TestGateway.StartAsync(new JsonArray(TestGateway.IssuerJson("example", TestGateway.Issuer, "JwksUrl", jwks.JwksUrl)));
        using var refused = await gw.GetAsync("/payments/1", null);
        Assert.False(refused.Headers.Contains("Server-Timing"));
    }
}

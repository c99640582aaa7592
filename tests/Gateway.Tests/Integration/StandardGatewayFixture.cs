using System.Text.Json.Nodes;

namespace Gateway.Tests.Integration;

/// <summary>One gateway for a test class: issuer keys (RSA, EC, Ed25519) at a real JWKS URL, the default policy.</summary>
public sealed class StandardGatewayFixture : IAsyncLifetime
{
    internal TestKeys Keys { get; } = new();
    internal JwksServer Jwks { get; private set; } = null!;
    internal TestGateway Gateway { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        Jwks = new JwksServer(TestKeys.Jwks(TestKeys.Jwk(Keys.Rsa1), TestKeys.Jwk(Keys.Ec1), Keys.JwkEd1()), TestGateway.Issuer);
        await Jwks.StartAsync();
        Gateway = await TestGateway.StartAsync(new JsonArray(
            TestGateway.IssuerJson("example", TestGateway.Issuer, "JwksUrl", Jwks.JwksUrl),
            TestGateway.IssuerJson("other", "https://other.example.net", "JwksUrl", Jwks.JwksUrl, o =>
            {
                o["TrustDomains"] = new JsonArray("other.example.net");
            })));
    }

    internal string Token(string sub = "spiffe://example.org/ns/payments/sa/api", Action<Dictionary<string, object>>? change = null)
    {
        var claims = TestKeys.Claims(TestGateway.Issuer, sub);
        change?.Invoke(claims);
        return TestKeys.Sign(Keys.Rsa1, "RS256", claims);
    }

    public async Task DisposeAsync()
    {
        await Gateway.DisposeAsync();
        await Jwks.DisposeAsync();
    }
}

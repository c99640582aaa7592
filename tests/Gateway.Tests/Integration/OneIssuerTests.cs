using System.Text.Json.Nodes;

namespace Gateway.Tests.Integration;

/// <summary>
/// Base of the test classes that start their own gateways against one issuer: RSA test keys, a real JWKS URL that
/// publishes the first key (tests may publish others), the issuer JSON for <see cref="TestGateway.StartAsync"/>, and
/// RS256 tokens for a SPIFFE subject.
/// </summary>
public abstract class OneIssuerTests : IAsyncLifetime
{
    protected const string Sub = "spiffe://example.org/ns/payments/sa/api";

    internal TestKeys Keys { get; } = new();

    internal JwksServer Jwks { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        Jwks = new JwksServer(TestKeys.Jwks(TestKeys.Jwk(Keys.Rsa1)), TestGateway.Issuer);
        await Jwks.StartAsync();
    }

    public async Task DisposeAsync() => await Jwks.DisposeAsync();

    /// <summary>The issuer array: <c>example</c>, keys from the JWKS URL.</summary>
    protected JsonArray Issuers() => new(TestGateway.IssuerJson("example", TestGateway.Issuer, "JwksUrl", Jwks.JwksUrl));

    /// <summary>An RS256 token signed with the published key.</summary>
    protected string Token(string sub = Sub) => TestKeys.Sign(Keys.Rsa1, "RS256", TestKeys.Claims(TestGateway.Issuer, sub));
}

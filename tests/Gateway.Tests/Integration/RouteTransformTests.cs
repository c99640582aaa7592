using System.Text.Json.Nodes;

namespace Gateway.Tests.Integration;

/// <summary>A gateway whose routes have YARP transforms of their own, which run before the gateway's identity headers
/// are set: an operator's (or a mistaken) transform that writes an identity header must never add a second value.</summary>
public sealed class RouteTransformFixture : IAsyncLifetime
{
    internal TestKeys Keys { get; } = new();
    internal JwksServer Jwks { get; private set; } = null!;
    internal TestGateway Gateway { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        Jwks = new JwksServer(TestKeys.Jwks(TestKeys.Jwk(Keys.Rsa1)), TestGateway.Issuer);
        await Jwks.StartAsync();
        Gateway = await TestGateway.StartAsync(new JsonArray(TestGateway.IssuerJson("example", TestGateway.Issuer, "JwksUrl", Jwks.JwksUrl)),
            tweak: config =>
            {
                var route = config["ReverseProxy"]!["Routes"]!["payments"]!.AsObject();
                route["Transforms"] = new JsonArray(
                    new JsonObject { ["RequestHeader"] = "X-Workload-Id", ["Set"] = "spiffe://example.org/ns/admin/sa/root" },
                    new JsonObject { ["RequestHeader"] = "X-Workload-Auth-Method", ["Append"] = "mtls" },
                    new JsonObject { ["RequestHeader"] = "X-Route-Tag", ["Set"] = "payments" });
            });
    }

    public async Task DisposeAsync()
    {
        await Gateway.DisposeAsync();
        await Jwks.DisposeAsync();
    }
}

public sealed class RouteTransformTests(RouteTransformFixture f) : IClassFixture<RouteTransformFixture>
{
    private const string Sub = "spiffe://example.org/ns/payments/sa/api";

    [Fact]
    public async Task RouteTransformSettingIdentityHeaders_UpstreamSeesOnlyTheVerifiedIdentity()
    {
        var token = TestKeys.Sign(f.Keys.Rsa1, "RS256", TestKeys.Claims(TestGateway.Issuer, Sub));
        using var response = await f.Gateway.GetAsync("/payments/transformed", token,
            ("X-Workload-Id", "spiffe://example.org/ns/evil/sa/client"));
        Assert.Equal(200, (int)response.StatusCode);

        var seen = f.Gateway.UpstreamRequests.Last(r => r.Path == "/payments/transformed");
        Assert.Equal(Sub, seen.Headers["X-Workload-Id"]);
        Assert.Equal("jwt", seen.Headers["X-Workload-Auth-Method"]);
        Assert.Equal("payments", seen.Headers["X-Route-Tag"]); // the route's other transforms still apply
    }

    [Fact]
    public void IdentityHeaderNamesOutsideTheReservedPrefix_AreAlwaysReplaced()
    {
        Assert.True(Gateway.Forwarding.IdentityHeadersTransform.AllReserved(new Gateway.Configuration.ForwardingOptions()));
        Assert.False(Gateway.Forwarding.IdentityHeadersTransform.AllReserved(new Gateway.Configuration.ForwardingOptions { SubjectHeader = "X-Caller" }));
        Assert.True(Gateway.Forwarding.IdentityHeadersTransform.AllReserved(new Gateway.Configuration.ForwardingOptions { TokenIdHeader = "" }));
    }

    [Fact]
    public async Task RouteWithoutTransforms_IdentityHeadersHaveOneValueEach()
    {
        var token = TestKeys.Sign(f.Keys.Rsa1, "RS256", TestKeys.Claims(TestGateway.Issuer, Sub));
        using var response = await f.Gateway.GetAsync("/admin/plain", token,
            ("X-Workload-Id", "spiffe://example.org/ns/evil/sa/client"),
            ("X_Workload_Id", "spiffe://example.org/ns/evil/sa/client"),
            ("x-workload-issuer", "https://evil.example"));
        Assert.Equal(200, (int)response.StatusCode);

        var seen = f.Gateway.UpstreamRequests.Last(r => r.Path == "/admin/plain");
        Assert.Equal(Sub, seen.Headers["X-Workload-Id"]);
        Assert.Equal(TestGateway.Issuer, seen.Headers["X-Workload-Issuer"]);
        Assert.False(seen.Headers.ContainsKey("X_Workload_Id"));
    }
}

using System.Security.Cryptography.X509Certificates;
using Microsoft.IdentityModel.Tokens;

namespace Gateway.Tests.Integration;

/// <summary>Policy that requires a bound credential (<c>require: [sender_constrained]</c> on a rule, and a route
/// requirement on <c>admin</c>), through the real gateway with every kind of credential.</summary>
public sealed class SenderConstraintTests(StrongIdentityFixture f) : IClassFixture<StrongIdentityFixture>
{
    private const string RefundsId = "spiffe://example.org/ns/refunds/sa/api";

    [Fact]
    public async Task RuleRequirement_PlainBearer_Refused()
    {
        using var response = await f.Gateway.GetAsync("/payments/refunds/1", f.Token(RefundsId));
        var body = await ProblemAssert.IsProblemAsync(response, 403, "sender_constraint_required");
        Assert.Equal("refunds-bound-only", body.GetProperty("rule").GetString());
    }

    [Fact]
    public async Task RuleRequirement_DpopBoundToken_Allowed()
    {
        using var key = DpopProofs.CreateKey();
        var token = f.Token(RefundsId, c => c["cnf"] = new Dictionary<string, object> { ["jkt"] = DpopProofs.Jkt(key) });
        using var request = new HttpRequestMessage(HttpMethod.Get, f.Gateway.Url("/payments/refunds/2"));
        request.Headers.TryAddWithoutValidation("Authorization", "DPoP " + token);
        request.Headers.TryAddWithoutValidation("DPoP", DpopProofs.Create(key, "GET", f.Gateway.Url("/payments/refunds/2"), DateTimeOffset.UtcNow, token));
        using var response = await f.Gateway.Client.SendAsync(request);
        Assert.Equal(200, (int)response.StatusCode);
    }

    [Fact]
    public async Task RuleRequirement_CertificateBoundToken_Allowed()
    {
        var certificate = f.Svid(RefundsId);
        var token = f.Token(RefundsId, c => c["cnf"] = new Dictionary<string, object> { ["x5t#S256"] = Thumbprint(certificate) });
        using var client = f.Client(certificate);
        using var response = await StrongIdentityFixture.GetAsync(client, f.OptionalUrl("/payments/refunds/3"), "Bearer " + token);
        Assert.Equal(200, (int)response.StatusCode);
    }

    [Fact]
    public async Task RuleRequirement_MtlsIdentity_Allowed()
    {
        using var client = f.Client(f.Svid(RefundsId));
        using var response = await StrongIdentityFixture.GetAsync(client, f.RequiredUrl("/payments/refunds/4"));
        Assert.Equal(200, (int)response.StatusCode);
    }

    [Fact]
    public async Task RouteRequirement_PlainBearer_RefusedBeforeAllowRules()
    {
        using var response = await f.Gateway.GetAsync("/admin/users", f.Token("spiffe://example.org/ns/ops/sa/admin"));
        var body = await ProblemAssert.IsProblemAsync(response, 403, "sender_constraint_required");
        Assert.Equal("requirement:admin", body.GetProperty("rule").GetString());
    }

    [Fact]
    public async Task RouteRequirement_Mtls_Allowed()
    {
        using var client = f.Client(f.Svid("spiffe://example.org/ns/ops/sa/admin"));
        using var response = await StrongIdentityFixture.GetAsync(client, f.RequiredUrl("/admin/users"));
        Assert.Equal(200, (int)response.StatusCode);
    }

    private static string Thumbprint(X509Certificate2 certificate)
        => Base64UrlEncoder.Encode(System.Security.Cryptography.SHA256.HashData(certificate.RawData));
}

using System.Text.Json.Nodes;
using Microsoft.Extensions.Time.Testing;

namespace Gateway.Tests.Integration;

/// <summary>The v2 policy language through the real gateway: segmentation by labels, roles, time windows, shadow
/// mode, obligations, header conditions.</summary>
public sealed class PolicyLanguageTests : IAsyncLifetime
{
    // Wednesday 2026-11-25 10:00 UTC.
    private static readonly DateTimeOffset Wednesday10 = new(2026, 11, 25, 10, 0, 0, TimeSpan.Zero);

    private const string Policy = """
        version: 2
        spiffe_path: /ns/{namespace}/sa/{service_account}
        identities:
          auditor: { spiffe_ids: ["spiffe://example.org/ns/audit/sa/reader"] }
        roles:
          admin-reader:
            grants:
              - identities: [auditor]
        rules:
          - id: same-namespace
            effect: allow
            match: { routes: [payments] }
            when:
              attributes: [ { identity: spiffe.namespace, equals_label: namespace } ]
            obligations: { headers: { X-Tenant: payments }, rate_limit_class: gold }
          - id: admin-for-role-in-office-hours
            effect: allow
            match: { routes: [admin], methods: [GET] }
            when:
              roles: [admin-reader]
              time: { days: [mon-fri], from: "09:00", to: "17:00", time_zone: UTC }
          - id: canary-only
            effect: allow
            match: { routes: [other], paths: ["/canary/**"] }
            when:
              trust_domains: [example.org]
              headers: [ { name: X-Env, equals: canary } ]
          - id: dry-run-only
            effect: allow
            match: { routes: [other], paths: ["/dryrun/**"] }
            when:
              trust_domains: [example.org]
              query: [ { name: dry_run, equals: "true" } ]
          - id: one-host-only
            effect: allow
            match: { routes: [other], paths: ["/hosted/**"], hosts: [api.internal.example.org] }
            when:
              trust_domains: [example.org]
          - id: new-deny-in-shadow
            effect: deny
            mode: shadow
            match: { routes: [payments], paths: ["/payments/legacy/**"] }
        """;

    private readonly TestKeys _keys = new();
    private readonly FakeTimeProvider _time = new(Wednesday10);
    private JwksServer _jwks = null!;
    private TestGateway _gw = null!;

    public async Task InitializeAsync()
    {
        _jwks = new JwksServer(TestKeys.Jwks(TestKeys.Jwk(_keys.Rsa1)), TestGateway.Issuer);
        await _jwks.StartAsync();
        _gw = await TestGateway.StartAsync(
            new JsonArray(TestGateway.IssuerJson("example", TestGateway.Issuer, "JwksUrl", _jwks.JwksUrl)),
            Policy,
            tweak: c => c["ReverseProxy"]!["Routes"]!["payments"]!["Metadata"] = new JsonObject { ["namespace"] = "payments" },
            time: _time);
    }

    public async Task DisposeAsync()
    {
        await _gw.DisposeAsync();
        await _jwks.DisposeAsync();
    }

    private string Token(string sub) => TestKeys.Sign(_keys.Rsa1, "RS256", TestKeys.Claims(TestGateway.Issuer, sub, now: _time.GetUtcNow()));

    [Fact]
    public async Task Segmentation_CallerNamespaceMustEqualRouteNamespace()
    {
        using var same = await _gw.GetAsync("/payments/1", Token("spiffe://example.org/ns/payments/sa/api"));
        Assert.Equal(200, (int)same.StatusCode);
        using var other = await _gw.GetAsync("/payments/1", Token("spiffe://example.org/ns/shop/sa/web"));
        await ProblemAssert.IsProblemAsync(other, 403, "no_matching_rule");
        using var notSpiffe = await _gw.GetAsync("/payments/1", Token("svc-payments"));
        await ProblemAssert.IsProblemAsync(notSpiffe, 403, "no_matching_rule");
    }

    [Fact]
    public async Task Obligations_HeadersSetUpstream_ClientValueReplaced_RateClassAudited()
    {
        using var r = await _gw.GetAsync("/payments/obligations", Token("spiffe://example.org/ns/payments/sa/api"), ("X-Tenant", "evil"));
        Assert.Equal(200, (int)r.StatusCode);
        var seen = _gw.UpstreamRequests.Last(u => u.Path == "/payments/obligations");
        Assert.Equal("payments", seen.Headers["X-Tenant"]);
        await _gw.WaitUntilAsync(() => Task.FromResult(_gw.Audit.Lines.Any(l => l.Contains("/payments/obligations"))), "audit");
        Assert.Contains("\"rateLimitClass\":\"gold\"", _gw.Audit.Lines.First(l => l.Contains("/payments/obligations")));
    }

    [Fact]
    public async Task RoleAndTimeWindow_AllowedInOfficeHours_DeniedAfter()
    {
        var auditor = "spiffe://example.org/ns/audit/sa/reader";
        using (var inHours = await _gw.GetAsync("/admin/reports", Token(auditor)))
        {
            Assert.Equal(200, (int)inHours.StatusCode);
        }

        using (var notInRole = await _gw.GetAsync("/admin/reports", Token("spiffe://example.org/ns/audit/sa/writer")))
        {
            await ProblemAssert.IsProblemAsync(notInRole, 403, "no_matching_rule");
        }

        _time.SetUtcNow(Wednesday10.AddHours(8)); // 18:00
        using var afterHours = await _gw.GetAsync("/admin/reports", Token(auditor));
        await ProblemAssert.IsProblemAsync(afterHours, 403, "no_matching_rule");
    }

    [Fact]
    public async Task HostRule_AlternatingHostsOnOneConnection_EachRequestDecidedOnItsOwnHost()
    {
        // The policy stage remembers the last Host it normalized (no new string per request): a remembered host must
        // never decide another request. Allowed and refused hosts alternate on one keep-alive connection.
        var token = Token("spiffe://example.org/ns/shop/sa/web");
        var cases = new (string Host, int Status)[]
        {
            ("api.internal.example.org:8443", 200),
            ("evil.example.org:8443", 403),
            ("api.internal.example.org:8443", 200),
            ("API.Internal.Example.ORG.", 200),
            ("api.internal.example.org.evil.org", 403),
            ("api.internal.example.org", 200),
            ("internal.example.org:8443", 403),
            ("API.Internal.Example.ORG.", 200),
            ("evil.example.org:8443", 403),
        };
        foreach (var (host, status) in cases)
        {
            using var r = await _gw.GetAsync("/hosted/x", token, ("Host", host));
            Assert.True(status == (int)r.StatusCode, $"Host {host}: expected {status}, got {(int)r.StatusCode}");
            if (status == 403)
            {
                await ProblemAssert.IsProblemAsync(r, 403, "no_matching_rule");
            }
        }
    }

    [Fact]
    public async Task ShadowDeny_NotEnforced_ButAuditedAndCounted()
    {
        using var r = await _gw.GetAsync("/payments/legacy/export", Token("spiffe://example.org/ns/payments/sa/api"));
        Assert.Equal(200, (int)r.StatusCode);
        await _gw.WaitUntilAsync(() => Task.FromResult(_gw.Audit.Lines.Any(l => l.Contains("/payments/legacy/export"))), "audit");
        var line = _gw.Audit.Lines.First(l => l.Contains("/payments/legacy/export"));
        Assert.Contains("\"decision\":\"allow\"", line);
        Assert.Contains("\"shadowDecision\":\"deny\"", line);
        Assert.Contains("\"shadowRule\":\"new-deny-in-shadow\"", line);
        Assert.Contains("gateway_shadow_decisions_total{route=\"payments\",outcome=\"would_deny\",flips=\"true\"}", await _gw.MetricsAsync());
    }

    [Fact]
    public async Task HeaderCondition_MatchesExactValue_DuplicateHeaderRefused()
    {
        var token = Token("spiffe://example.org/ns/shop/sa/web");
        using (var canary = await _gw.GetAsync("/canary/x", token, ("X-Env", "canary")))
        {
            Assert.Equal(200, (int)canary.StatusCode);
        }

        using (var prod = await _gw.GetAsync("/canary/x", token, ("X-Env", "prod")))
        {
            await ProblemAssert.IsProblemAsync(prod, 403, "no_matching_rule");
        }

        var (status, body) = await RawHttp.SendAsync(_gw.PublicPort, "GET", "/canary/x", "Authorization: Bearer " + token,
            "X-Env: canary", "X-Env: prod");
        Assert.Equal(400, status);
        Assert.Contains("ambiguous_parameter", body);
    }

    [Theory]
    [InlineData("X-Env: canary, prod")]
    [InlineData("X_Env: prod")]
    public async Task HeaderCondition_ListOrUnderscoreTwin_RefusedAsAmbiguous(string extra)
    {
        var token = Token("spiffe://example.org/ns/shop/sa/web");
        var headers = extra.StartsWith("X-Env", StringComparison.Ordinal)
            ? new[] { "Authorization: Bearer " + token, extra }
            : new[] { "Authorization: Bearer " + token, "X-Env: canary", extra };
        var (status, body) = await RawHttp.SendAsync(_gw.PublicPort, "GET", "/canary/x", headers);
        Assert.Equal(400, status);
        Assert.Contains("ambiguous_parameter", body);
    }

    [Theory]
    [InlineData("/dryrun/x?dry_run=true", 200)]
    [InlineData("/dryrun/x?dry_run=false", 403)]
    [InlineData("/dryrun/x?dry_run=true&dry_run=false", 400)]
    [InlineData("/dryrun/x?DRY_RUN=true", 400)]
    [InlineData("/dryrun/x?dry_run=true;admin=1", 400)]
    [InlineData("/dryrun/x?dry_run=true&admin[]=1", 400)]
    [InlineData("/dryrun/x?dry_run=true&a%00=1", 400)]
    [InlineData("/dryrun/x??dry_run=true", 400)]
    public async Task QueryCondition_ExactAndUnambiguousOnly(string target, int expected)
    {
        var (status, _) = await RawHttp.SendAsync(_gw.PublicPort, "GET", target, "Authorization: Bearer " + Token("spiffe://example.org/ns/shop/sa/web"));
        Assert.Equal(expected, status);
    }

    [Fact]
    public async Task Obligations_UnderscoreTwinFromClient_RemovedUpstream()
    {
        var (status, _) = await RawHttp.SendAsync(_gw.PublicPort, "GET", "/payments/twin",
            "Authorization: Bearer " + Token("spiffe://example.org/ns/payments/sa/api"), "X_Tenant: evil");
        Assert.Equal(200, status);
        var seen = _gw.UpstreamRequests.Last(u => u.Path == "/payments/twin");
        Assert.Equal("payments", seen.Headers["X-Tenant"]);
        Assert.DoesNotContain(seen.Headers.Keys, k => k.Contains('_'));
    }

    [Fact]
    public async Task UnevaluableCondition_RecordedInAudit()
    {
        // A non-SPIFFE subject: the namespace attribute cannot be evaluated, so the rule does not match — and the
        // audit record says why.
        using var r = await _gw.GetAsync("/payments/unevaluable", Token("svc-payments"));
        Assert.Equal(403, (int)r.StatusCode);
        await _gw.WaitUntilAsync(() => Task.FromResult(_gw.Audit.Lines.Any(l => l.Contains("/payments/unevaluable"))), "audit");
        var line = _gw.Audit.Lines.First(l => l.Contains("/payments/unevaluable"));
        Assert.Contains("\"unevaluableRule\":\"same-namespace\"", line);
    }
}

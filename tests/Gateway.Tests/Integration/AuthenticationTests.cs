using Microsoft.IdentityModel.Tokens;

namespace Gateway.Tests.Integration;

/// <summary>Bearer JWTs through the real gateway: what is accepted, and every reason a token is refused.</summary>
public sealed class AuthenticationTests(StandardGatewayFixture f) : IClassFixture<StandardGatewayFixture>
{
    private const string Allowed = "/payments/42";
    private const string Sub = "spiffe://example.org/ns/payments/sa/api";

    [Fact]
    public async Task ValidRsaToken_Forwarded_UpstreamSeesVerifiedIdentityOnly()
    {
        var token = f.Token();
        using var response = await f.Gateway.GetAsync("/payments/spoof-check", token,
            ("X-Workload-Id", "spiffe://example.org/ns/admin/sa/root"),
            ("X-Workload-Issuer", "https://evil.example"),
            ("X-Workload-Roles", "admin"),
            ("X-Forwarded-For", "10.0.0.1"),
            ("X-Real-IP", "10.0.0.1"),
            ("Forwarded", "for=10.0.0.1;proto=https"),
            ("X-Forwarded-Host", "internal.example"),
            ("X-User", "root"));
        Assert.Equal(200, (int)response.StatusCode);

        var seen = f.Gateway.UpstreamRequests.Last(r => r.Path == "/payments/spoof-check");
        Assert.Equal(Sub, seen.Headers["X-Workload-Id"]);
        Assert.Equal(TestGateway.Issuer, seen.Headers["X-Workload-Issuer"]);
        Assert.Equal("jwt", seen.Headers["X-Workload-Auth-Method"]);
        Assert.Equal("example.org", seen.Headers["X-Workload-Trust-Domain"]);
        Assert.False(seen.Headers.ContainsKey("X-Workload-Roles"));
        Assert.False(seen.Headers.ContainsKey("X-Real-IP"));
        Assert.False(seen.Headers.ContainsKey("Forwarded"));
        Assert.False(seen.Headers.ContainsKey("X-User"));
        Assert.False(seen.Headers.ContainsKey("Authorization"));
        // YARP sets X-Forwarded-* from the real connection; nothing the client claimed survives.
        Assert.DoesNotContain("10.0.0.1", seen.Headers.GetValueOrDefault("X-Forwarded-For") ?? "");
        Assert.DoesNotContain("internal.example", seen.Headers.GetValueOrDefault("X-Forwarded-Host") ?? "");
    }

    [Fact]
    public async Task ValidEcToken_Forwarded()
    {
        var token = TestKeys.Sign(f.Keys.Ec1, "ES256", TestKeys.Claims(TestGateway.Issuer, Sub));
        using var response = await f.Gateway.GetAsync(Allowed, token);
        Assert.Equal(200, (int)response.StatusCode);
    }

    [Fact]
    public async Task ValidEd25519Token_Forwarded()
    {
        var token = f.Keys.SignEd25519(TestKeys.Claims(TestGateway.Issuer, Sub));
        using var response = await f.Gateway.GetAsync(Allowed, token);
        Assert.Equal(200, (int)response.StatusCode);
    }

    [Fact]
    public async Task Ed25519Token_TamperedPayload_InvalidSignature()
    {
        var token = f.Keys.SignEd25519(TestKeys.Claims(TestGateway.Issuer, "spiffe://example.org/ns/other/sa/x"));
        var parts = token.Split('.');
        var forged = parts[0] + "." + TestKeys.B64(System.Text.Json.JsonSerializer.Serialize(TestKeys.Claims(TestGateway.Issuer, Sub))) + "." + parts[2];
        using var response = await f.Gateway.GetAsync(Allowed, forged);
        await ProblemAssert.IsProblemAsync(response, 401, "invalid_signature");
    }

    public static TheoryData<string, string> RefusedTokens() => new()
    {
        { "missing", "token_missing" },
        { "garbage", "malformed_token" },
        { "two-parts", "malformed_token" },
        { "expired", "token_expired" },
        { "not-yet-valid", "token_not_yet_valid" },
        { "issued-in-future", "token_not_yet_valid" },
        { "wrong-audience", "invalid_audience" },
        { "unknown-issuer", "invalid_issuer" },
        { "unknown-kid", "unknown_key" },
        { "tampered-payload", "invalid_signature" },
        { "signed-by-other-key", "invalid_signature" },
        { "alg-none", "algorithm_not_allowed" },
        { "hs256-with-rsa-public-key", "algorithm_not_allowed" },
        { "rs256-header-on-ec-key", "invalid_signature" },
        { "lifetime-too-long", "token_lifetime_exceeds_limit" },
        { "missing-jti", "missing_required_claim" },
        { "missing-exp", "missing_required_claim" },
        { "missing-sub", "invalid_subject" },
        { "malformed-spiffe-sub", "invalid_subject" },
        { "foreign-trust-domain", "trust_domain_not_allowed" },
        { "issuer-bound-elsewhere", "trust_domain_not_allowed" },
        { "sub-leading-space-hides-spiffe", "invalid_subject" },
        { "sub-uppercase-scheme-foreign-domain", "invalid_subject" },
        { "sub-with-crlf", "invalid_subject" },
        { "jti-with-crlf-header-injection", "invalid_claim" },
        { "jti-non-ascii", "invalid_claim" },
        { "jti-not-a-string", "malformed_token" },
        { "crit-header", "malformed_token" },
    };

    [Theory]
    [MemberData(nameof(RefusedTokens))]
    public async Task RefusedToken_401WithReasonAndChallenge(string name, string reason)
    {
        var token = MakeBadToken(name);
        using var response = await f.Gateway.GetAsync(Allowed, token);
        await ProblemAssert.IsProblemAsync(response, 401, reason);
        var challenge = response.Headers.WwwAuthenticate.ToString();
        Assert.StartsWith("Bearer", challenge);
        Assert.Contains("error=\"invalid_token\"", challenge);
        Assert.DoesNotContain(f.Gateway.UpstreamRequests, r => r.Headers.TryGetValue("X-Workload-Token-Id", out var id) && token is not null && token.Contains(id));
    }

    [Theory]
    [InlineData("Basic dXNlcjpwYXNz")]
    [InlineData("Bearer")]
    [InlineData("Bearer a.b.c d")]
    [InlineData("Token abc.def.ghi")]
    public async Task MalformedAuthorizationHeader_401Malformed(string header)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, f.Gateway.Url(Allowed));
        request.Headers.TryAddWithoutValidation("Authorization", header);
        using var response = await f.Gateway.Client.SendAsync(request);
        await ProblemAssert.IsProblemAsync(response, 401, "malformed_token");
    }

    [Fact]
    public async Task TwoAuthorizationHeaders_401Malformed()
    {
        var (status, body) = await RawHttp.SendAsync(f.Gateway.PublicPort, "GET", Allowed,
            "Authorization: Bearer " + f.Token(), "Authorization: Bearer " + f.Token("spiffe://example.org/ns/admin/sa/x"));
        Assert.Equal(401, status);
        Assert.Contains("malformed_token", body);
    }

    [Fact]
    public async Task OversizedToken_401TooLarge()
    {
        var token = f.Token(change: c => c["pad"] = new string('a', 10_000));
        using var response = await f.Gateway.GetAsync(Allowed, token);
        await ProblemAssert.IsProblemAsync(response, 401, "token_too_large");
    }

    [Fact]
    public async Task SameTokenTwice_SecondServedFromCache()
    {
        var token = f.Token();
        using (var r1 = await f.Gateway.GetAsync(Allowed, token))
        {
            Assert.Equal(200, (int)r1.StatusCode);
        }

        var before = CacheHits(await f.Gateway.MetricsAsync());
        using (var r2 = await f.Gateway.GetAsync(Allowed, token))
        {
            Assert.Equal(200, (int)r2.StatusCode);
        }

        Assert.True(CacheHits(await f.Gateway.MetricsAsync()) > before);
    }

    [Fact]
    public async Task AuditRecord_HasIdentityDecisionAndNoToken()
    {
        var token = f.Token();
        using var response = await f.Gateway.GetAsync("/payments/audit-me", token);
        Assert.Equal(200, (int)response.StatusCode);
        await f.Gateway.WaitUntilAsync(() => Task.FromResult(f.Gateway.Audit.Lines.Any(l => l.Contains("/payments/audit-me"))), "audit record");
        var line = f.Gateway.Audit.Lines.First(l => l.Contains("/payments/audit-me"));
        Assert.DoesNotContain(token, line);
        Assert.DoesNotContain(token.Split('.')[2], line);
        var record = System.Text.Json.JsonDocument.Parse(line).RootElement;
        Assert.Equal(Sub, record.GetProperty("identity").GetString());
        Assert.Equal(TestGateway.Issuer, record.GetProperty("issuer").GetString());
        Assert.Equal("jwt", record.GetProperty("authMethod").GetString());
        Assert.Equal("payments", record.GetProperty("route").GetString());
        Assert.Equal("allow", record.GetProperty("decision").GetString());
        Assert.Equal("payments-allow", record.GetProperty("rule").GetString());
        Assert.Equal("allowed_by_rule", record.GetProperty("reason").GetString());
        Assert.Equal(200, record.GetProperty("status").GetInt32());
        Assert.Equal(16, record.GetProperty("tokenHash").GetString()!.Length);
        Assert.False(string.IsNullOrEmpty(record.GetProperty("tokenId").GetString()));
    }

    private static double CacheHits(string metrics)
    {
        foreach (var line in metrics.Split('\n'))
        {
            if (line.StartsWith("gateway_token_cache_total{result=\"hit\"}", StringComparison.Ordinal))
            {
                return double.Parse(line[(line.LastIndexOf(' ') + 1)..], System.Globalization.CultureInfo.InvariantCulture);
            }
        }

        return 0;
    }

    private string? MakeBadToken(string name)
    {
        var c = TestKeys.Claims(TestGateway.Issuer, Sub);
        switch (name)
        {
            case "missing": return null;
            case "garbage": return "not-a-jwt";
            case "two-parts": return "eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ4In0";
            case "expired":
                c = TestKeys.Claims(TestGateway.Issuer, Sub, lifetime: TimeSpan.FromMinutes(10), issuedAgo: TimeSpan.FromMinutes(30));
                break;
            case "not-yet-valid":
                c["nbf"] = DateTimeOffset.UtcNow.AddMinutes(10).ToUnixTimeSeconds();
                break;
            case "issued-in-future":
                c["iat"] = DateTimeOffset.UtcNow.AddMinutes(10).ToUnixTimeSeconds();
                c["nbf"] = DateTimeOffset.UtcNow.AddSeconds(-5).ToUnixTimeSeconds();
                c["exp"] = DateTimeOffset.UtcNow.AddMinutes(20).ToUnixTimeSeconds();
                break;
            case "wrong-audience": c["aud"] = "some-other-service"; break;
            case "unknown-issuer": c["iss"] = "https://evil.example"; break;
            case "unknown-kid":
                return TestKeys.Sign(new Microsoft.IdentityModel.Tokens.RsaSecurityKey(System.Security.Cryptography.RSA.Create(2048)) { KeyId = "never-published" }, "RS256", c);
            case "tampered-payload":
            {
                var t = TestKeys.Sign(f.Keys.Rsa1, "RS256", TestKeys.Claims(TestGateway.Issuer, "spiffe://example.org/ns/other/sa/x"));
                var p = t.Split('.');
                return p[0] + "." + TestKeys.B64(System.Text.Json.JsonSerializer.Serialize(c)) + "." + p[2];
            }
            case "signed-by-other-key":
                // Published kid, but the signature is made with another key.
                return TestKeys.Sign(new RsaSecurityKey(System.Security.Cryptography.RSA.Create(2048)) { KeyId = "rsa-1" }, "RS256", c);
            case "alg-none":
                return TestKeys.Raw(new { alg = "none", typ = "JWT" }, c, "") + "";
            case "hs256-with-rsa-public-key":
                return TestKeys.Hs256WithPublicKey(f.Keys.Rsa1, c);
            case "rs256-header-on-ec-key":
            {
                var t = TestKeys.Sign(f.Keys.Ec1, "ES256", c);
                var p = t.Split('.');
                return TestKeys.B64("{\"alg\":\"RS256\",\"kid\":\"ec-1\",\"typ\":\"JWT\"}") + "." + p[1] + "." + p[2];
            }
            case "lifetime-too-long":
                c = TestKeys.Claims(TestGateway.Issuer, Sub, lifetime: TimeSpan.FromHours(24));
                break;
            case "missing-jti": c.Remove("jti"); break;
            case "missing-exp": c.Remove("exp"); break;
            case "missing-sub": c.Remove("sub"); break;
            case "malformed-spiffe-sub": c["sub"] = "spiffe://Example.org/ns/../sa/x"; break;
            case "foreign-trust-domain": c["sub"] = "spiffe://evil.org/ns/payments/sa/api"; break;
            case "issuer-bound-elsewhere":
                // A valid token from the 'other' issuer claiming a trust domain only 'example' may vouch for.
                c["iss"] = "https://other.example.net";
                break;
            case "sub-leading-space-hides-spiffe": c["sub"] = " spiffe://evil.org/ns/payments/sa/api"; break;
            case "sub-uppercase-scheme-foreign-domain": c["sub"] = "SPIFFE://evil.org/ns/payments/sa/api"; break;
            case "sub-with-crlf": c["sub"] = "svc\r\nX-Workload-Id: root"; break;
            case "jti-with-crlf-header-injection":
                c["jti"] = "a\r\nContent-Length: 0\r\n\r\nPOST /admin/secrets/db HTTP/1.1\r\nHost: x\r\nX-Ignore: ";
                break;
            case "jti-non-ascii": c["jti"] = "ab\u00e9c"; break;
            case "jti-not-a-string": c["jti"] = 12345; break;
            case "crit-header":
                return TestKeys.Sign(f.Keys.Rsa1, "RS256", c, new Dictionary<string, object> { ["crit"] = new[] { "exp-bogus" }, ["exp-bogus"] = 1 });
            default: throw new ArgumentException(name);
        }

        return TestKeys.Sign(f.Keys.Rsa1, "RS256", c);
    }
}

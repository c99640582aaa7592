using Gateway.Identity.ApiKeys;
using Gateway.Tests.Unit.Identity;

namespace Gateway.Tests.Integration;

/// <summary>The gateway with an API key store: keys generated at run time, one of each state.</summary>
public sealed class ApiKeyFixture : IAsyncLifetime
{
    private readonly ApiKeyTestStore _store = new();

    public ApiKeyFixture()
    {
        var now = DateTimeOffset.UtcNow;
        Valid = _store.Add("legacy-billing", ["payments"], created: now.AddHours(-1), expires: now.AddDays(30));
        Expired = _store.Add("legacy-billing", ["payments"], created: now.AddDays(-40), expires: now.AddDays(-10));
        Revoked = _store.Add("legacy-billing", ["payments"], created: now.AddDays(-2), expires: now.AddDays(30), revoked: now.AddDays(-1));
        ToRevoke = _store.Add("legacy-billing", ["payments"], created: now.AddHours(-1), expires: now.AddDays(30));
        _store.Write();
        Inner = new StrongIdentityFixture { Tweak = gw => gw["ApiKeys"] = new System.Text.Json.Nodes.JsonObject { ["StoreFile"] = _store.File } };
    }

    internal StrongIdentityFixture Inner { get; }
    internal GeneratedApiKey Valid { get; }
    internal GeneratedApiKey Expired { get; }
    internal GeneratedApiKey Revoked { get; }
    internal GeneratedApiKey ToRevoke { get; }
    internal string StoreFile => _store.File;

    public Task InitializeAsync() => Inner.InitializeAsync();

    public async Task DisposeAsync()
    {
        await Inner.DisposeAsync();
        _store.Dispose();
    }
}

/// <summary>API keys for legacy machines through the real gateway: hashes only, narrow routes, policy-visible.</summary>
public sealed class ApiKeyGatewayTests(ApiKeyFixture k) : IClassFixture<ApiKeyFixture>
{
    private TestGateway Gateway => k.Inner.Gateway;

    private async Task<HttpResponseMessage> SendAsync(string path, params (string Name, string Value)[] headers)
        => await Gateway.GetAsync(path, null, headers);

    [Fact]
    public async Task ValidKey_AuthorizationScheme_ForwardedAsApiKeyIdentity_KeyNeverForwardedOrAudited()
    {
        using var response = await SendAsync("/payments/batch/run-1", ("Authorization", "ApiKey " + k.Valid.Key));
        Assert.Equal(200, (int)response.StatusCode);

        var seen = Gateway.UpstreamRequests.Last(r => r.Path == "/payments/batch/run-1");
        Assert.Equal("legacy-billing", seen.Headers["X-Workload-Id"]);
        Assert.Equal("api_key", seen.Headers["X-Workload-Auth-Method"]);
        Assert.Equal(k.Valid.Id, seen.Headers["X-Workload-Token-Id"]);
        Assert.False(seen.Headers.ContainsKey("Authorization"));
        Assert.DoesNotContain(seen.Headers.Values, v => v.Contains(k.Valid.Key[^20..], StringComparison.Ordinal));

        await Gateway.WaitUntilAsync(() => Task.FromResult(Gateway.Audit.Lines.Any(l => l.Contains("/payments/batch/run-1"))), "audit record");
        var line = Gateway.Audit.Lines.First(l => l.Contains("/payments/batch/run-1"));
        Assert.Contains("\"authMethod\":\"api_key\"", line);
        Assert.Contains("\"binding\":\"bearer\"", line);
        Assert.DoesNotContain(k.Valid.Key[^20..], line);
    }

    [Fact]
    public async Task ValidKey_ConfiguredHeader_Forwarded_HeaderStripped()
    {
        // The underscore spelling is what CGI-style upstreams read as the same header: it must not travel either.
        using var ok = await SendAsync("/payments/batch/run-3", ("X-Api-Key", k.Valid.Key), ("X_Api_Key", k.Valid.Key));
        Assert.Equal(200, (int)ok.StatusCode);
        var seen = Gateway.UpstreamRequests.Last(r => r.Path == "/payments/batch/run-3");
        Assert.False(seen.Headers.ContainsKey("X-Api-Key"));
        Assert.False(seen.Headers.ContainsKey("X_Api_Key"));
    }

    [Fact]
    public async Task ValidKey_PolicyConfinesItToBatchPaths()
    {
        using var response = await SendAsync("/payments/refunds/1", ("Authorization", "ApiKey " + k.Valid.Key));
        await ProblemAssert.IsProblemAsync(response, 403, "no_matching_rule");
    }

    [Fact]
    public async Task ValidKey_RouteOutsideItsScope_Refused()
    {
        using var response = await SendAsync("/admin/users", ("Authorization", "ApiKey " + k.Valid.Key));
        await ProblemAssert.IsProblemAsync(response, 401, "api_key_route_not_allowed");
    }

    public static TheoryData<string, string> RefusedKeys() => new()
    {
        { "expired", "api_key_expired" },
        { "revoked", "api_key_revoked" },
        { "unknown", "api_key_invalid" },
        { "known id, wrong secret", "api_key_invalid" },
        { "malformed", "api_key_invalid" },
        { "JWT in the API key header", "api_key_invalid" },
    };

    [Theory]
    [MemberData(nameof(RefusedKeys))]
    public async Task BadKey_Refused(string name, string reason)
    {
        var key = name switch
        {
            "expired" => k.Expired.Key,
            "revoked" => k.Revoked.Key,
            "unknown" => ApiKeyGenerator.Generate().Key,
            "known id, wrong secret" => k.Valid.Key[..^43] + ApiKeyGenerator.Generate().Key[^43..],
            "malformed" => "gk_" + new string('a', 12) + "_short",
            "JWT in the API key header" => k.Inner.Token(),
            _ => throw new ArgumentOutOfRangeException(nameof(name)),
        };
        using var viaScheme = await SendAsync("/payments/batch/bad", ("Authorization", "ApiKey " + key));
        await ProblemAssert.IsProblemAsync(viaScheme, 401, reason);
        Assert.StartsWith("ApiKey", viaScheme.Headers.WwwAuthenticate.ToString());
        using var viaHeader = await SendAsync("/payments/batch/bad", ("X-Api-Key", key));
        await ProblemAssert.IsProblemAsync(viaHeader, 401, reason);
    }

    [Fact]
    public async Task KeyAndToken_Together_Ambiguous()
    {
        using var response = await SendAsync("/payments/batch/both", ("Authorization", "Bearer " + k.Inner.Token()), ("X-Api-Key", k.Valid.Key));
        await ProblemAssert.IsProblemAsync(response, 401, "ambiguous_credentials");
    }

    [Fact]
    public async Task TwoKeyHeaders_Ambiguous()
    {
        // Two header lines (HttpClient would fold them into one "a, b" line, which is simply not a key).
        var (status, raw) = await RawHttp.SendAsync(Gateway.PublicPort, "GET", "/payments/batch/two",
            "X-Api-Key: " + k.Valid.Key, "X-Api-Key: " + k.Expired.Key);
        Assert.Equal(401, status);
        Assert.Contains("ambiguous_credentials", raw);

        using var folded = await SendAsync("/payments/batch/two", ("X-Api-Key", k.Valid.Key), ("X-Api-Key", k.Expired.Key));
        await ProblemAssert.IsProblemAsync(folded, 401, "api_key_invalid");
    }

    [Fact]
    public async Task RevokedWithTheCli_RunningGatewayRefusesIt()
    {
        using (var before = await SendAsync("/payments/batch/revoke", ("X-Api-Key", k.ToRevoke.Key)))
        {
            Assert.Equal(200, (int)before.StatusCode);
        }

        var output = new StringWriter();
        var error = new StringWriter();
        Assert.Equal(0, global::Gateway.Hosting.ApiKeyVerbs.Run(["revoke", k.ToRevoke.Id, "--store", k.StoreFile], output, error));

        await Gateway.WaitUntilAsync(async () =>
        {
            using var r = await SendAsync("/payments/batch/revoke", ("X-Api-Key", k.ToRevoke.Key));
            return (int)r.StatusCode == 401;
        }, "revocation applied", TimeSpan.FromSeconds(20));
        using var after = await SendAsync("/payments/batch/revoke", ("X-Api-Key", k.ToRevoke.Key));
        await ProblemAssert.IsProblemAsync(after, 401, "api_key_revoked");
    }

    [Fact]
    public async Task AdminView_ListsKeysWithoutSecrets()
    {
        using (await SendAsync("/payments/batch/seen", ("X-Api-Key", k.Valid.Key)))
        {
        }

        var body = await Gateway.Client.GetStringAsync(Gateway.AdminUrl("/apikeys"));
        Assert.Contains(k.Valid.Id, body);
        Assert.Contains("legacy-billing", body);
        Assert.DoesNotContain(k.Valid.Hash, body);
        Assert.DoesNotContain(k.Valid.Key[^43..], body);

        // Not on the public listener.
        using var publicView = await Gateway.Client.GetAsync(Gateway.Url("/apikeys"));
        Assert.NotEqual(200, (int)publicView.StatusCode);
    }
}

/// <summary><c>ForwardAuthorization: true</c> with <c>WhenBoth: certificate</c> and API keys on.</summary>
public sealed class ForwardingFixture : IAsyncLifetime
{
    private readonly ApiKeyTestStore _store = new();

    public ForwardingFixture()
    {
        var now = DateTimeOffset.UtcNow;
        Valid = _store.Add("legacy-billing", ["payments"], created: now.AddHours(-1), expires: now.AddDays(30));
        _store.Write();
        Inner = new StrongIdentityFixture
        {
            Tweak = gw =>
            {
                gw["ApiKeys"] = new System.Text.Json.Nodes.JsonObject { ["StoreFile"] = _store.File };
                gw["Mtls"] = new System.Text.Json.Nodes.JsonObject { ["WhenBoth"] = "certificate" };
                gw["Forwarding"] = new System.Text.Json.Nodes.JsonObject { ["ForwardAuthorization"] = true };
            },
        };
    }

    internal StrongIdentityFixture Inner { get; }
    internal GeneratedApiKey Valid { get; }

    public Task InitializeAsync() => Inner.InitializeAsync();

    public async Task DisposeAsync()
    {
        await Inner.DisposeAsync();
        _store.Dispose();
    }
}

/// <summary>What <c>ForwardAuthorization</c> may forward: only the token the forwarded identity came from.</summary>
public sealed class AuthorizationForwardingTests(ForwardingFixture k) : IClassFixture<ForwardingFixture>
{
    [Fact]
    public async Task ApiKey_NeverForwarded_EvenWhenAsked()
    {
        var f = k.Inner;
        using var response = await f.Gateway.GetAsync("/payments/fwd-key", null, ("Authorization", "ApiKey " + k.Valid.Key));
        Assert.Equal(403, (int)response.StatusCode); // policy confines the key to /payments/batch/**
        using var ok = await f.Gateway.GetAsync("/payments/batch/fwd-key", null, ("Authorization", "ApiKey " + k.Valid.Key));
        Assert.Equal(200, (int)ok.StatusCode);
        Assert.False(f.Gateway.UpstreamRequests.Last(r => r.Path == "/payments/batch/fwd-key").Headers.ContainsKey("Authorization"));
    }

    [Fact]
    public async Task CertificateWins_TheLosingCredentialIsNotForwarded()
    {
        var f = k.Inner;
        using var client = f.Client(f.Svid());
        using var withKey = await StrongIdentityFixture.GetAsync(client, f.OptionalUrl("/payments/fwd-cert-key"), "ApiKey " + k.Valid.Key);
        Assert.Equal(200, (int)withKey.StatusCode);
        var seen = f.Gateway.UpstreamRequests.Last(r => r.Path == "/payments/fwd-cert-key");
        Assert.Equal("mtls", seen.Headers["X-Workload-Auth-Method"]);
        Assert.False(seen.Headers.ContainsKey("Authorization"));

        using var withToken = await StrongIdentityFixture.GetAsync(client, f.OptionalUrl("/payments/fwd-cert-token"), "Bearer " + f.Token("spiffe://example.org/ns/other/sa/x"));
        Assert.Equal(200, (int)withToken.StatusCode);
        Assert.False(f.Gateway.UpstreamRequests.Last(r => r.Path == "/payments/fwd-cert-token").Headers.ContainsKey("Authorization"));
    }

    [Fact]
    public async Task TokenIdentity_ForwardedWhenAsked()
    {
        var f = k.Inner;
        var token = f.Token();
        using var response = await f.Gateway.GetAsync("/payments/fwd-token", token);
        Assert.Equal(200, (int)response.StatusCode);
        Assert.Equal("Bearer " + token, f.Gateway.UpstreamRequests.Last(r => r.Path == "/payments/fwd-token").Headers["Authorization"]);
    }
}

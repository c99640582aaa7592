namespace Gateway.Tests.Integration;

/// <summary>DPoP-bound tokens (RFC 9449) through the real gateway: a copied token is useless without the key.</summary>
public sealed class DpopTests(StrongIdentityFixture f) : IClassFixture<StrongIdentityFixture>
{
    private const string PaymentsId = "spiffe://example.org/ns/payments/sa/api";

    private string BoundToken(DpopProofs.Key key) => f.Token(PaymentsId, c => c["cnf"] = new Dictionary<string, object> { ["jkt"] = DpopProofs.Jkt(key) });

    private string Url(string path) => f.Gateway.Url(path);

    private async Task<HttpResponseMessage> SendAsync(string path, string? authorization, params string[] proofs)
        => await SendAsync(HttpMethod.Get, path, authorization, proofs);

    private async Task<HttpResponseMessage> SendAsync(HttpMethod method, string path, string? authorization, params string[] proofs)
    {
        using var request = new HttpRequestMessage(method, Url(path));
        if (authorization is not null)
        {
            request.Headers.TryAddWithoutValidation("Authorization", authorization);
        }

        foreach (var p in proofs)
        {
            request.Headers.TryAddWithoutValidation("DPoP", p);
        }

        return await f.Gateway.Client.SendAsync(request);
    }

    [Theory]
    [InlineData("ES256")]
    [InlineData("RS256")]
    [InlineData("PS256")]
    [InlineData("EdDSA")]
    public async Task ValidProof_Forwarded_ProofNeverReachesUpstream(string alg)
    {
        using var key = DpopProofs.CreateKey(alg);
        var token = BoundToken(key);
        var path = "/payments/dpop-" + alg;
        var proof = DpopProofs.Create(key, "GET", Url(path), DateTimeOffset.UtcNow, token);
        using var response = await SendAsync(path + "?page=2", "DPoP " + token, proof);
        Assert.Equal(200, (int)response.StatusCode);

        var seen = f.Gateway.UpstreamRequests.Last(r => r.Path == path);
        Assert.False(seen.Headers.ContainsKey("DPoP"));
        Assert.False(seen.Headers.ContainsKey("Authorization"));
        Assert.Equal(PaymentsId, seen.Headers["X-Workload-Id"]);
        await f.Gateway.WaitUntilAsync(() => Task.FromResult(f.Gateway.Audit.Lines.Any(l => l.Contains(path))), "audit record");
        Assert.Contains("\"binding\":\"dpop\"", f.Gateway.Audit.Lines.First(l => l.Contains(path)));
    }

    [Fact]
    public async Task ProofReplayed_SecondUseRefused()
    {
        using var key = DpopProofs.CreateKey();
        var token = BoundToken(key);
        var proof = DpopProofs.Create(key, "GET", Url("/payments/replay"), DateTimeOffset.UtcNow, token);
        using (var first = await SendAsync("/payments/replay", "DPoP " + token, proof))
        {
            Assert.Equal(200, (int)first.StatusCode);
        }

        using var second = await SendAsync("/payments/replay", "DPoP " + token, proof);
        await ProblemAssert.IsProblemAsync(second, 401, "dpop_replay");
        Assert.Contains("invalid_dpop_proof", second.Headers.WwwAuthenticate.ToString());
    }

    public static TheoryData<string, string> RefusedProofs() => new()
    {
        { "no proof", "dpop_proof_missing" },
        { "two proofs", "dpop_proof_invalid" },
        { "other method", "dpop_method_mismatch" },
        { "other URL", "dpop_url_mismatch" },
        { "other host", "dpop_url_mismatch" },
        { "too old", "dpop_proof_expired" },
        { "from the future", "dpop_proof_expired" },
        { "ath of another token", "dpop_ath_mismatch" },
        { "signed by another key", "dpop_key_mismatch" },
        { "tampered", "dpop_proof_invalid" },
        { "wrong typ", "dpop_proof_invalid" },
    };

    [Theory]
    [MemberData(nameof(RefusedProofs))]
    public async Task BadProof_Refused(string name, string reason)
    {
        using var key = DpopProofs.CreateKey();
        using var other = DpopProofs.CreateKey();
        var token = BoundToken(key);
        var url = Url("/payments/bad-proof");
        var now = DateTimeOffset.UtcNow;
        string[] proofs = name switch
        {
            "no proof" => [],
            "two proofs" => [DpopProofs.Create(key, "GET", url, now, token), DpopProofs.Create(key, "GET", url, now, token)],
            "other method" => [DpopProofs.Create(key, "POST", url, now, token)],
            "other URL" => [DpopProofs.Create(key, "GET", Url("/payments/other"), now, token)],
            "other host" => [DpopProofs.Create(key, "GET", url.Replace("127.0.0.1", "localhost"), now, token)],
            "too old" => [DpopProofs.Create(key, "GET", url, now.AddMinutes(-5), token)],
            "from the future" => [DpopProofs.Create(key, "GET", url, now.AddMinutes(5), token)],
            "ath of another token" => [DpopProofs.Create(key, "GET", url, now, f.Token())],
            "signed by another key" => [DpopProofs.Create(other, "GET", url, now, token)],
            "tampered" => [Tamper(DpopProofs.Create(key, "GET", url, now, token))],
            "wrong typ" => [WrongTyp(key, url, now, token)],
            _ => throw new ArgumentOutOfRangeException(nameof(name)),
        };

        using var response = await SendAsync("/payments/bad-proof", "DPoP " + token, proofs);
        await ProblemAssert.IsProblemAsync(response, 401, reason);
        Assert.StartsWith("DPoP", response.Headers.WwwAuthenticate.ToString());
    }

    [Fact]
    public async Task BoundTokenSentAsBearer_Refused()
    {
        using var key = DpopProofs.CreateKey();
        var token = BoundToken(key);
        var proof = DpopProofs.Create(key, "GET", Url("/payments/as-bearer"), DateTimeOffset.UtcNow, token);
        using var withProof = await SendAsync("/payments/as-bearer", "Bearer " + token, proof);
        await ProblemAssert.IsProblemAsync(withProof, 401, "dpop_bound_token_as_bearer");

        // The thief's case: a copied token, no key.
        using var stolen = await f.Gateway.GetAsync("/payments/as-bearer", token);
        await ProblemAssert.IsProblemAsync(stolen, 401, "dpop_bound_token_as_bearer");
    }

    [Fact]
    public async Task UnboundTokenWithDpopScheme_Refused()
    {
        using var key = DpopProofs.CreateKey();
        var token = f.Token(PaymentsId);
        var proof = DpopProofs.Create(key, "GET", Url("/payments/unbound"), DateTimeOffset.UtcNow, token);
        using var response = await SendAsync("/payments/unbound", "DPoP " + token, proof);
        await ProblemAssert.IsProblemAsync(response, 401, "dpop_token_not_bound");
    }

    [Fact]
    public async Task ProofAndRequestSpellPathDifferently_SameResourceAfterNormalization_Allowed()
    {
        // RFC 9449 §4.3: htu is compared after syntax-based normalization (%78 is 'x'), on what the client sent.
        using var key = DpopProofs.CreateKey();
        var token = BoundToken(key);
        var proof = DpopProofs.Create(key, "GET", Url("/payments/x"), DateTimeOffset.UtcNow, token);
        using var response = await SendAsync("/payments/%78", "DPoP " + token, proof);
        Assert.Equal(200, (int)response.StatusCode);
    }

    [Theory]
    [InlineData("1.1")]
    [InlineData("2.0")]
    public async Task ProofForAnotherServer_ReplayedWithThatHost_Refused(string version)
    {
        // Resource server B received a DPoP token and a proof made for it, and replays both here, spoofing its own
        // name in Host (or :authority). Only the gateway's configured origins can carry a proof.
        using var key = DpopProofs.CreateKey();
        var token = BoundToken(key);
        var proof = DpopProofs.Create(key, "GET", "https://rs-b.example/payments/x-origin", DateTimeOffset.UtcNow, token);
        using var client = f.Client(null, Version.Parse(version));
        using var request = new HttpRequestMessage(HttpMethod.Get, f.OptionalUrl("/payments/x-origin"))
        {
            Version = Version.Parse(version),
            VersionPolicy = HttpVersionPolicy.RequestVersionExact,
        };
        request.Headers.Host = "rs-b.example";
        request.Headers.TryAddWithoutValidation("Authorization", "DPoP " + token);
        request.Headers.TryAddWithoutValidation("DPoP", proof);
        using var response = await client.SendAsync(request);
        await ProblemAssert.IsProblemAsync(response, 401, "dpop_url_mismatch");
    }

    [Fact]
    public async Task ProofOverHttps_ConfiguredOrigin_Allowed()
    {
        using var key = DpopProofs.CreateKey();
        var token = BoundToken(key);
        var url = f.OptionalUrl("/payments/https-dpop");
        using var client = f.Client(null);
        using var request = new HttpRequestMessage(HttpMethod.Get, url);
        request.Headers.TryAddWithoutValidation("Authorization", "DPoP " + token);
        request.Headers.TryAddWithoutValidation("DPoP", DpopProofs.Create(key, "GET", url, DateTimeOffset.UtcNow, token));
        using var response = await client.SendAsync(request);
        Assert.Equal(200, (int)response.StatusCode);
    }

    private static string Tamper(string proof)
    {
        var parts = proof.Split('.');
        var payload = System.Text.Json.Nodes.JsonNode.Parse(Microsoft.IdentityModel.Tokens.Base64UrlEncoder.Decode(parts[1]))!.AsObject();
        payload["htm"] = "DELETE";
        return parts[0] + "." + DpopProofs.B64(payload.ToJsonString()) + "." + parts[2];
    }

    private static string WrongTyp(DpopProofs.Key key, string url, DateTimeOffset now, string token)
    {
        var builder = DpopProofs.Proof(key, "GET", url, now, token);
        builder.Header["typ"] = "JWT";
        return builder.Build();
    }
}

/// <summary>The gateway fixture with <c>Dpop.RequireNonce</c> on.</summary>
public sealed class NonceFixture() : IAsyncLifetime
{
    internal StrongIdentityFixture Inner { get; } = new() { Tweak = gw => gw["Dpop"]!["RequireNonce"] = true };

    public Task InitializeAsync() => Inner.InitializeAsync();

    public Task DisposeAsync() => Inner.DisposeAsync();
}

/// <summary>Server nonces (RFC 9449 §8): the first proof without a nonce gets one, the retry with it passes.</summary>
public sealed class DpopNonceTests(NonceFixture fixture) : IClassFixture<NonceFixture>
{
    [Fact]
    public async Task NonceRequired_ChallengeThenRetry_Allowed()
    {
        var f = fixture.Inner;
        using var key = DpopProofs.CreateKey();
        var token = f.Token("spiffe://example.org/ns/payments/sa/api", c => c["cnf"] = new Dictionary<string, object> { ["jkt"] = DpopProofs.Jkt(key) });
        var url = f.Gateway.Url("/payments/nonce");

        using var first = await Send(f, url, token, DpopProofs.Create(key, "GET", url, DateTimeOffset.UtcNow, token));
        await ProblemAssert.IsProblemAsync(first, 401, "use_dpop_nonce");
        Assert.Contains("error=\"use_dpop_nonce\"", first.Headers.WwwAuthenticate.ToString());
        var nonce = Assert.Single(first.Headers.GetValues("DPoP-Nonce"));

        using var forged = await Send(f, url, token, DpopProofs.Create(key, "GET", url, DateTimeOffset.UtcNow, token, nonce: nonce[..^2] + "AA"));
        await ProblemAssert.IsProblemAsync(forged, 401, "use_dpop_nonce");

        using var retry = await Send(f, url, token, DpopProofs.Create(key, "GET", url, DateTimeOffset.UtcNow, token, nonce: nonce));
        Assert.Equal(200, (int)retry.StatusCode);
    }

    private static async Task<HttpResponseMessage> Send(StrongIdentityFixture f, string url, string token, string proof)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, url);
        request.Headers.TryAddWithoutValidation("Authorization", "DPoP " + token);
        request.Headers.TryAddWithoutValidation("DPoP", proof);
        return await f.Gateway.Client.SendAsync(request);
    }
}

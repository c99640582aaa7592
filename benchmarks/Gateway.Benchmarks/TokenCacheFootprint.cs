using System.Security.Cryptography;
using Gateway.Configuration;
using Gateway.Identity;
using Gateway.Observability;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace Gateway.Benchmarks;

/// <summary>
/// Bytes the token cache keeps per validated token: <c>dotnet run -c Release -- footprint [N]</c>. Not a
/// BenchmarkDotNet job (it measures what stays reachable, not what is allocated): N distinct service tokens like the
/// load tool's (SPIFFE subject, audience, scope, jti, 50 min lifetime) go through the real authenticator, and the live
/// heap after a full collection is compared with the heap before. A cached identity lives as long as its token, so this
/// is what a full cache costs (× <c>TokenCache.MaxEntries</c>) and what a burst of new tokens promotes to gen 2.
/// </summary>
internal static class TokenCacheFootprint
{
    private const string Issuer = "https://dev-issuer.gateway.local";

    public static async Task RunAsync(int count)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var jwk = JsonWebKeyConverter.ConvertFromECDsaSecurityKey(new ECDsaSecurityKey(ECDsa.Create(key.ExportParameters(false))) { KeyId = "k1" });
        var metrics = new GatewayMetrics();
        var manager = new IssuerKeyManager(new StaticKeySource($$"""{"keys":[{{System.Text.Json.JsonSerializer.Serialize(jwk)}}]}"""), "dev",
            TimeSpan.FromHours(1), TimeSpan.FromSeconds(5), TimeProvider.System, metrics, NullLogger.Instance);
        await manager.RefreshAsync(CancellationToken.None);
        var options = new IssuerOptions
        {
            Name = "dev", Issuer = Issuer, Audiences = ["gateway"], TrustDomains = ["demo.local"], RequiredClaims = ["jti"],
        };
        var authenticator = new JwtAuthenticator([new IssuerRuntime(options, manager)], new TokenCache(count + 1, TimeProvider.System, metrics),
            TimeProvider.System, 8192);

        var handler = new JsonWebTokenHandler { SetDefaultTimesOnTokenCreation = false };
        var credentials = new SigningCredentials(new ECDsaSecurityKey(key) { KeyId = "k1" }, SecurityAlgorithms.EcdsaSha256);
        var now = DateTime.UtcNow;
        var tokens = new string[count + 1];
        for (var i = 0; i < tokens.Length; i++)
        {
            tokens[i] = handler.CreateToken(new SecurityTokenDescriptor
            {
                Issuer = Issuer,
                Audience = "gateway",
                IssuedAt = now,
                NotBefore = now,
                Expires = now.AddMinutes(50),
                Claims = new Dictionary<string, object>
                {
                    ["sub"] = $"spiffe://demo.local/ns/load/sa/w{i}", ["scope"] = "orders.read", ["jti"] = Guid.NewGuid().ToString("N")[..24],
                },
                SigningCredentials = credentials,
            });
        }

        // One token first, so that what is paid once (JIT, the handler's caches) is in the baseline.
        await Authenticate(authenticator, tokens[0]);
        var before = LiveBytes();
        for (var i = 1; i < tokens.Length; i++)
        {
            await Authenticate(authenticator, tokens[i]);
        }

        var after = LiveBytes();
        Console.WriteLine($"token cache: {(after - before) / (double)count:F0} bytes kept per validated token ({count} tokens of {tokens[1].Length} characters)");
        GC.KeepAlive(authenticator);
        GC.KeepAlive(tokens);
    }

    private static async Task Authenticate(JwtAuthenticator authenticator, string token)
    {
        var result = await authenticator.AuthenticateAsync(token);
        if (!result.Succeeded)
        {
            throw new InvalidOperationException($"footprint token refused: {result.Failure}");
        }
    }

    private static long LiveBytes()
    {
        GC.Collect();
        GC.WaitForPendingFinalizers();
        GC.Collect();
        return GC.GetTotalMemory(forceFullCollection: true);
    }
}

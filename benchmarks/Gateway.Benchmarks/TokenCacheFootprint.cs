using System.Security.Cryptography;
using System.Text.Json;
using Gateway.Identity;
using Microsoft.IdentityModel.Tokens;

namespace Gateway.Benchmarks;

/// <summary>
/// Bytes the token cache keeps per validated token: <c>dotnet run -c Release -- footprint [N]</c>. Not a
/// BenchmarkDotNet job (it measures what stays reachable, not what is allocated): N distinct service tokens
/// (<see cref="TokenValidationBenchmarks.Mint"/>: SPIFFE subject, audience, scope, jti, 50 min lifetime) go through the
/// real authenticator, and the live heap after a full collection is compared with the heap before. A cached identity
/// lives as long as its token, so this is what a full cache costs (× <c>TokenCache.MaxEntries</c>) and what a burst of
/// new tokens promotes to gen 2.
/// </summary>
internal static class TokenCacheFootprint
{
    public static async Task RunAsync(int count)
    {
        var key = new ECDsaSecurityKey(ECDsa.Create(ECCurve.NamedCurves.nistP256)) { KeyId = "ec" };
        var p = key.ECDsa.ExportParameters(false);
        var jwks = JsonSerializer.Serialize(new
        {
            keys = new[] { new { kty = "EC", kid = "ec", crv = "P-256", x = Base64UrlEncoder.Encode(p.Q.X), y = Base64UrlEncoder.Encode(p.Q.Y) } },
        });
        var authenticator = TokenValidationBenchmarks.Build(jwks, count + 1);
        var tokens = new string[count + 1];
        for (var i = 0; i < tokens.Length; i++)
        {
            tokens[i] = TokenValidationBenchmarks.Mint(key, "ES256", $"spiffe://bench.local/ns/load/sa/w{i}", Guid.NewGuid().ToString("N")[..24]);
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

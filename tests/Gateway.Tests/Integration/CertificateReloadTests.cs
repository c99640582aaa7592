using System.Security.Cryptography.X509Certificates;

namespace Gateway.Tests.Integration;

/// <summary>A fixture of its own: these tests rewrite the trust bundle and server certificate files.</summary>
public sealed class ReloadingStrongIdentityFixture : IAsyncLifetime
{
    internal StrongIdentityFixture Inner { get; } = new();

    public Task InitializeAsync() => Inner.InitializeAsync();

    public Task DisposeAsync() => Inner.DisposeAsync();
}

/// <summary>Trust bundles and server certificates are reloaded when their files change; a bad file changes nothing.</summary>
public sealed class CertificateReloadTests(ReloadingStrongIdentityFixture fixture) : IClassFixture<ReloadingStrongIdentityFixture>
{
    private StrongIdentityFixture F => fixture.Inner;

    [Fact]
    public async Task BundleRotation_NewRootTrusted_OldRootRefusedOnTheSameConnection_BrokenBundleKeepsLastGood()
    {
        var oldSvid = F.Svid();
        using var oldClient = F.Client(oldSvid);
        using (var before = await StrongIdentityFixture.GetAsync(oldClient, F.RequiredUrl("/payments/rotate-1")))
        {
            Assert.Equal(200, (int)before.StatusCode);
        }

        // The trust domain moves to a new root; SVIDs of the old root stop being trusted, also on a live connection.
        var newRoot = TestCertificates.CreateRootCa("example.org");
        var newSvid = TestCertificates.ForTls(TestCertificates.CreateSvid(newRoot, "spiffe://example.org/ns/payments/sa/api"));
        await File.WriteAllTextAsync(F.ExampleBundleFile + ".tmp", TestCertificates.ToPem(newRoot));
        File.Move(F.ExampleBundleFile + ".tmp", F.ExampleBundleFile, overwrite: true);

        await F.Gateway.WaitUntilAsync(async () =>
        {
            using var c = F.Client(newSvid);
            using var r = await StrongIdentityFixture.GetAsync(c, F.RequiredUrl("/payments/rotate-2"));
            return (int)r.StatusCode == 200;
        }, "new root trusted", TimeSpan.FromSeconds(20));

        using (var old = await StrongIdentityFixture.GetAsync(oldClient, F.RequiredUrl("/payments/rotate-3")))
        {
            await ProblemAssert.IsProblemAsync(old, 401, "certificate_untrusted");
        }

        // A half-written or broken bundle is refused: the last good bundle keeps serving.
        await File.WriteAllTextAsync(F.ExampleBundleFile, "-----BEGIN CERTIFICATE-----\nnot base64\n");
        await F.Gateway.WaitUntilAsync(async () => System.Text.RegularExpressions.Regex.IsMatch(await F.Gateway.MetricsAsync(),
            @"gateway_trust_bundle_reload_total\{outcome=""failure""\} [1-9]"), "broken bundle refused", TimeSpan.FromSeconds(20));
        using var stillNew = F.Client(newSvid);
        using var after = await StrongIdentityFixture.GetAsync(stillNew, F.RequiredUrl("/payments/rotate-4"));
        Assert.Equal(200, (int)after.StatusCode);
        var metrics = await F.Gateway.MetricsAsync();
        Assert.Matches(@"gateway_trust_bundle_reload_total\{outcome=""success""\} [1-9]", metrics);
        Assert.Matches(@"gateway_trust_bundle_reload_total\{outcome=""failure""\} [1-9]", metrics);
    }
}

/// <summary>A fixture of its own: the test rewrites the server certificate.</summary>
public sealed class ServerCertificateFixture : IAsyncLifetime
{
    internal StrongIdentityFixture Inner { get; } = new();

    public Task InitializeAsync() => Inner.InitializeAsync();

    public Task DisposeAsync() => Inner.DisposeAsync();
}

/// <summary>The HTTPS listener's server certificate is reloaded when its files change; a bad file changes nothing.</summary>
public sealed class ServerCertificateReloadTests(ServerCertificateFixture fixture) : IClassFixture<ServerCertificateFixture>
{
    private StrongIdentityFixture F => fixture.Inner;

    [Fact]
    public async Task ServerCertificateRotation_NewHandshakesGetTheNewCertificate_BrokenFileKeepsLastGood()
    {
        var ca = TestCertificates.CreateRootCa("servers.test");
        var next = TestCertificates.CreateServerCertificate(ca);
        var dir = Path.Combine(F.CertDirectory, "next");
        Directory.CreateDirectory(dir);
        var (cert, key) = TestCertificates.WriteCertificateAndKey(dir, "server", next);
        File.Copy(key, F.ServerKeyFile, overwrite: true);
        File.Copy(cert, F.ServerCertificateFile, overwrite: true);

        await F.Gateway.WaitUntilAsync(async () => await ServerThumbprintAsync() == next.Thumbprint, "new server certificate", TimeSpan.FromSeconds(20));

        var notAfter = new DateTimeOffset(next.NotAfter.ToUniversalTime()).ToUnixTimeSeconds();
        await F.Gateway.WaitUntilAsync(async () => (await F.Gateway.MetricsAsync()).Contains(
            $"gateway_server_certificate_not_after_timestamp_seconds{{listener=\"{F.RequiredUrl("")}\"}} {notAfter}"), "new expiry published");

        await File.WriteAllTextAsync(F.ServerCertificateFile, "garbage");
        await F.Gateway.WaitUntilAsync(async () => System.Text.RegularExpressions.Regex.IsMatch(await F.Gateway.MetricsAsync(),
            @"gateway_server_certificate_reload_total\{listener=""[^""]+"",outcome=""failure""\} [1-9]"), "broken file refused", TimeSpan.FromSeconds(20));
        Assert.Equal(next.Thumbprint, await ServerThumbprintAsync());
        Assert.Contains($"gateway_server_certificate_not_after_timestamp_seconds{{listener=\"{F.RequiredUrl("")}\"}} {notAfter}", await F.Gateway.MetricsAsync());
    }

    [Fact]
    public async Task ServerCertificateFromAnIntermediate_TheFilesChainIsSentInTheHandshake()
    {
        var root = TestCertificates.CreateRootCa("servers.test");
        var intermediate = TestCertificates.CreateIntermediateCa(root, "servers.test");
        var leaf = TestCertificates.CreateServerCertificate(intermediate);
        var dir = Path.Combine(F.CertDirectory, "chained");
        Directory.CreateDirectory(dir);
        var (cert, key) = TestCertificates.WriteCertificateAndKey(dir, "server", leaf, intermediate);
        File.Copy(key, F.ServerKeyFile, overwrite: true);
        File.Copy(cert, F.ServerCertificateFile, overwrite: true);
        await F.Gateway.WaitUntilAsync(async () => await ServerThumbprintAsync() == leaf.Thumbprint, "chained server certificate", TimeSpan.FromSeconds(20));

        // A client that trusts only the root and never downloads: the chain builds only if the gateway sent the
        // intermediate from its certificate file.
        var errors = (System.Net.Security.SslPolicyErrors?)null;
        using var handler = new SocketsHttpHandler();
        handler.SslOptions.CertificateChainPolicy = new X509ChainPolicy
        {
            TrustMode = X509ChainTrustMode.CustomRootTrust,
            CustomTrustStore = { root },
            DisableCertificateDownloads = true,
            RevocationMode = X509RevocationMode.NoCheck,
        };
        handler.SslOptions.RemoteCertificateValidationCallback = (_, _, _, e) =>
        {
            errors = e;
            return true;
        };
        using var client = new HttpClient(handler);
        using var _ = await client.GetAsync(F.OptionalUrl("/payments/chained"));

        Assert.Equal(System.Net.Security.SslPolicyErrors.None, errors);
    }

    private async Task<string?> ServerThumbprintAsync()
    {
        string? seen = null;
        using var handler = new SocketsHttpHandler();
        handler.SslOptions.RemoteCertificateValidationCallback = (_, c, _, _) =>
        {
            seen = c is null ? null : new X509Certificate2(c).Thumbprint;
            return true;
        };
        using var client = new HttpClient(handler);
        try
        {
            using var _ = await client.GetAsync(F.OptionalUrl("/payments/server-cert"));
        }
        catch (HttpRequestException)
        {
        }

        return seen;
    }
}

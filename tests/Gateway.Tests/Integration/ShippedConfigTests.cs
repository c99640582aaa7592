using System.Net;
using Gateway.Configuration;
using Gateway.Hosting;
using Gateway.Identity;

namespace Gateway.Tests.Integration;

/// <summary>The config a newcomer runs: config/gateway.json validates, and the demo's 200/401/403 hold through the
/// real gateway in front of the demo upstream with the dev issuer.</summary>
public sealed class ShippedConfigTests
{
    private static string RepoFile(params string[] parts)
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "Gateway.sln")))
        {
            dir = dir.Parent;
        }

        Assert.NotNull(dir);
        return Path.Combine([dir!.FullName, .. parts]);
    }

    [Fact]
    public async Task ValidateVerb_ShippedConfig_ExitsZero()
    {
        Assert.Equal(0, await Program.Main(["validate", "--config", RepoFile("config", "gateway.json")]));
    }

    [Fact]
    public async Task ValidateVerb_BrokenConfig_ExitsOne()
    {
        var dir = Directory.CreateTempSubdirectory("gw-validate-");
        try
        {
            var file = Path.Combine(dir.FullName, "gateway.json");
            File.WriteAllText(file, "{ \"Gateway\": { \"Policies\": [ ] }, }");
            Assert.Equal(1, await Program.Main(["validate", "--config", file]));
        }
        finally
        {
            dir.Delete(true);
        }
    }

    [Fact]
    public async Task Demo_ShippedConfigAndPolicy_200_401_403()
    {
        var publicPort = Ports.Free();
        var upstreamPort = Ports.Free();
        var tlsPort = Ports.Free();
        var configFile = RepoFile("config", "gateway.json");
        var dev = Program.Load(configFile, out var devIssuer);
        Assert.NotNull(devIssuer);
        var config = GatewayConfigLoader.Load(configFile, new Dictionary<string, string?>
        {
            ["Gateway:Listen:Public"] = $"http://127.0.0.1:{publicPort}",
            ["Gateway:Listen:Admin"] = $"http://127.0.0.1:{Ports.Free()}",
            ["Gateway:Listen:Tls:0:Url"] = $"https://127.0.0.1:{tlsPort}",
            ["Gateway:Audit:Sink"] = "none",
            ["ReverseProxy:Clusters:demo:Destinations:d1:Address"] = $"http://127.0.0.1:{upstreamPort}/",
        });
        Assert.False(config.HasErrors, string.Join("\n", config.Diagnostics));
        _ = dev;

        await using var upstream = DemoUpstream.Build(IPAddress.Loopback, upstreamPort);
        await upstream.StartAsync();
        await using var gateway = GatewayHost.Build(config, new GatewayHostSettings { LogLevel = Microsoft.Extensions.Logging.LogLevel.Warning });
        await gateway.StartAsync();
        using var client = new HttpClient();
        var url = $"http://127.0.0.1:{publicPort}";

        var frontend = devIssuer!.Mint("spiffe://demo.local/ns/shop/sa/frontend", TimeSpan.FromMinutes(10),
            new Dictionary<string, object> { ["scope"] = "orders.read" });
        var batch = devIssuer.Mint("spiffe://demo.local/ns/shop/sa/batch", TimeSpan.FromMinutes(10));

        async Task<HttpResponseMessage> Get(string path, string? token)
        {
            var request = new HttpRequestMessage(HttpMethod.Get, url + path);
            if (token is not null)
            {
                request.Headers.Authorization = new("Bearer", token);
            }

            return await client.SendAsync(request);
        }

        var ok = await Get("/orders/42", frontend);
        Assert.Equal(HttpStatusCode.OK, ok.StatusCode);
        Assert.Contains("spiffe://demo.local/ns/shop/sa/frontend", await ok.Content.ReadAsStringAsync());
        await ProblemAssert.IsProblemAsync(await Get("/orders/42", null), 401, "token_missing");
        await ProblemAssert.IsProblemAsync(await Get("/orders/42", batch), 403, "no_matching_rule");
        var denied = await ProblemAssert.IsProblemAsync(await Get("/orders/admin/export", frontend), 403, "denied_by_rule");
        Assert.Equal("no-admin-paths", denied.GetProperty("rule").GetString());
        Assert.Equal(HttpStatusCode.OK, (await Get("/inventory/7", batch)).StatusCode);

        // A token minted for 2 hours exceeds the dev issuer's 1-hour limit even though it is validly signed.
        var longLived = devIssuer.Mint("spiffe://demo.local/ns/shop/sa/frontend", TimeSpan.FromHours(2),
            new Dictionary<string, object> { ["scope"] = "orders.read" });
        await ProblemAssert.IsProblemAsync(await Get("/orders/42", longLived), 401, "token_lifetime_exceeds_limit");

        // The demo's mTLS lines: the reporting SVID from the dev CA reads orders and may change one; a plain bearer
        // token may not change one (sender_constraint_required).
        var devDir = Path.Combine(Path.GetDirectoryName(configFile)!, config.Options.DevIssuer.KeyDirectory);
        using var caCert = System.Security.Cryptography.X509Certificates.X509CertificateLoader.LoadCertificateFromFile(Path.Combine(devDir, DevCertificates.CaFile));
        using var handler = new SocketsHttpHandler();
        handler.SslOptions.ClientCertificates = [TestCertificates.ForTls(Path.Combine(devDir, "reporting.pem"), Path.Combine(devDir, "reporting-key.pem"))];
        handler.SslOptions.RemoteCertificateValidationCallback = (_, cert, _, _) =>
        {
            using var chain = new System.Security.Cryptography.X509Certificates.X509Chain();
            chain.ChainPolicy.TrustMode = System.Security.Cryptography.X509Certificates.X509ChainTrustMode.CustomRootTrust;
            chain.ChainPolicy.CustomTrustStore.Add(caCert);
            chain.ChainPolicy.RevocationMode = System.Security.Cryptography.X509Certificates.X509RevocationMode.NoCheck;
            return cert is not null && chain.Build(new System.Security.Cryptography.X509Certificates.X509Certificate2(cert));
        };
        using var mtls = new HttpClient(handler);
        var https = $"https://127.0.0.1:{tlsPort}";
        Assert.Equal(HttpStatusCode.OK, (await mtls.GetAsync(https + "/orders/42")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await mtls.PutAsync(https + "/orders/42", new StringContent("{}"))).StatusCode);
        using var put = new HttpRequestMessage(HttpMethod.Put, url + "/orders/42");
        put.Headers.Authorization = new("Bearer", frontend);
        await ProblemAssert.IsProblemAsync(await client.SendAsync(put), 403, "sender_constraint_required");

        await gateway.StopAsync();
        await upstream.StopAsync();
    }
}

using System.Collections.Concurrent;
using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Gateway.Tests.Integration;

/// <summary>What an unauthenticated client can make the gateway do during the TLS handshake: nothing outbound.</summary>
public sealed class HandshakeSafetyTests(StrongIdentityFixture f) : IClassFixture<StrongIdentityFixture>
{
    [Theory]
    [InlineData("optional")]
    [InlineData("required")]
    public async Task ClientCertificateWithAiaUrl_GatewayNeverFetchesIt(string listener)
    {
        // A listener standing in for an internal service the attacker wants the gateway to call.
        var hits = new ConcurrentQueue<string>();
        var server = new TcpListener(IPAddress.Loopback, Ports.Free());
        server.Start();
        var port = ((IPEndPoint)server.LocalEndpoint).Port;
        using var cts = new CancellationTokenSource();
        _ = Task.Run(async () =>
        {
            try
            {
                while (!cts.IsCancellationRequested)
                {
                    using var c = await server.AcceptTcpClientAsync(cts.Token);
                    var buffer = new byte[2048];
                    var n = await c.GetStream().ReadAsync(buffer, cts.Token);
                    hits.Enqueue(System.Text.Encoding.ASCII.GetString(buffer, 0, n).Split('\r')[0]);
                }
            }
            catch (OperationCanceledException)
            {
            }
        });

        // A leaf from an unknown CA whose AIA "CA issuers" URL points at that service.
        using var ca = TestCertificates.CreateRootCa("evil.org");
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var req = new CertificateRequest("CN=attacker", key, HashAlgorithmName.SHA256);
        req.CertificateExtensions.Add(new X509AuthorityInformationAccessExtension(null, [$"http://127.0.0.1:{port}/internal-{listener}"]));
        using var leaf = req.Create(ca, DateTimeOffset.UtcNow.AddMinutes(-5), DateTimeOffset.UtcNow.AddHours(1), RandomNumberGenerator.GetBytes(8));
        var tls = TestCertificates.ForTls(leaf.CopyWithPrivateKey(key));

        using var handler = new SocketsHttpHandler { UseProxy = false };
        handler.SslOptions.RemoteCertificateValidationCallback = (_, _, _, _) => true;
        // Offline: the client itself never fetches the URL, so a hit can only come from the gateway.
        handler.SslOptions.ClientCertificateContext = SslStreamCertificateContext.Create(tls, [], offline: true);
        using var client = new HttpClient(handler) { Timeout = TimeSpan.FromSeconds(10) };

        var started = DateTime.UtcNow;
        using var response = await client.GetAsync(listener == "optional" ? f.OptionalUrl("/payments/aia") : f.RequiredUrl("/payments/aia"));
        await ProblemAssert.IsProblemAsync(response, 401, "certificate_not_svid");
        Assert.True(DateTime.UtcNow - started < TimeSpan.FromSeconds(5), "the handshake waited on the network");
        await Task.Delay(500);
        await cts.CancelAsync();
        server.Stop();
        Assert.Empty(hits);
    }
}

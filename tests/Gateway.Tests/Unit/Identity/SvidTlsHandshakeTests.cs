using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Cryptography.X509Certificates;
using Gateway.Identity;
using Gateway.Identity.X509;
using Gateway.Tests.Integration;

namespace Gateway.Tests.Unit.Identity;

/// <summary>
/// A real TLS handshake on 127.0.0.1 with <see cref="TestCertificates"/>: the server certificate is accepted for the IP
/// address, the client SVID reaches the server with its key usable by <c>SslStream</c>, and what the server receives
/// validates with <see cref="SvidValidator"/> — including intermediates the client sends in the handshake.
/// </summary>
public sealed class SvidTlsHandshakeTests : IDisposable
{
    private const string Td = "a.example";
    private const string Id = "spiffe://a.example/ns/shop/sa/frontend";

    private readonly X509Certificate2 _serverCa = TestCertificates.CreateRootCa("server.test");
    private readonly X509Certificate2 _root = TestCertificates.CreateRootCa(Td);
    private readonly string _folder = Path.Combine(Path.GetTempPath(), "gateway-tls-" + Guid.NewGuid().ToString("N"));

    public SvidTlsHandshakeTests() => Directory.CreateDirectory(_folder);

    public void Dispose()
    {
        try
        {
            Directory.Delete(_folder, recursive: true);
        }
        catch (IOException)
        {
        }
    }

    private sealed record Received(X509Certificate2? Leaf, X509Certificate2[] Presented, bool ServerNameMatched, bool ServerChainOk);

    [Fact]
    public async Task Handshake_ClientSvidFromPemFiles_ServerValidatesIt()
    {
        using var svid = TestCertificates.CreateSvid(_root, Id);
        var (certFile, keyFile) = TestCertificates.WriteCertificateAndKey(_folder, "svid", svid);
        Assert.StartsWith("-----BEGIN PRIVATE KEY-----", await File.ReadAllTextAsync(keyFile), StringComparison.Ordinal);
        using var client = TestCertificates.ForTls(certFile, keyFile);

        var received = await HandshakeAsync(new SslClientAuthenticationOptions
        {
            TargetHost = "127.0.0.1",
            ClientCertificates = [client],
        });

        Assert.True(received.ServerNameMatched);
        Assert.True(received.ServerChainOk);
        Assert.NotNull(received.Leaf);
        Assert.Equal(svid.Thumbprint, received.Leaf.Thumbprint);
        var result = new SvidValidator(TimeProvider.System).Validate(received.Leaf, Bundles());
        Assert.Equal(AuthFailure.None, result.Failure);
        Assert.Equal(Id, result.Id.ToString());
    }

    [Fact]
    public async Task Handshake_ClientSendsIntermediate_ServerValidatesWithPresentedIntermediate()
    {
        using var intermediate = TestCertificates.CreateIntermediateCa(_root, Td);
        using var svid = TestCertificates.CreateSvid(intermediate, Id);
        using var client = TestCertificates.ForTls(svid);
        using var intermediatePublic = X509CertificateLoader.LoadCertificate(intermediate.RawData);

        var received = await HandshakeAsync(new SslClientAuthenticationOptions
        {
            TargetHost = "127.0.0.1",
            ClientCertificateContext = SslStreamCertificateContext.Create(client, [intermediatePublic], offline: true),
        });

        Assert.NotNull(received.Leaf);
        var validator = new SvidValidator(TimeProvider.System);
        Assert.Equal(AuthFailure.CertificateUntrusted, validator.Validate(received.Leaf, Bundles()).Failure);
        Assert.Contains(received.Presented, c => c.Thumbprint == intermediate.Thumbprint);
        Assert.Equal(AuthFailure.None, validator.Validate(received.Leaf, Bundles(), received.Presented).Failure);
    }

    private TrustBundleSet Bundles()
        => new([new TrustBundle(Td, "a.pem", [X509CertificateLoader.LoadCertificate(_root.RawData)], [])], revision: 1);

    private async Task<Received> HandshakeAsync(SslClientAuthenticationOptions clientOptions)
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        using var serverTls = TestCertificates.ForTls(TestCertificates.CreateServerCertificate(_serverCa));
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        try
        {
            var port = ((IPEndPoint)listener.LocalEndpoint).Port;
            X509Certificate2? leaf = null;
            var presented = Array.Empty<X509Certificate2>();
            var server = Task.Run(async () =>
            {
                using var socket = await listener.AcceptTcpClientAsync(cts.Token);
                await using var ssl = new SslStream(socket.GetStream());
                await ssl.AuthenticateAsServerAsync(new SslServerAuthenticationOptions
                {
                    ServerCertificate = serverTls,
                    ClientCertificateRequired = true,
                    // As Kestrel would be set up: accept any certificate at the TLS layer, decide in the pipeline.
                    RemoteCertificateValidationCallback = (_, cert, chain, _) =>
                    {
                        leaf = cert is null ? null : X509CertificateLoader.LoadCertificate(cert.GetRawCertData());
                        presented = chain is null ? [] : [.. chain.ChainPolicy.ExtraStore];
                        return true;
                    },
                }, cts.Token);
                var buffer = new byte[1];
                _ = await ssl.ReadAsync(buffer, cts.Token);
            }, cts.Token);

            var nameMatched = false;
            var chainOk = false;
            clientOptions.RemoteCertificateValidationCallback = (_, cert, _, errors) =>
            {
                nameMatched = (errors & SslPolicyErrors.RemoteCertificateNameMismatch) == 0;
                using var chain = new X509Chain();
                chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
                chain.ChainPolicy.CustomTrustStore.Add(_serverCa);
                chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
                chainOk = cert is X509Certificate2 c && chain.Build(c);
                return nameMatched && chainOk;
            };
            using (var tcp = new TcpClient())
            {
                await tcp.ConnectAsync(IPAddress.Loopback, port, cts.Token);
                await using var ssl = new SslStream(tcp.GetStream());
                await ssl.AuthenticateAsClientAsync(clientOptions, cts.Token);
                await ssl.WriteAsync(new byte[] { 1 }, cts.Token);
                await ssl.FlushAsync(cts.Token);
                await server;
            }

            return new Received(leaf, presented, nameMatched, chainOk);
        }
        finally
        {
            listener.Stop();
        }
    }
}

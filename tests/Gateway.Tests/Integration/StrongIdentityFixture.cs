using System.Net;
using System.Security.Cryptography.X509Certificates;
using System.Text.Json.Nodes;

namespace Gateway.Tests.Integration;

/// <summary>
/// One gateway with real TLS on 127.0.0.1: a listener that requires client certificates, one where they are optional,
/// and the plain-HTTP listener. Trust bundles for two SPIFFE trust domains (example.org and other.org), a server
/// certificate from a test CA, a JWKS issuer, and the SPIFFE CAs' keys so tests can issue good and bad SVIDs. Every
/// certificate and key is generated at run time.
/// </summary>
public sealed class StrongIdentityFixture : IAsyncLifetime
{
    public const string Policy = """
        version: 2
        requirements:
          - routes: [admin]
            require: [sender_constrained]
        rules:
          - id: refunds-bound-only
            effect: allow
            require: [sender_constrained]
            match:
              routes: [payments]
              paths: ["/payments/refunds/**"]
            when:
              spiffe_ids: ["spiffe://example.org/ns/refunds/sa/*"]
          - id: payments-allow
            effect: allow
            match:
              routes: [payments]
              paths: ["/payments/**"]
            when:
              spiffe_ids: ["spiffe://example.org/ns/payments/sa/*", "spiffe://other.org/ns/payments/sa/*"]
          - id: legacy-batch
            effect: allow
            match:
              routes: [payments]
              paths: ["/payments/batch/**"]
            when:
              auth_methods: [api_key]
              subjects: ["legacy-billing"]
          - id: mtls-only-admin
            effect: allow
            match:
              routes: [admin]
              paths: ["/admin/**"]
            when:
              auth_methods: [mtls]
              trust_domains: [example.org]
        """;

    internal TestKeys Keys { get; } = new();
    internal JwksServer Jwks { get; private set; } = null!;
    internal TestGateway Gateway { get; private set; } = null!;
    public string CertDirectory { get; } = Path.Combine(Path.GetTempPath(), "gw-certs-" + Guid.NewGuid().ToString("N")[..12]);
    public X509Certificate2 ExampleRoot { get; private set; } = null!;
    public X509Certificate2 OtherRoot { get; private set; } = null!;
    public X509Certificate2 ServerCa { get; private set; } = null!;
    public X509Certificate2 ServerCertificate { get; private set; } = null!;
    public string ServerCertificateFile { get; private set; } = "";
    public string ServerKeyFile { get; private set; } = "";
    public string ExampleBundleFile => Path.Combine(CertDirectory, "example.org.pem");
    public int RequiredPort { get; } = Ports.Free();
    public int OptionalPort { get; } = Ports.Free();

    public async Task InitializeAsync()
    {
        Directory.CreateDirectory(CertDirectory);
        ExampleRoot = TestCertificates.CreateRootCa("example.org");
        OtherRoot = TestCertificates.CreateRootCa("other.org");
        ServerCa = TestCertificates.CreateRootCa("servers.test");
        TestCertificates.WriteBundle(CertDirectory, "example.org.pem", ExampleRoot);
        TestCertificates.WriteBundle(CertDirectory, "other.org.pem", OtherRoot);
        ServerCertificate = TestCertificates.CreateServerCertificate(ServerCa);
        (ServerCertificateFile, ServerKeyFile) = TestCertificates.WriteCertificateAndKey(CertDirectory, "server", ServerCertificate);

        Jwks = new JwksServer(TestKeys.Jwks(TestKeys.Jwk(Keys.Rsa1), TestKeys.Jwk(Keys.Ec1)), TestGateway.Issuer);
        await Jwks.StartAsync();
        Gateway = await TestGateway.StartAsync(
            new JsonArray(TestGateway.IssuerJson("example", TestGateway.Issuer, "JwksUrl", Jwks.JwksUrl, o =>
                o["TrustDomains"] = new JsonArray("example.org", "other.org"))),
            Policy,
            config =>
            {
                var gw = config["Gateway"]!.AsObject();
                gw["Listen"]!["Tls"] = new JsonArray(
                    Listener(RequiredPort, "required"),
                    Listener(OptionalPort, "optional"));
                gw["Dpop"] = new JsonObject
                {
                    ["Origins"] = new JsonArray(
                        (string)gw["Listen"]!["Public"]!,
                        $"https://127.0.0.1:{RequiredPort}",
                        $"https://127.0.0.1:{OptionalPort}"),
                };
                gw["TrustBundles"] = new JsonArray(
                    new JsonObject { ["TrustDomain"] = "example.org", ["File"] = ExampleBundleFile },
                    new JsonObject { ["TrustDomain"] = "other.org", ["File"] = Path.Combine(CertDirectory, "other.org.pem") });
                Tweak?.Invoke(gw);
            });
    }

    /// <summary>Changes to the Gateway section for a derived fixture (set before <see cref="InitializeAsync"/>).</summary>
    internal Action<JsonObject>? Tweak { get; init; }

    private JsonObject Listener(int port, string mode) => new()
    {
        ["Url"] = $"https://127.0.0.1:{port}",
        ["CertificateFile"] = ServerCertificateFile,
        ["KeyFile"] = ServerKeyFile,
        ["ClientCertificate"] = mode,
    };

    /// <summary>A valid SVID for <paramref name="spiffeId"/> issued by the example.org root, usable as a TLS client certificate.</summary>
    public X509Certificate2 Svid(string spiffeId = "spiffe://example.org/ns/payments/sa/api")
        => TestCertificates.ForTls(TestCertificates.CreateSvid(ExampleRoot, spiffeId));

    /// <summary>An HTTPS client that trusts only the test server CA and presents <paramref name="clientCertificate"/>.</summary>
    public HttpClient Client(X509Certificate2? clientCertificate, Version? version = null)
        => Client(clientCertificate, version, null);

    /// <summary>An HTTPS client that sends <paramref name="intermediates"/> after its certificate in the handshake.</summary>
    public HttpClient ClientWithChain(X509Certificate2 clientCertificate, params X509Certificate2[] intermediates)
        => Client(clientCertificate, null, intermediates);

    private HttpClient Client(X509Certificate2? clientCertificate, Version? version, X509Certificate2[]? intermediates)
    {
        var handler = new SocketsHttpHandler { UseProxy = false, AllowAutoRedirect = false, PooledConnectionLifetime = TimeSpan.FromMinutes(1) };
        handler.SslOptions.RemoteCertificateValidationCallback = (_, cert, _, _) =>
            cert is not null && cert.GetCertHashString() == ServerCertificate.GetCertHashString();
        if (clientCertificate is not null && intermediates is not null)
        {
            handler.SslOptions.ClientCertificateContext = System.Net.Security.SslStreamCertificateContext.Create(
                clientCertificate, new X509Certificate2Collection(intermediates), offline: true);
        }
        else if (clientCertificate is not null)
        {
            handler.SslOptions.ClientCertificates = new X509CertificateCollection { clientCertificate };
            handler.SslOptions.LocalCertificateSelectionCallback = (_, _, _, _, _) => clientCertificate;
        }

        return new HttpClient(handler)
        {
            Timeout = TimeSpan.FromSeconds(20),
            DefaultRequestVersion = version ?? HttpVersion.Version11,
            DefaultVersionPolicy = HttpVersionPolicy.RequestVersionExact,
        };
    }

    public string RequiredUrl(string path) => $"https://127.0.0.1:{RequiredPort}{path}";
    public string OptionalUrl(string path) => $"https://127.0.0.1:{OptionalPort}{path}";

    internal string Token(string sub = "spiffe://example.org/ns/payments/sa/api", Action<Dictionary<string, object>>? change = null)
    {
        var claims = TestKeys.Claims(TestGateway.Issuer, sub);
        change?.Invoke(claims);
        return TestKeys.Sign(Keys.Rsa1, "RS256", claims);
    }

    public static async Task<HttpResponseMessage> GetAsync(HttpClient client, string url, string? authorization = null,
        params (string Name, string Value)[] headers)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, url)
        {
            Version = client.DefaultRequestVersion,
            VersionPolicy = client.DefaultVersionPolicy,
        };
        if (authorization is not null)
        {
            request.Headers.TryAddWithoutValidation("Authorization", authorization);
        }

        foreach (var (n, v) in headers)
        {
            request.Headers.TryAddWithoutValidation(n, v);
        }

        return await client.SendAsync(request);
    }

    public async Task DisposeAsync()
    {
        await Gateway.DisposeAsync();
        await Jwks.DisposeAsync();
        try
        {
            Directory.Delete(CertDirectory, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}

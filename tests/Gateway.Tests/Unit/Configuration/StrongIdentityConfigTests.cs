using Gateway.Configuration;
using Gateway.Tests.Integration;

namespace Gateway.Tests.Unit.Configuration;

/// <summary>Config checks of HTTPS listeners, trust bundles, mTLS, DPoP and API keys: each problem at its position.</summary>
public sealed class StrongIdentityConfigTests : IDisposable
{
    private readonly ConfigFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    /// <summary>Inserts settings after the Listen block (line 6) of the base config.</summary>
    private void Add(string json) => _folder.Replace("    \"DevIssuer\": { \"Enabled\": false },", json + "\n    \"DevIssuer\": { \"Enabled\": false },");

    private void AddTls(string listener) => _folder.Replace("\"Admin\": \"http://127.0.0.1:9090\"", "\"Admin\": \"http://127.0.0.1:9090\",\n      \"Tls\": [ " + listener + " ]");

    private (string Cert, string Key) WriteServerCertificate()
    {
        var ca = TestCertificates.CreateRootCa("servers.test");
        var (cert, key) = TestCertificates.WriteCertificateAndKey(_folder.Directory, "server", TestCertificates.CreateServerCertificate(ca));
        return (Path.GetFileName(cert), Path.GetFileName(key));
    }

    private ConfigDiagnostic SingleError(string messagePart)
    {
        var config = GatewayConfigLoader.Load(_folder.Write());
        var errors = config.Diagnostics.Where(d => !d.IsWarning).ToList();
        Assert.True(errors.Count == 1, string.Join("\n", config.Diagnostics));
        Assert.Contains(messagePart, errors[0].Message, StringComparison.Ordinal);
        return errors[0];
    }

    [Fact]
    public void Load_TlsListenerWithClientCertificatesAndBundle_NoDiagnostics()
    {
        var (cert, key) = WriteServerCertificate();
        TestCertificates.WriteBundle(_folder.Directory, "demo.local.pem", TestCertificates.CreateRootCa("demo.local"));
        AddTls($$"""{ "Url": "https://127.0.0.1:8443", "CertificateFile": "{{cert}}", "KeyFile": "{{key}}", "ClientCertificate": "required" }""");
        Add("""    "TrustBundles": [ { "TrustDomain": "demo.local", "File": "demo.local.pem" } ],""");
        _folder.Replace("\"Public\": \"http://127.0.0.1:8080\"", "\"Public\": \"\"");

        var config = GatewayConfigLoader.Load(_folder.Write());

        Assert.Empty(config.Diagnostics);
        Assert.Equal(1, config.TrustBundles.Count);
        Assert.Equal("required", config.Options.Listen.Tls[0].ClientCertificate);
    }

    [Fact]
    public void Load_TlsListenerHttpUrl_ReportedAtUrl()
    {
        var (cert, key) = WriteServerCertificate();
        AddTls($$"""{ "Url": "http://127.0.0.1:8443", "CertificateFile": "{{cert}}", "KeyFile": "{{key}}" }""");
        var error = SingleError("write https://ADDRESS:PORT");
        Assert.Equal(6, error.Line);
    }

    [Fact]
    public void Load_TlsListenerSamePortAsPublic_Reported()
    {
        var (cert, key) = WriteServerCertificate();
        AddTls($$"""{ "Url": "https://127.0.0.1:8080", "CertificateFile": "{{cert}}", "KeyFile": "{{key}}" }""");
        SingleError("different port");
    }

    [Fact]
    public void Load_TlsListenerUnknownClientCertificateMode_Reported()
    {
        var (cert, key) = WriteServerCertificate();
        AddTls($$"""{ "Url": "https://127.0.0.1:8443", "CertificateFile": "{{cert}}", "KeyFile": "{{key}}", "ClientCertificate": "require" }""");
        SingleError("ClientCertificate 'require' is unknown");
    }

    [Fact]
    public void Load_TlsListenerMissingCertificate_Reported()
    {
        AddTls("""{ "Url": "https://127.0.0.1:8443", "CertificateFile": "nope.pem", "KeyFile": "nope-key.pem" }""");
        SingleError("certificate file 'nope.pem' not found");
    }

    [Fact]
    public void Load_TlsListenerKeyOfAnotherCertificate_Reported()
    {
        var (cert, _) = WriteServerCertificate();
        var ca = TestCertificates.CreateRootCa("servers.test");
        var (_, otherKey) = TestCertificates.WriteCertificateAndKey(_folder.Directory, "other", TestCertificates.CreateServerCertificate(ca));
        AddTls($$"""{ "Url": "https://127.0.0.1:8443", "CertificateFile": "{{cert}}", "KeyFile": "{{Path.GetFileName(otherKey)}}" }""");
        SingleError("cannot be used");
    }

    [Fact]
    public void Load_ClientCertificatesWithoutBundles_Warns()
    {
        var (cert, key) = WriteServerCertificate();
        AddTls($$"""{ "Url": "https://127.0.0.1:8443", "CertificateFile": "{{cert}}", "KeyFile": "{{key}}", "ClientCertificate": "optional" }""");
        var config = GatewayConfigLoader.Load(_folder.Write());
        var warning = Assert.Single(config.Diagnostics);
        Assert.True(warning.IsWarning);
        Assert.Contains("no TrustBundles", warning.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_RequiredListenerBesidePlainListener_Warns()
    {
        var (cert, key) = WriteServerCertificate();
        TestCertificates.WriteBundle(_folder.Directory, "demo.local.pem", TestCertificates.CreateRootCa("demo.local"));
        AddTls($$"""{ "Url": "https://127.0.0.1:8443", "CertificateFile": "{{cert}}", "KeyFile": "{{key}}", "ClientCertificate": "required" }""");
        Add("""    "TrustBundles": [ { "TrustDomain": "demo.local", "File": "demo.local.pem" } ],""");
        var config = GatewayConfigLoader.Load(_folder.Write());
        var warning = Assert.Single(config.Diagnostics, d => d.Message.Contains("Listen.Public serves the same routes", StringComparison.Ordinal));
        Assert.True(warning.IsWarning);

        _folder.Replace("\"Public\": \"http://127.0.0.1:8080\"", "\"Public\": \"\"");
        Assert.DoesNotContain(GatewayConfigLoader.Load(_folder.Write()).Diagnostics, d => d.Message.Contains("Listen.Public serves", StringComparison.Ordinal));
    }

    [Fact]
    public void Load_RequiredListenerBesideOptionalTlsListener_Warns()
    {
        var (cert, key) = WriteServerCertificate();
        TestCertificates.WriteBundle(_folder.Directory, "demo.local.pem", TestCertificates.CreateRootCa("demo.local"));
        AddTls($$"""{ "Url": "https://127.0.0.1:8443", "CertificateFile": "{{cert}}", "KeyFile": "{{key}}", "ClientCertificate": "required" }"""
            + ", " + $$"""{ "Url": "https://127.0.0.1:8444", "CertificateFile": "{{cert}}", "KeyFile": "{{key}}", "ClientCertificate": "optional" }""");
        Add("""    "TrustBundles": [ { "TrustDomain": "demo.local", "File": "demo.local.pem" } ],""");
        _folder.Replace("\"Public\": \"http://127.0.0.1:8080\"", "\"Public\": \"\"");
        var config = GatewayConfigLoader.Load(_folder.Write());
        Assert.Contains(config.Diagnostics, d => d.IsWarning && d.Message.Contains("Listen.Tls[1] (optional) serves the same routes", StringComparison.Ordinal));
    }

    [Fact]
    public void Load_SameCaInTwoTrustDomains_Warns()
    {
        var shared = TestCertificates.CreateRootCa("shared.test");
        TestCertificates.WriteBundle(_folder.Directory, "a.pem", shared);
        TestCertificates.WriteBundle(_folder.Directory, "b.pem", shared);
        Add("""    "TrustBundles": [ { "TrustDomain": "a.test", "File": "a.pem" }, { "TrustDomain": "b.test", "File": "b.pem" } ],""");
        var config = GatewayConfigLoader.Load(_folder.Write());
        Assert.False(config.HasErrors);
        Assert.Contains(config.Diagnostics, d => d.IsWarning && d.Message.Contains("in the bundles of both 'a.test' and 'b.test'", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("with path", "https://api.example.org/v1")]
    [InlineData("not a URL", "api.example.org")]
    [InlineData("other scheme", "ftp://api.example.org")]
    [InlineData("with query", "https://api.example.org/?x=1")]
    public void Load_BadDpopOrigin_Reported(string name, string origin)
    {
        _ = name;
        Add($$"""    "Dpop": { "Origins": [ "{{origin}}" ] },""");
        SingleError("is not an origin");
    }

    [Fact]
    public void Load_NoPublicListenerAtAll_Reported()
    {
        _folder.Replace("\"Public\": \"http://127.0.0.1:8080\"", "\"Public\": \"\"");
        SingleError("no public listener");
    }

    [Fact]
    public void Load_BundleFileMissing_ReportedAtItsSetting()
    {
        Add("""    "TrustBundles": [ { "TrustDomain": "demo.local", "File": "missing.pem" } ],""");
        var error = SingleError("missing.pem");
        Assert.Equal(7, error.Line);
    }

    [Theory]
    [InlineData("unknown WhenBoth", "\"Mtls\": { \"WhenBoth\": \"either\" },", "WhenBoth 'either' is unknown")]
    [InlineData("DPoP lifetime zero", "\"Dpop\": { \"ProofLifetime\": \"00:00:00\" },", "Dpop.ProofLifetime")]
    [InlineData("DPoP lifetime an hour", "\"Dpop\": { \"ProofLifetime\": \"01:00:00\" },", "Dpop.ProofLifetime")]
    [InlineData("DPoP negative skew", "\"Dpop\": { \"ClockSkew\": \"-00:00:01\" },", "Dpop.ClockSkew")]
    [InlineData("DPoP tiny replay cache", "\"Dpop\": { \"ReplayCacheSize\": 10 },", "ReplayCacheSize")]
    [InlineData("DPoP HMAC", "\"Dpop\": { \"Algorithms\": [ \"HS256\" ] },", "DPoP algorithm 'HS256' is not accepted")]
    [InlineData("DPoP none", "\"Dpop\": { \"Algorithms\": [ \"none\" ] },", "DPoP algorithm 'none' is not accepted")]
    [InlineData("API key header Authorization", "\"ApiKeys\": { \"Header\": \"Authorization\" },", "cannot carry API keys")]
    [InlineData("API key header with space", "\"ApiKeys\": { \"Header\": \"X Api\" },", "cannot carry API keys")]
    [InlineData("API key lifetime ten years", "\"ApiKeys\": { \"MaxLifetime\": \"3650.00:00:00\" },", "ApiKeys.MaxLifetime")]
    [InlineData("API key store missing", "\"ApiKeys\": { \"StoreFile\": \"keys.json\" },", "API key store 'keys.json' not found")]
    [InlineData("identity header used twice", "\"Forwarding\": { \"TokenIdHeader\": \"x-workload-id\" },", "is also Forwarding.SubjectHeader")]
    [InlineData("identity header used twice with _", "\"Forwarding\": { \"IssuerHeader\": \"X_Workload_Auth_Method\" },", "not usable as an identity header")]
    [InlineData("identity header with space", "\"Forwarding\": { \"SubjectHeader\": \"X Caller\" },", "not usable as an identity header")]
    [InlineData("identity header Authorization", "\"Forwarding\": { \"SubjectHeader\": \"Authorization\" },", "not usable as an identity header")]
    public void Load_BadStrongIdentitySetting_Reported(string name, string json, string messagePart)
    {
        _ = name;
        Add("    " + json);
        var error = SingleError(messagePart);
        Assert.Equal(7, error.Line);
    }

    [Fact]
    public void Load_ApiKeyStoreWithErrors_ReportedInTheStoreFile()
    {
        File.WriteAllText(Path.Combine(_folder.Directory, "keys.json"), "{ \"version\": 1, \"keys\": [ { \"id\": \"x\" } ] }");
        Add("""    "ApiKeys": { "StoreFile": "keys.json" },""");
        var config = GatewayConfigLoader.Load(_folder.Write());
        Assert.True(config.HasErrors);
        Assert.All(config.Diagnostics.Where(d => !d.IsWarning), d => Assert.EndsWith("keys.json", d.File, StringComparison.Ordinal));
        Assert.Null(config.ApiKeys);
    }
}

namespace Gateway.Configuration;

/// <summary>What the user wrote in the <c>Gateway</c> section of the config file.</summary>
public sealed class GatewayOptions
{
    public const string SectionName = "Gateway";

    public ListenOptions Listen { get; set; } = new();
    public List<IssuerOptions> Issuers { get; set; } = [];
    /// <summary>Policy files, relative to the config file's folder.</summary>
    public List<string> Policies { get; set; } = [];
    public AuditOptions Audit { get; set; } = new();
    public ForwardingOptions Forwarding { get; set; } = new();
    public TokenCacheOptions TokenCache { get; set; } = new();
    public LimitsOptions Limits { get; set; } = new();
    public DevIssuerOptions DevIssuer { get; set; } = new();
    public ObservabilityOptions Observability { get; set; } = new();
    /// <summary>SPIFFE trust bundles, one per trust domain: the only roots a client certificate may chain to.</summary>
    public List<TrustBundleOptions> TrustBundles { get; set; } = [];
    public MtlsOptions Mtls { get; set; } = new();
    public DpopOptions Dpop { get; set; } = new();
    public ApiKeyOptions ApiKeys { get; set; } = new();
}

/// <summary>An HTTPS listener of the public side.</summary>
public sealed class TlsListenerOptions
{
    /// <summary><c>https://ADDRESS:PORT</c>.</summary>
    public string Url { get; set; } = "";
    /// <summary>The server certificate (PEM), relative to the config file.</summary>
    public string CertificateFile { get; set; } = "";
    /// <summary>Its private key (PEM), relative to the config file.</summary>
    public string KeyFile { get; set; } = "";
    /// <summary><c>required</c>, <c>optional</c> or <c>off</c>. Required: a request without a client certificate is
    /// refused with 401 <c>client_certificate_required</c> (the TLS handshake still completes, so the refusal has a
    /// reason code and an audit record). A presented certificate must be a valid X.509-SVID — unless it is the key of a
    /// certificate-bound token (RFC 8705), which may be self-signed.</summary>
    public string ClientCertificate { get; set; } = "optional";
}

public sealed class TrustBundleOptions
{
    /// <summary>The SPIFFE trust domain, e.g. <c>example.org</c>.</summary>
    public string TrustDomain { get; set; } = "";
    /// <summary>PEM file with the trust domain's root (and intermediate) CA certificates; reloaded on change.</summary>
    public string File { get; set; } = "";
}

public sealed class MtlsOptions
{
    /// <summary>When a request carries both a client certificate and a token:
    /// <c>match</c> (default): both must name the same workload, unless the token is bound to that certificate;
    /// <c>token</c>: the token's identity wins (the certificate must still be valid);
    /// <c>certificate</c>: the certificate's identity wins (the token must still be valid).</summary>
    public string WhenBoth { get; set; } = "match";
}

public sealed class DpopOptions
{
    /// <summary>How far a proof's <c>iat</c> may lie in the past (and, by <see cref="ClockSkew"/>, in the future).</summary>
    public TimeSpan ProofLifetime { get; set; } = TimeSpan.FromMinutes(1);
    public TimeSpan ClockSkew { get; set; } = TimeSpan.FromSeconds(5);
    /// <summary>Require a server-issued nonce in every proof (RFC 9449 §8).</summary>
    public bool RequireNonce { get; set; }
    /// <summary>Proof algorithms accepted (asymmetric only).</summary>
    public List<string> Algorithms { get; set; } = ["ES256", "RS256", "PS256", "EdDSA"];
    /// <summary>The gateway's public origins (<c>https://api.example.org</c>, <c>https://api.example.org:8443</c>): a proof's
    /// <c>htu</c> must name one of them. A request whose Host is not one of them cannot carry a DPoP proof, so a proof made
    /// for another server cannot be replayed here with a spoofed Host. Empty: the request's own scheme and Host are
    /// trusted (only safe when every name that reaches the gateway is the gateway's).</summary>
    public List<string> Origins { get; set; } = [];
    /// <summary>Most proof <c>jti</c> values remembered at once; when full, new proofs are refused (fail closed).</summary>
    public int ReplayCacheSize { get; set; } = 1_000_000;
}

public sealed class ApiKeyOptions
{
    /// <summary>The key store file (hashes only), relative to the config file. Unset: API keys are off.</summary>
    public string? StoreFile { get; set; }
    /// <summary>Another header a legacy client may send its key in, besides <c>Authorization: ApiKey KEY</c>.</summary>
    public string Header { get; set; } = "X-Api-Key";
    /// <summary>Longest expiry <c>apikey create</c> accepts.</summary>
    public TimeSpan MaxLifetime { get; set; } = TimeSpan.FromDays(90);
}

public sealed class ObservabilityOptions
{
    /// <summary>Add a <c>Server-Timing</c> response header with the gateway's stage durations (auth, policy, upstream
    /// time to first byte, total). Off by default: timings tell a client how its credential was processed. Turn it on
    /// for load tests and on internal listeners.</summary>
    public bool ServerTiming { get; set; }
}

public sealed class ListenOptions
{
    /// <summary>The public (proxy) listener, e.g. <c>http://127.0.0.1:8080</c>.</summary>
    public string Public { get; set; } = "http://127.0.0.1:8080";
    /// <summary>The admin listener: metrics, health, readiness. Never the same as <see cref="Public"/>.</summary>
    public string Admin { get; set; } = "http://127.0.0.1:9090";
    /// <summary>HTTPS listeners of the public side (HTTP/1.1 and HTTP/2), each with its client-certificate mode.</summary>
    public List<TlsListenerOptions> Tls { get; set; } = [];
    /// <summary>Where a request runs. <c>inline</c> (default): on the I/O thread its socket event arrived on, one event
    /// loop per core as in Envoy or HAProxy, instead of a hand-off to the thread pool at each step (new connections
    /// and HTTP/2 streams are still dispatched to the pool). The gateway's request path waits asynchronously (upstream,
    /// key fetches, the audit queue) and its logging drops lines rather than wait; the hand-offs cost 16–22 % of the
    /// gateway's CPU per proxied request on the test machine (benchmarks/README.md, runs Q–S). Sets Kestrel's
    /// <c>UnsafePreferInlineScheduling</c> and, unless already set, <c>DOTNET_SYSTEM_NET_SOCKETS_INLINE_COMPLETIONS=1</c>.
    /// <c>threadpool</c>: ASP.NET Core's default, every request handed to the thread pool; choose it if you add
    /// code that blocks a thread (and leave that variable unset). Read at start.</summary>
    public string Scheduling { get; set; } = IoScheduling.Inline;
}

/// <summary>The values of <see cref="ListenOptions.Scheduling"/>.</summary>
public static class IoScheduling
{
    public const string Inline = "inline";
    public const string ThreadPool = "threadpool";
    /// <summary>The environment variable that makes .NET's socket engine run completions on its event threads
    /// (read once, when the process first uses a socket).</summary>
    public const string InlineCompletionsVariable = "DOTNET_SYSTEM_NET_SOCKETS_INLINE_COMPLETIONS";
}

public sealed class IssuerOptions
{
    /// <summary>A short name for logs and metrics.</summary>
    public string Name { get; set; } = "";
    /// <summary>The exact <c>iss</c> value.</summary>
    public string Issuer { get; set; } = "";
    public List<string> Audiences { get; set; } = [];
    /// <summary>A local JWKS file (relative to the config file).</summary>
    public string? JwksFile { get; set; }
    /// <summary>A JWKS URL.</summary>
    public string? JwksUrl { get; set; }
    /// <summary>An OIDC discovery document URL (<c>.../.well-known/openid-configuration</c>).</summary>
    public string? Discovery { get; set; }
    public List<string> Algorithms { get; set; } = [];
    public TimeSpan ClockSkew { get; set; } = TimeSpan.FromSeconds(30);
    public TimeSpan MaxTokenLifetime { get; set; } = TimeSpan.FromHours(1);
    public List<string> RequiredClaims { get; set; } = [];
    /// <summary>SPIFFE trust domains this issuer may vouch for. Empty: the issuer may not issue SPIFFE subjects.</summary>
    public List<string> TrustDomains { get; set; } = [];
    public TimeSpan RefreshInterval { get; set; } = TimeSpan.FromMinutes(5);
    /// <summary>Least time between two refreshes forced by an unknown <c>kid</c>.</summary>
    public TimeSpan MinForcedRefreshInterval { get; set; } = TimeSpan.FromSeconds(5);
    /// <summary>Time limit for one key fetch attempt.</summary>
    public TimeSpan FetchTimeout { get; set; } = TimeSpan.FromSeconds(5);
    /// <summary>Allow plain-HTTP key URLs (development only; HTTPS otherwise).</summary>
    public bool AllowInsecureHttp { get; set; }
}

public sealed class AuditOptions
{
    /// <summary><c>stdout</c> (default), <c>file</c> or <c>none</c>.</summary>
    public string Sink { get; set; } = "stdout";
    public string? Path { get; set; }
    /// <summary>Most records waiting for the sink; past it, or past 32 MB of waiting records, <see cref="FullMode"/>
    /// applies.</summary>
    public int Capacity { get; set; } = 10_000;
    /// <summary><c>drop</c> (default: the request never waits; dropped records are counted) or <c>wait</c>
    /// (the request waits for room: no record is lost, latency may rise).</summary>
    public string FullMode { get; set; } = "drop";
}

public sealed class ForwardingOptions
{
    public string SubjectHeader { get; set; } = "X-Workload-Id";
    public string IssuerHeader { get; set; } = "X-Workload-Issuer";
    public string AuthMethodHeader { get; set; } = "X-Workload-Auth-Method";
    public string TrustDomainHeader { get; set; } = "X-Workload-Trust-Domain";
    public string TokenIdHeader { get; set; } = "X-Workload-Token-Id";

    /// <summary>The identity headers, each with the name of its setting; an empty name turns that header off. The one
    /// list that config validation, hygiene, obligation checks and the identity transform read.</summary>
    public (string Setting, string Name)[] IdentityHeaders() =>
    [
        (nameof(SubjectHeader), SubjectHeader), (nameof(IssuerHeader), IssuerHeader), (nameof(AuthMethodHeader), AuthMethodHeader),
        (nameof(TrustDomainHeader), TrustDomainHeader), (nameof(TokenIdHeader), TokenIdHeader),
    ];
    /// <summary>More inbound headers to remove before forwarding (identity headers of other systems).</summary>
    public List<string> StripHeaders { get; set; } = [];
    /// <summary>Forward the client's Authorization header upstream. Off by default: the upstream gets the verified identity, not the credential.</summary>
    public bool ForwardAuthorization { get; set; }
}

public sealed class TokenCacheOptions
{
    public int MaxEntries { get; set; } = 100_000;
}

public sealed class LimitsOptions
{
    public int MaxTokenLength { get; set; } = 8 * 1024;
    public int MaxPathLength { get; set; } = 4 * 1024;
}

public sealed class DevIssuerOptions
{
    /// <summary>Generate the development signing key on first use (for the demo config only).</summary>
    public bool Enabled { get; set; }
    /// <summary>Folder for the generated key, relative to the config file; git-ignored.</summary>
    public string KeyDirectory { get; set; } = "../.dev";
    public string Issuer { get; set; } = "https://dev-issuer.gateway.local";
    public string Audience { get; set; } = "gateway";
    /// <summary>The SPIFFE trust domain of the dev CA (its bundle is <c>dev-ca.pem</c> in the key folder).</summary>
    public string TrustDomain { get; set; } = "demo.local";
}

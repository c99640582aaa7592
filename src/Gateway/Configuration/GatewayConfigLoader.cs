using System.Globalization;
using Microsoft.Extensions.Configuration;
using PolicyCore;
using PolicyCore.Diagnostics;

namespace Gateway.Configuration;

/// <summary>Reads the config file, binds <see cref="GatewayOptions"/>, validates everything, loads the policies.
/// Every problem is reported with file, line, column and reason; none stops the check early.</summary>
public static class GatewayConfigLoader
{
    private static readonly HashSet<string> AsymmetricAlgorithms = new(StringComparer.Ordinal)
    {
        "RS256", "RS384", "RS512", "PS256", "PS384", "PS512", "ES256", "ES384", "ES512", "EdDSA",
    };

    public static readonly IReadOnlyList<string> DefaultAlgorithms = ["RS256", "PS256", "ES256", "EdDSA"];

    public static LoadedConfig Load(string configFile, IEnumerable<KeyValuePair<string, string?>>? overrides = null)
    {
        var full = Path.GetFullPath(configFile);
        var dir = Path.GetDirectoryName(full)!;
        var diags = new List<ConfigDiagnostic>();
        JsonLocator locator = JsonLocator.Empty;

        if (!File.Exists(full))
        {
            diags.Add(new ConfigDiagnostic(configFile, 1, 1, "config file not found"));
            return Empty(full, dir, diags);
        }

        Pipeline.FileStamps.BeforeRead(full);
        locator = JsonLocator.Load(full, out var syntax);
        if (syntax is not null)
        {
            diags.Add(syntax);
            return Empty(full, dir, diags);
        }

        var builder = new ConfigurationBuilder().AddJsonFile(full, optional: false, reloadOnChange: false);
        if (overrides is not null)
        {
            builder.AddInMemoryCollection(overrides);
        }

        IConfigurationRoot configuration;
        try
        {
            configuration = builder.Build();
        }
        catch (Exception ex) when (ex is FormatException or InvalidDataException or IOException)
        {
            diags.Add(new ConfigDiagnostic(full, 1, 1, "config cannot be read: " + ex.Message));
            return Empty(full, dir, diags);
        }

        void Error(string path, string message)
        {
            var (l, c) = locator.Find(path);
            diags.Add(new ConfigDiagnostic(full, l, c, message));
        }

        // Unknown settings and unconvertible values, each at its own position; then bind the rest, so that every
        // other check still runs on what the user wrote (not on defaults).
        var badValues = new List<string>();
        SettingsChecker.Check(configuration.GetSection(GatewayOptions.SectionName), typeof(GatewayOptions), Error, badValues);
        var options = new GatewayOptions();
        try
        {
            var bindable = configuration;
            if (badValues.Count > 0)
            {
                bindable = new ConfigurationBuilder()
                    .AddConfiguration(configuration)
                    .AddInMemoryCollection(badValues.Select(p => new KeyValuePair<string, string?>(p, null)))
                    .Build();
            }

            bindable.GetSection(GatewayOptions.SectionName).Bind(options);
        }
        catch (InvalidOperationException ex)
        {
            Error(GatewayOptions.SectionName, "Gateway section: " + (ex.InnerException?.Message ?? ex.Message));
        }

        void Warn(string path, string message)
        {
            var (l, c) = locator.Find(path);
            diags.Add(new ConfigDiagnostic(full, l, c, message, IsWarning: true));
        }

        // Files the dev issuer generates on first run (demo, run, token) may not exist yet when only checking.
        var devDir = options.DevIssuer.Enabled
            ? Path.GetFullPath(Path.Combine(dir, options.DevIssuer.KeyDirectory)) + Path.DirectorySeparatorChar : null;
        bool PendingDevFile(string path, string configPath)
        {
            var fullPath = Path.GetFullPath(Path.Combine(dir, path));
            if (devDir is null || !fullPath.StartsWith(devDir, StringComparison.Ordinal) || File.Exists(fullPath))
            {
                return false;
            }

            Warn(configPath, $"'{path}' does not exist yet: the dev issuer creates it on first run (demo, run or token)");
            return true;
        }

        ValidateListen(options.Listen, dir, Error, PendingDevFile);
        ValidateIssuers(options, dir, Error, Warn);
        ValidateAudit(options.Audit, Error);
        ValidateForwarding(options.Forwarding, Error);
        ValidateStrongIdentity(options, Error, Warn);
        var bundleOptions = options.TrustBundles;
        if (devDir is not null)
        {
            bundleOptions = [];
            for (var i = 0; i < options.TrustBundles.Count; i++)
            {
                if (!PendingDevFile(options.TrustBundles[i].File, $"Gateway:TrustBundles:{i}:File"))
                {
                    bundleOptions.Add(options.TrustBundles[i]);
                }
            }
        }

        var (bundles, bundleDiagnostics) = Identity.X509.TrustBundleLoader.Load(bundleOptions,
            f => Path.GetFullPath(Path.Combine(dir, f)), full, locate: locator.Find);
        diags.AddRange(bundleDiagnostics);
        if (options.TokenCache.MaxEntries < 0)
        {
            Error("Gateway:TokenCache:MaxEntries", "TokenCache.MaxEntries must be 0 (no cache) or more");
        }

        var routeIds = ValidateReverseProxy(configuration, Error);
        var before = diags.Count;
        var (routes, clusters) = ProxyConfigReader.Read(configuration, Error);
        if (diags.Count > before)
        {
            // Our own checks above already explain most problems; keep YARP's only where it found something new.
            var yarp = diags.GetRange(before, diags.Count - before);
            diags.RemoveRange(before, diags.Count - before);
            foreach (var d in yarp)
            {
                // Dropped only when an error of ours sits at the same position (a warning there does not explain it).
                if (!diags.Exists(x => !x.IsWarning && x.File == d.File && x.Line == d.Line && x.Column == d.Column))
                {
                    diags.Add(d);
                }
            }
        }

        Identity.ApiKeys.ApiKeySnapshot? apiKeys = null;
        var apiKeyFile = Identity.ApiKeys.ApiKeyStore.ResolveFile(options.ApiKeys, dir);
        if (apiKeyFile is not null && !PendingDevFile(options.ApiKeys.StoreFile!, "Gateway:ApiKeys:StoreFile"))
        {
            if (!File.Exists(apiKeyFile))
            {
                Error("Gateway:ApiKeys:StoreFile", $"API key store '{options.ApiKeys.StoreFile}' not found (looked at {apiKeyFile}); create it with: gateway apikey create --owner NAME --expires 30d --routes ROUTE");
            }
            else
            {
                var loaded = Identity.ApiKeys.ApiKeyStoreLoader.Load(apiKeyFile, new Identity.ApiKeys.ApiKeyLoadSettings(routeIds, options.ApiKeys.MaxLifetime));
                diags.AddRange(loaded.Diagnostics);
                apiKeys = loaded.HasErrors ? null : loaded.Snapshot;
            }
        }

        var policyFiles = new List<string>();
        PolicySet? policy = null;
        if (options.Policies.Count == 0)
        {
            Error("Gateway:Policies", "no policy files: add at least one file to Gateway.Policies (without policy every request is denied)");
        }
        else
        {
            for (var i = 0; i < options.Policies.Count; i++)
            {
                var p = Path.GetFullPath(Path.Combine(dir, options.Policies[i]));
                if (!File.Exists(p))
                {
                    Error($"Gateway:Policies:{i}", $"policy file '{options.Policies[i]}' not found (looked at {p})");
                }
                else
                {
                    policyFiles.Add(p);
                }
            }

            if (policyFiles.Count == options.Policies.Count)
            {
                Pipeline.FileStamps.BeforeRead(policyFiles);
                var result = PolicyLoader.LoadFiles(policyFiles, revision: 1, knownRouteIds: routeIds);
                foreach (var d in result.Diagnostics)
                {
                    diags.Add(FromPolicy(d));
                }

                policy = result.Policy;
                if (policy is not null)
                {
                    var problems = ObligationGuard.Check(policy, options);
                    foreach (var (rule, message) in problems)
                    {
                        diags.Add(new ConfigDiagnostic(rule.File, rule.Line, rule.Column, message));
                    }

                    if (problems.Count > 0)
                    {
                        policy = null;
                    }
                }
            }
        }

        return new LoadedConfig
        {
            ConfigFile = full,
            ConfigDirectory = dir,
            Configuration = configuration,
            Options = options,
            PolicyFiles = policyFiles,
            RouteIds = routeIds,
            Routes = routes,
            Clusters = clusters,
            Policy = policy,
            TrustBundles = bundles ?? Identity.X509.TrustBundleSet.Empty,
            ApiKeys = apiKeys,
            Diagnostics = diags,
        };
    }

    public static ConfigDiagnostic FromPolicy(Diagnostic d)
        => new(d.File, d.Line, d.Column, $"{d.Code}: {d.Message}{(d.Hint is null ? "" : " (hint: " + d.Hint + ")")}",
            d.Severity == DiagnosticSeverity.Warning);

    private static LoadedConfig Empty(string full, string dir, List<ConfigDiagnostic> diags) => new()
    {
        ConfigFile = full,
        ConfigDirectory = dir,
        Configuration = new ConfigurationBuilder().Build(),
        Options = new GatewayOptions(),
        PolicyFiles = [],
        RouteIds = new HashSet<string>(),
        Diagnostics = diags,
    };

    private static void ValidateListen(ListenOptions listen, string dir, Action<string, string> error, Func<string, string, bool> pendingDevFile)
    {
        var ports = new Dictionary<int, string>();
        void Port(Uri? uri, string path)
        {
            if (uri is null || uri.Port == 0)
            {
                return;
            }

            if (ports.TryGetValue(uri.Port, out var other))
            {
                error(path, $"port {uri.Port} is already used by {other.Replace(':', '.')}: every listener needs a different port");
            }
            else
            {
                ports[uri.Port] = path;
            }
        }

        if (string.IsNullOrEmpty(listen.Public))
        {
            if (listen.Tls.Count == 0)
            {
                error("Gateway:Listen:Public", "no public listener: set Listen.Public (http://ADDRESS:PORT) or add an HTTPS listener to Listen.Tls");
            }
        }
        else
        {
            Port(CheckListenUrl(listen.Public, "Gateway:Listen:Public", "http", error), "Gateway:Listen:Public");
        }

        Port(CheckListenUrl(listen.Admin, "Gateway:Listen:Admin", "http", error), "Gateway:Listen:Admin");
        if (listen.Scheduling is not (IoScheduling.Inline or IoScheduling.ThreadPool))
        {
            error("Gateway:Listen:Scheduling", $"Scheduling '{listen.Scheduling}' is unknown: use {IoScheduling.Inline} or {IoScheduling.ThreadPool}");
        }

        for (var i = 0; i < listen.Tls.Count; i++)
        {
            var tls = listen.Tls[i];
            var p = $"Gateway:Listen:Tls:{i}";
            Port(CheckListenUrl(tls.Url, p + ":Url", "https", error), p + ":Url");
            if (tls.ClientCertificate is not ("required" or "optional" or "off"))
            {
                error(p + ":ClientCertificate", $"ClientCertificate '{tls.ClientCertificate}' is unknown: use required, optional or off");
            }

            if (string.IsNullOrWhiteSpace(tls.CertificateFile) || string.IsNullOrWhiteSpace(tls.KeyFile))
            {
                error(p, "an HTTPS listener needs CertificateFile and KeyFile (PEM)");
                continue;
            }

            if (pendingDevFile(tls.CertificateFile, p + ":CertificateFile") | pendingDevFile(tls.KeyFile, p + ":KeyFile"))
            {
                continue;
            }

            var cert = Path.GetFullPath(Path.Combine(dir, tls.CertificateFile));
            var key = Path.GetFullPath(Path.Combine(dir, tls.KeyFile));
            if (!File.Exists(cert))
            {
                error(p + ":CertificateFile", $"certificate file '{tls.CertificateFile}' not found (looked at {cert})");
            }
            else if (!File.Exists(key))
            {
                error(p + ":KeyFile", $"key file '{tls.KeyFile}' not found (looked at {key})");
            }
            else
            {
                try
                {
                    using var loaded = Hosting.ServerCertificateSource.Load(cert, key);
                }
                catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or System.Security.Cryptography.CryptographicException or InvalidDataException or ArgumentException)
                {
                    error(p + ":CertificateFile", $"certificate '{tls.CertificateFile}' with key '{tls.KeyFile}' cannot be used: {ex.Message}");
                }
            }
        }
    }

    private static Uri? CheckListenUrl(string value, string path, string scheme, Action<string, string> error)
    {
        if (!Uri.TryCreate(value, UriKind.Absolute, out var uri) || uri.Scheme != scheme || uri.AbsolutePath != "/")
        {
            error(path, $"'{value}' is not a listen URL: write {scheme}://ADDRESS:PORT, e.g. {scheme}://127.0.0.1:{(scheme == "https" ? 8443 : 8080)}"
                + (scheme == "http" ? " (HTTPS listeners go in Listen.Tls)" : ""));
            return null;
        }

        if (uri.HostNameType is not (UriHostNameType.IPv4 or UriHostNameType.IPv6) && uri.Host != "localhost")
        {
            error(path, $"'{value}': listen on an IP address (or localhost), e.g. {scheme}://0.0.0.0:{uri.Port}");
            return null;
        }

        return uri;
    }

    private static void ValidateIssuers(GatewayOptions options, string dir, Action<string, string> error, Action<string, string> warn)
    {
        if (options.Issuers.Count == 0)
        {
            warn("Gateway:Issuers", "no token issuers configured: every request will be refused with 401");
        }

        var names = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        var issuers = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < options.Issuers.Count; i++)
        {
            var iss = options.Issuers[i];
            var p = $"Gateway:Issuers:{i}";
            if (string.IsNullOrWhiteSpace(iss.Name))
            {
                error(p, "issuer needs a Name (used in logs and metrics)");
            }
            else if (!names.Add(iss.Name))
            {
                error(p + ":Name", $"issuer name '{iss.Name}' is used twice");
            }

            if (string.IsNullOrWhiteSpace(iss.Issuer))
            {
                error(p, "issuer needs an Issuer: the exact 'iss' value of its tokens");
            }
            else if (!issuers.Add(iss.Issuer))
            {
                error(p + ":Issuer", $"issuer '{iss.Issuer}' is configured twice");
            }

            if (iss.Audiences.Count == 0 || iss.Audiences.Exists(string.IsNullOrWhiteSpace))
            {
                error(p + ":Audiences", "issuer needs at least one non-empty audience: tokens minted for other services must be refused");
            }

            var sources = (iss.JwksFile is null ? 0 : 1) + (iss.JwksUrl is null ? 0 : 1) + (iss.Discovery is null ? 0 : 1);
            if (sources != 1)
            {
                error(p, "issuer needs exactly one key source: JwksFile, JwksUrl or Discovery");
            }

            if (iss.JwksFile is not null && !options.DevIssuer.Enabled && !File.Exists(Path.Combine(dir, iss.JwksFile)))
            {
                error(p + ":JwksFile", $"JWKS file '{iss.JwksFile}' not found");
            }

            CheckUrl(iss.JwksUrl, p + ":JwksUrl", iss.AllowInsecureHttp, error);
            CheckUrl(iss.Discovery, p + ":Discovery", iss.AllowInsecureHttp, error);

            for (var a = 0; a < iss.Algorithms.Count; a++)
            {
                var alg = iss.Algorithms[a];
                if (string.Equals(alg, "none", StringComparison.OrdinalIgnoreCase))
                {
                    error($"{p}:Algorithms:{a}", "algorithm 'none' is never accepted: unsigned tokens prove nothing");
                }
                else if (alg.StartsWith("HS", StringComparison.OrdinalIgnoreCase))
                {
                    error($"{p}:Algorithms:{a}", $"algorithm '{alg}' (HMAC) is refused for asymmetric issuers: a public key must never verify an HMAC");
                }
                else if (!AsymmetricAlgorithms.Contains(alg))
                {
                    error($"{p}:Algorithms:{a}", $"unknown algorithm '{alg}': use one of {string.Join(", ", AsymmetricAlgorithms)}");
                }
            }

            if (iss.ClockSkew < TimeSpan.Zero || iss.ClockSkew > TimeSpan.FromMinutes(5))
            {
                error(p + ":ClockSkew", "ClockSkew must be between 00:00:00 and 00:05:00");
            }

            if (iss.MaxTokenLifetime <= TimeSpan.Zero || iss.MaxTokenLifetime > TimeSpan.FromDays(1))
            {
                error(p + ":MaxTokenLifetime", "MaxTokenLifetime must be more than zero and at most 1.00:00:00");
            }

            if (iss.RefreshInterval < TimeSpan.FromSeconds(1))
            {
                error(p + ":RefreshInterval", "RefreshInterval must be at least 00:00:01");
            }

            if (iss.MinForcedRefreshInterval < TimeSpan.FromMilliseconds(100))
            {
                error(p + ":MinForcedRefreshInterval", "MinForcedRefreshInterval must be at least 00:00:00.1");
            }

            if (iss.FetchTimeout <= TimeSpan.Zero)
            {
                error(p + ":FetchTimeout", "FetchTimeout must be more than zero");
            }

            for (var t = 0; t < iss.TrustDomains.Count; t++)
            {
                var td = iss.TrustDomains[t];
                if (!Identity.SpiffeId.IsValidTrustDomain(td))
                {
                    error($"{p}:TrustDomains:{t}", $"'{td}' is not a SPIFFE trust domain: lower-case letters, digits, '.', '-', '_' only");
                }
            }
        }
    }

    private static void CheckUrl(string? url, string path, bool allowHttp, Action<string, string> error)
    {
        if (url is null)
        {
            return;
        }

        if (!Uri.TryCreate(url, UriKind.Absolute, out var uri) || (uri.Scheme != "https" && uri.Scheme != "http"))
        {
            error(path, $"'{url}' is not an absolute http(s) URL");
        }
        else if (uri.Scheme == "http" && !allowHttp)
        {
            error(path, $"'{url}' uses plain HTTP: keys fetched without TLS can be replaced in transit; use https, or set AllowInsecureHttp for local development");
        }
    }

    private static readonly HashSet<string> DpopAlgorithms = new(StringComparer.Ordinal)
    {
        "ES256", "ES384", "ES512", "RS256", "RS384", "RS512", "PS256", "PS384", "PS512", "EdDSA",
    };

    /// <summary>mTLS, DPoP and API-key settings (the trust-bundle and key-store files are loaded separately).</summary>
    private static void ValidateStrongIdentity(GatewayOptions options, Action<string, string> error, Action<string, string> warn)
    {
        if (options.Mtls.WhenBoth is not ("match" or "token" or "certificate"))
        {
            error("Gateway:Mtls:WhenBoth", $"WhenBoth '{options.Mtls.WhenBoth}' is unknown: use match (certificate and token must name the same workload), token or certificate");
        }

        var wantsCertificates = options.Listen.Tls.Exists(t => t.ClientCertificate is "required" or "optional");
        if (wantsCertificates && options.TrustBundles.Count == 0)
        {
            warn("Gateway:Listen:Tls", "client certificates are requested but no TrustBundles are configured: every client certificate will be refused (certificate_trust_domain_unknown)");
        }

        var dpop = options.Dpop;
        if (dpop.ProofLifetime <= TimeSpan.Zero || dpop.ProofLifetime > TimeSpan.FromMinutes(10))
        {
            error("Gateway:Dpop:ProofLifetime", "Dpop.ProofLifetime must be more than zero and at most 00:10:00 (a proof is meant to be used at once)");
        }

        if (dpop.ClockSkew < TimeSpan.Zero || dpop.ClockSkew > TimeSpan.FromMinutes(5))
        {
            error("Gateway:Dpop:ClockSkew", "Dpop.ClockSkew must be between 00:00:00 and 00:05:00");
        }

        if (dpop.ReplayCacheSize < 1000)
        {
            error("Gateway:Dpop:ReplayCacheSize", "Dpop.ReplayCacheSize must be at least 1000");
        }

        if (dpop.Algorithms.Count == 0)
        {
            error("Gateway:Dpop:Algorithms", "Dpop.Algorithms needs at least one algorithm");
        }

        for (var i = 0; i < dpop.Algorithms.Count; i++)
        {
            if (!DpopAlgorithms.Contains(dpop.Algorithms[i]))
            {
                error($"Gateway:Dpop:Algorithms:{i}", $"DPoP algorithm '{dpop.Algorithms[i]}' is not accepted: use one of {string.Join(", ", DpopAlgorithms)} (asymmetric only)");
            }
        }

        for (var i = 0; i < dpop.Origins.Count; i++)
        {
            if (!Identity.Dpop.DpopOrigins.TryNormalize(dpop.Origins[i], out _))
            {
                error($"Gateway:Dpop:Origins:{i}", $"'{dpop.Origins[i]}' is not an origin: write scheme://host[:port] (http or https, no path, query or user info), e.g. https://api.example.org");
            }
        }

        var required = options.Listen.Tls.FindIndex(t => t.ClientCertificate == "required");
        var notRequired = options.Listen.Tls.FindIndex(t => t.ClientCertificate != "required");
        if (required >= 0 && (!string.IsNullOrEmpty(options.Listen.Public) || notRequired >= 0))
        {
            var other = !string.IsNullOrEmpty(options.Listen.Public) ? "Listen.Public" : $"Listen.Tls[{notRequired}] ({options.Listen.Tls[notRequired].ClientCertificate})";
            warn($"Gateway:Listen:Tls:{required}:ClientCertificate", $"this listener requires client certificates, but {other} serves the same routes without one; remove it or require certificates there too, unless that is intended (policy can require auth_methods or sender_constrained per route)");
        }

        var header = options.ApiKeys.Header;
        if (string.IsNullOrWhiteSpace(header) || !header.All(c => char.IsAsciiLetterOrDigit(c) || c == '-')
            || header.Equals("Authorization", StringComparison.OrdinalIgnoreCase) || header.Equals("DPoP", StringComparison.OrdinalIgnoreCase)
            || header.StartsWith("X-Workload-", StringComparison.OrdinalIgnoreCase))
        {
            error("Gateway:ApiKeys:Header", $"ApiKeys.Header '{header}' cannot carry API keys: use a header name of letters, digits and '-', not Authorization, DPoP or X-Workload-*");
        }

        if (options.ApiKeys.MaxLifetime <= TimeSpan.Zero || options.ApiKeys.MaxLifetime > TimeSpan.FromDays(366))
        {
            error("Gateway:ApiKeys:MaxLifetime", "ApiKeys.MaxLifetime must be more than zero and at most 366.00:00:00: API keys are long-lived shared secrets, keep them short-lived");
        }
    }

    /// <summary>The identity header names: each a valid header name (letters, digits, '-'; so no '_' spelling that
    /// CGI-style upstreams would read as another name), none used twice ignoring case: two identity values in one header
    /// would leave the upstream to pick one. Empty turns a header off.</summary>
    private static void ValidateForwarding(ForwardingOptions f, Action<string, string> error)
    {
        var seen = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var (key, name) in f.IdentityHeaders())
        {
            if (string.IsNullOrEmpty(name))
            {
                continue;
            }

            if (!name.All(c => char.IsAsciiLetterOrDigit(c) || c == '-') || name.Equals("Authorization", StringComparison.OrdinalIgnoreCase)
                || name.Equals("Host", StringComparison.OrdinalIgnoreCase))
            {
                error($"Gateway:Forwarding:{key}", $"'{name}' is not usable as an identity header: use a header name of letters, digits and '-' (e.g. X-Workload-Id)");
                continue;
            }

            if (seen.TryGetValue(name, out var other))
            {
                error($"Gateway:Forwarding:{key}", $"'{name}' is also Forwarding.{other}: each identity header needs a name of its own");
                continue;
            }

            seen[name] = key;
        }
    }

    private static void ValidateAudit(AuditOptions audit, Action<string, string> error)
    {
        if (audit.Sink is not ("stdout" or "file" or "none"))
        {
            error("Gateway:Audit:Sink", $"audit sink '{audit.Sink}' is unknown: use stdout, file or none");
        }

        if (audit.Sink == "file" && string.IsNullOrWhiteSpace(audit.Path))
        {
            error("Gateway:Audit:Path", "audit sink 'file' needs a Path");
        }

        if (audit.Capacity < 1)
        {
            error("Gateway:Audit:Capacity", "audit Capacity must be at least 1");
        }

        if (audit.FullMode is not ("drop" or "wait"))
        {
            error("Gateway:Audit:FullMode", $"audit FullMode '{audit.FullMode}' is unknown: use drop or wait");
        }
    }

    private static HashSet<string> ValidateReverseProxy(IConfiguration configuration, Action<string, string> error)
    {
        var routeIds = new HashSet<string>(StringComparer.Ordinal);
        var proxy = configuration.GetSection("ReverseProxy");
        var clusters = proxy.GetSection("Clusters");
        var clusterIds = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        foreach (var cluster in clusters.GetChildren())
        {
            clusterIds.Add(cluster.Key);
            var destinations = cluster.GetSection("Destinations").GetChildren().ToList();
            if (destinations.Count == 0)
            {
                error(cluster.Path, $"cluster '{cluster.Key}' has no Destinations");
            }

            foreach (var d in destinations)
            {
                var address = d["Address"];
                if (!Uri.TryCreate(address, UriKind.Absolute, out var uri) || (uri.Scheme != "http" && uri.Scheme != "https"))
                {
                    error(d.Path + ":Address", $"destination '{d.Key}' of cluster '{cluster.Key}' needs an absolute http(s) Address");
                }
            }
        }

        foreach (var route in proxy.GetSection("Routes").GetChildren())
        {
            routeIds.Add(route.Key);
            var clusterId = route["ClusterId"];
            if (string.IsNullOrEmpty(clusterId))
            {
                error(route.Path, $"route '{route.Key}' needs a ClusterId");
            }
            else if (!clusterIds.Contains(clusterId))
            {
                error(route.Path + ":ClusterId", $"route '{route.Key}' names cluster '{clusterId}', which is not defined under ReverseProxy.Clusters");
            }

            var match = route.GetSection("Match");
            if (match["Path"] is null && !match.GetSection("Hosts").GetChildren().Any())
            {
                error(route.Path, $"route '{route.Key}' needs Match.Path or Match.Hosts");
            }

            var order = route["Order"];
            if (order is not null && !int.TryParse(order, NumberStyles.Integer, CultureInfo.InvariantCulture, out _))
            {
                error(route.Path + ":Order", $"route '{route.Key}' Order must be an integer");
            }
        }

        if (routeIds.Count == 0)
        {
            error("ReverseProxy", "no routes: add ReverseProxy.Routes (YARP format) so the gateway has something to forward to");
        }

        return routeIds;
    }
}

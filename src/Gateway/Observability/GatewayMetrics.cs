using Prometheus;

namespace Gateway.Observability;

/// <summary>
/// The gateway's Prometheus metrics, in a registry of its own (one per gateway instance, so that tests running several
/// gateways in one process do not mix their figures). Labels are small fixed sets: route, outcome, reason, issuer.
/// </summary>
public sealed class GatewayMetrics
{
    private static readonly double[] LatencyBuckets =
        [0.00001, 0.000025, 0.00005, 0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5];

    static GatewayMetrics()
    {
        // prometheus-net by default starts adapters that listen to every EventCounter and Meter in the process
        // (Kestrel, HttpClient, runtime): measurable cost on every proxied request. The gateway exports its own metrics.
        Metrics.SuppressDefaultMetrics();
    }

    public GatewayMetrics()
    {
        Registry = Metrics.NewCustomRegistry();
        var f = Metrics.WithCustomRegistry(Registry);
        // Exemplars would read Activity.Current on every observation; the gateway's metrics are aggregates only.
        f.ExemplarBehavior = ExemplarBehavior.NoExemplars();
        Decisions = f.CreateCounter("gateway_decisions_total", "Access decisions by route, outcome and reason.",
            new CounterConfiguration { LabelNames = ["route", "outcome", "reason"] });
        AuthDuration = f.CreateHistogram("gateway_authentication_duration_seconds", "Time to authenticate a request.",
            new HistogramConfiguration { Buckets = LatencyBuckets, LabelNames = ["outcome"] });
        PolicyDuration = f.CreateHistogram("gateway_policy_duration_seconds", "Time to evaluate policy for a request.",
            new HistogramConfiguration { Buckets = LatencyBuckets });
        RequestDuration = f.CreateHistogram("gateway_request_duration_seconds", "Whole request time at the gateway, upstream included.",
            new HistogramConfiguration { Buckets = LatencyBuckets, LabelNames = ["route"] });
        KeyRefresh = f.CreateCounter("gateway_key_refresh_total", "Signing key refreshes by issuer and outcome.",
            new CounterConfiguration { LabelNames = ["issuer", "outcome"] });
        KeysLoaded = f.CreateGauge("gateway_issuer_keys", "Verification keys currently installed per issuer.",
            new GaugeConfiguration { LabelNames = ["issuer"] });
        TokenCache = f.CreateCounter("gateway_token_cache_total", "Validated-token cache lookups by result (hit, miss, full; expired: a miss refused from the list of verified expired tokens).",
            new CounterConfiguration { LabelNames = ["result"] });
        TokenCacheEntries = f.CreateGauge("gateway_token_cache_entries", "Entries in the validated-token cache.");
        PolicyReloads = f.CreateCounter("gateway_policy_reload_total", "Policy reloads by outcome (success, failure).",
            new CounterConfiguration { LabelNames = ["outcome"] });
        ConfigReloads = f.CreateCounter("gateway_config_reload_total", "Config file reloads by outcome (success, failure).",
            new CounterConfiguration { LabelNames = ["outcome"] });
        ShadowDecisions = f.CreateCounter("gateway_shadow_decisions_total",
            "Decisions shadow rules would have made (never enforced), by route, outcome and whether they differ from the enforced one.",
            new CounterConfiguration { LabelNames = ["route", "outcome", "flips"] });
        PolicyRevision = f.CreateGauge("gateway_policy_revision", "Revision of the policy snapshot serving requests.");
        AuditRecords = f.CreateCounter("gateway_audit_records_total", "Audit records by outcome (written, dropped, failed).",
            new CounterConfiguration { LabelNames = ["outcome"] });
        RejectedRequests = f.CreateCounter("gateway_rejected_requests_total", "Requests refused before authentication (bad path, bad headers).",
            new CounterConfiguration { LabelNames = ["reason"] });
        Gen2Collections = f.CreateGauge("gateway_gc_gen2_collections", "Full (gen 2) garbage collections since start.");
        ApiKeyAuth = f.CreateCounter("gateway_api_key_auth_total",
            "API key authentications by outcome: success, malformed, or the refusal's reason code (never a key id or owner).",
            new CounterConfiguration { LabelNames = ["outcome"] });
        TrustBundleReloads = f.CreateCounter("gateway_trust_bundle_reload_total", "Trust bundle reloads by outcome (success, failure).",
            new CounterConfiguration { LabelNames = ["outcome"] });
        TrustBundleRevision = f.CreateGauge("gateway_trust_bundle_revision", "Revision of the trust bundle snapshot serving requests.");
        ApiKeyStoreReloads = f.CreateCounter("gateway_api_key_store_reload_total", "API key store reloads by outcome (success, failure).",
            new CounterConfiguration { LabelNames = ["outcome"] });
        ApiKeyStoreKeys = f.CreateGauge("gateway_api_key_store_keys", "Entries in the API key store snapshot serving requests (any status).");
        ApiKeyStoreRevision = f.CreateGauge("gateway_api_key_store_revision", "Revision of the API key store snapshot serving requests (0: none loaded).");
        ServerCertificateReloads = f.CreateCounter("gateway_server_certificate_reload_total",
            "HTTPS listener server certificate reloads by listener URL and outcome (success, failure).",
            new CounterConfiguration { LabelNames = ["listener", "outcome"] });
        ServerCertificateNotAfter = f.CreateGauge("gateway_server_certificate_not_after_timestamp_seconds",
            "Expiry (Unix time) of the server certificate each HTTPS listener serves: alert well before it passes.",
            new GaugeConfiguration { LabelNames = ["listener"] });
    }

    private readonly System.Collections.Concurrent.ConcurrentDictionary<(string, string, string), Counter.Child> _decisions = new();
    private readonly System.Collections.Concurrent.ConcurrentDictionary<(string, string, string), Counter.Child> _shadow = new();
    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, Histogram.Child> _requestDurations = new();

    /// <summary>The decision counter's child for these labels, cached (no label array per request). The label sets
    /// are bounded: route ids come from the config, outcomes and reasons are fixed codes.</summary>
    public Counter.Child Decision(string route, string outcome, string reason)
        => _decisions.GetOrAdd((route, outcome, reason), static (k, c) => c.WithLabels(k.Item1, k.Item2, k.Item3), Decisions);

    public Histogram.Child RequestDurationFor(string route)
        => _requestDurations.GetOrAdd(route, static (r, h) => h.WithLabels(r), RequestDuration);

    public CollectorRegistry Registry { get; }
    public Counter Decisions { get; }
    public Histogram AuthDuration { get; }
    public Histogram PolicyDuration { get; }
    public Histogram RequestDuration { get; }
    public Counter KeyRefresh { get; }
    public Gauge KeysLoaded { get; }
    public Counter TokenCache { get; }
    public Gauge TokenCacheEntries { get; }
    public Counter PolicyReloads { get; }
    public Gauge PolicyRevision { get; }
    public Counter ShadowDecisions { get; }

    public Counter.Child Shadow(string route, string outcome, bool flips)
        => _shadow.GetOrAdd((route, outcome, flips ? "true" : "false"),
            static (k, c) => c.WithLabels(k.Item1, k.Item2, k.Item3), ShadowDecisions);
    public Counter ConfigReloads { get; }
    public Counter AuditRecords { get; }
    public Counter RejectedRequests { get; }
    public Gauge Gen2Collections { get; }
    public Counter ApiKeyAuth { get; }
    public Counter ApiKeyStoreReloads { get; }
    public Counter TrustBundleReloads { get; }
    public Gauge TrustBundleRevision { get; }
    public Gauge ApiKeyStoreKeys { get; }
    public Gauge ApiKeyStoreRevision { get; }
    public Counter ServerCertificateReloads { get; }
    public Gauge ServerCertificateNotAfter { get; }
}

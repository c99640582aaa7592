using System.Text.Json;
using Gateway.Configuration;
using Gateway.Identity;
using Gateway.Observability;
using Gateway.Pipeline;
using Microsoft.Extensions.Logging;
using Yarp.ReverseProxy.Configuration;

namespace Gateway.Hosting;

/// <summary>
/// The running gateway's config, and how a new one is applied. Apply = load → validate everything (config, YARP
/// routes and clusters, policy files) → swap routes, issuers and policy. Any error changes nothing: the last good
/// config keeps serving. Listeners, audit, limits, token cache and forwarding settings are read at start; a change to
/// them is logged as needing a restart and not applied.
/// </summary>
internal sealed partial class GatewayState(
    LoadedConfig initial,
    InMemoryConfigProvider proxy,
    JwtAuthenticator authenticator,
    IssuerFactory issuers,
    PolicyStore policy,
    Identity.X509.TrustBundleStore bundles,
    GatewayMetrics metrics,
    ILogger<GatewayState> logger)
{
    private readonly SemaphoreSlim _lock = new(1, 1);
    private LoadedConfig _current = initial;

    public LoadedConfig Current => Volatile.Read(ref _current);

    /// <summary>Reloads the config file. Returns the diagnostics; on any error nothing changes.</summary>
    public async Task<IReadOnlyList<ConfigDiagnostic>> ReloadAsync(CancellationToken cancellationToken)
    {
        await _lock.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var current = Current;
            var next = GatewayConfigLoader.Load(current.ConfigFile);
            if (next.HasErrors)
            {
                metrics.ConfigReloads.WithLabels("failure").Inc();
                Log.Rejected(logger, next.Diagnostics.Count(d => !d.IsWarning));
                foreach (var d in next.Diagnostics)
                {
                    Log.Diagnostic(logger, d.ToString());
                }

                return next.Diagnostics;
            }

            foreach (var section in RestartOnly(current.Options, next.Options))
            {
                Log.NeedsRestart(logger, section);
            }

            await ApplyIssuersAsync(current, next, cancellationToken).ConfigureAwait(false);
            proxy.Update(next.Routes, next.Clusters);
            policy.Replace(next);
            bundles.Replace(next.TrustBundles, next.Options.TrustBundles, next.Resolve, next.ConfigFile);
            Volatile.Write(ref _current, next);
            metrics.ConfigReloads.WithLabels("success").Inc();
            Log.Applied(logger, next.Routes.Count, next.Options.Issuers.Count);
            return next.Diagnostics;
        }
        finally
        {
            _lock.Release();
        }
    }

    private async Task ApplyIssuersAsync(LoadedConfig current, LoadedConfig next, CancellationToken cancellationToken)
    {
        var existing = authenticator.Issuers.ToDictionary(i => Key(i.Options, current), StringComparer.Ordinal);
        var kept = new List<IssuerRuntime>();
        var started = new List<IssuerRuntime>();
        foreach (var o in next.Options.Issuers)
        {
            if (existing.Remove(Key(o, next), out var same))
            {
                kept.Add(same);
                continue;
            }

            var created = issuers.Create(o, next);
            created.Keys.Start();
            started.Add(created);
        }

        if (started.Count == 0 && existing.Count == 0)
        {
            return; // issuers unchanged: keep them and their cache
        }

        // New or changed issuers get their first fetch before they take traffic (bounded, like at start).
        await Task.WhenAny(Task.WhenAll(started.Select(i => i.Keys.FirstAttempt)), Task.Delay(TimeSpan.FromSeconds(10), cancellationToken))
            .ConfigureAwait(false);
        authenticator.ReplaceIssuers([.. kept, .. started]);
        foreach (var removed in existing.Values)
        {
            await removed.Keys.DisposeAsync().ConfigureAwait(false);
        }
    }

    /// <summary>Same options and same resolved key location = same issuer.</summary>
    private static string Key(IssuerOptions o, LoadedConfig config)
        => JsonSerializer.Serialize(o) + "|" + (o.JwksFile is null ? "" : config.Resolve(o.JwksFile));

    private static IEnumerable<string> RestartOnly(GatewayOptions a, GatewayOptions b)
    {
        static string J(object o) => JsonSerializer.Serialize(o);
        if (J(a.Listen) != J(b.Listen)) yield return "Listen";
        if (J(a.Audit) != J(b.Audit)) yield return "Audit";
        if (J(a.Forwarding) != J(b.Forwarding)) yield return "Forwarding";
        if (J(a.TokenCache) != J(b.TokenCache)) yield return "TokenCache";
        if (J(a.Limits) != J(b.Limits)) yield return "Limits";
        if (J(a.DevIssuer) != J(b.DevIssuer)) yield return "DevIssuer";
        if (J(a.Mtls) != J(b.Mtls)) yield return "Mtls";
        if (J(a.Dpop) != J(b.Dpop)) yield return "Dpop";
        if (J(a.ApiKeys) != J(b.ApiKeys)) yield return "ApiKeys";
    }

    private static partial class Log
    {
        [LoggerMessage(EventIds.ConfigReloaded, LogLevel.Information, "Config reloaded: {Routes} routes, {Issuers} issuers")]
        public static partial void Applied(ILogger logger, int routes, int issuers);

        [LoggerMessage(EventIds.ConfigReloadRejected, LogLevel.Error, "Config reload rejected (errors: {Count}); the last good config keeps serving")]
        public static partial void Rejected(ILogger logger, int count);

        [LoggerMessage(EventIds.ConfigDiagnostic, LogLevel.Error, "{Diagnostic}")]
        public static partial void Diagnostic(ILogger logger, string diagnostic);

        [LoggerMessage(EventIds.ConfigNeedsRestart, LogLevel.Warning, "Config section Gateway.{Section} changed: it is read at start only; restart to apply it")]
        public static partial void NeedsRestart(ILogger logger, string section);
    }
}

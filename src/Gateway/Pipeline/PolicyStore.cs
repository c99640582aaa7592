using Gateway.Configuration;
using Gateway.Observability;
using Microsoft.Extensions.Logging;
using PolicyCore;

namespace Gateway.Pipeline;

/// <summary>
/// Holds the policy snapshot serving requests. Reload = parse → validate → compile → swap; a reload with any error
/// changes nothing (the last good snapshot keeps serving), logs every diagnostic and counts the failure.
/// </summary>
internal sealed partial class PolicyStore
{
    private IReadOnlyList<string> _files;
    private IReadOnlySet<string> _routeIds;
    private readonly GatewayMetrics _metrics;
    private readonly ILogger<PolicyStore> _logger;
    private readonly GatewayOptions _options;
    private readonly object _reloadLock = new();
    private PolicySet? _current;
    private long _revision;

    public PolicyStore(LoadedConfig config, GatewayMetrics metrics, ILogger<PolicyStore> logger)
    {
        _files = config.PolicyFiles;
        _routeIds = config.RouteIds;
        _metrics = metrics;
        _logger = logger;
        _options = config.Options;
        _current = config.Policy;
        _revision = config.Policy?.Revision ?? 0;
        _metrics.PolicyRevision.Set(_revision);
    }

    /// <summary>The snapshot to read once per request; null means fail closed.</summary>
    public PolicySet? Current => Volatile.Read(ref _current);

    public IReadOnlyList<string> Files => Volatile.Read(ref _files);

    /// <summary>Config reload: new policy files and route ids, with the policy the new config compiled.</summary>
    public void Replace(LoadedConfig config)
    {
        lock (_reloadLock)
        {
            // The policy the new config was validated with: never re-read here (the files may be mid-write).
            var policy = config.Policy ?? throw new InvalidOperationException("a config without a compiled policy is never applied");
            _routeIds = config.RouteIds;
            Volatile.Write(ref _files, config.PolicyFiles);
            _revision++;
            Interlocked.Exchange(ref _current, policy);
            _metrics.PolicyRevision.Set(_revision);
            Log.Reloaded(_logger, _revision, policy.RuleCount);
        }
    }

    /// <summary>Reloads every policy file. Returns the diagnostics; on any error the current snapshot is kept.</summary>
    public IReadOnlyList<PolicyCore.Diagnostics.Diagnostic> Reload()
    {
        lock (_reloadLock)
        {
            FileStamps.BeforeRead(_files);
            var result = PolicyLoader.LoadFiles(_files, _revision + 1, _routeIds);
            var guard = result.Policy is null ? [] : ObligationGuard.Check(result.Policy, _options);
            foreach (var (rule, message) in guard)
            {
                Log.Diagnostic(_logger, $"{rule.File}:{rule.Line}:{rule.Column}: error: {message}");
            }

            if (result.Policy is null || guard.Count > 0)
            {
                _metrics.PolicyReloads.WithLabels("failure").Inc();
                Log.ReloadRejected(_logger, result.Diagnostics.Count, _revision);
                foreach (var d in result.Diagnostics)
                {
                    Log.Diagnostic(_logger, d.ToString());
                }

                return result.Diagnostics;
            }

            _revision = result.Policy.Revision;
            Interlocked.Exchange(ref _current, result.Policy);
            _metrics.PolicyReloads.WithLabels("success").Inc();
            _metrics.PolicyRevision.Set(_revision);
            Log.Reloaded(_logger, _revision, result.Policy.RuleCount);
            return result.Diagnostics;
        }
    }

    private static partial class Log
    {
        [LoggerMessage(EventIds.PolicyReloaded, LogLevel.Information, "Policy reloaded: revision {Revision}, {Rules} rules")]
        public static partial void Reloaded(ILogger logger, long revision, int rules);

        [LoggerMessage(EventIds.PolicyReloadRejected, LogLevel.Error, "Policy reload rejected (problems: {Count}); revision {Revision} keeps serving")]
        public static partial void ReloadRejected(ILogger logger, int count, long revision);

        [LoggerMessage(EventIds.PolicyDiagnostic, LogLevel.Error, "{Diagnostic}")]
        public static partial void Diagnostic(ILogger logger, string diagnostic);
    }
}

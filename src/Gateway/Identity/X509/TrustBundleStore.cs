using Gateway.Configuration;
using Microsoft.Extensions.Logging;

namespace Gateway.Identity.X509;

/// <summary>
/// Holds the trust bundle snapshot client certificates are validated against. <see cref="Reload"/> re-reads every
/// bundle file; when any of them is bad nothing changes (the last good snapshot keeps serving) and every reason is
/// logged with file and line. A good reload swaps in a new snapshot with a higher <see cref="TrustBundleSet.Revision"/>.
/// </summary>
internal sealed partial class TrustBundleStore
{
    private const int ReloadedEventId = Observability.EventIds.TrustBundlesReloaded;
    private const int ReloadRejectedEventId = Observability.EventIds.TrustBundleReloadRejected;
    private const int DiagnosticEventId = Observability.EventIds.TrustBundleDiagnostic;

    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly object _reloadLock = new();
    private IReadOnlyList<TrustBundleOptions> _options;
    private Func<string, string> _resolvePath;
    private string _configFile;
    private IReadOnlyList<string> _files;
    private TrustBundleSet _current;
    private readonly Observability.GatewayMetrics? _metrics;

    /// <param name="initial">The set the config loader loaded at start (<see cref="TrustBundleLoader.Load"/>).</param>
    /// <param name="options">The bundles it was loaded from.</param>
    /// <param name="resolvePath">A bundle <c>File</c> → full path (relative to the config file's folder).</param>
    /// <param name="configFile">The config file, for diagnostics about the settings.</param>
    public TrustBundleStore(TrustBundleSet initial, IReadOnlyList<TrustBundleOptions> options, Func<string, string> resolvePath,
        string configFile, TimeProvider time, ILogger<TrustBundleStore> logger, Observability.GatewayMetrics? metrics = null)
    {
        _metrics = metrics;
        metrics?.TrustBundleRevision.Set(initial.Revision);
        _current = initial;
        _options = options;
        _resolvePath = resolvePath;
        _configFile = configFile;
        _files = TrustBundleLoader.ResolveFiles(options, resolvePath);
        _time = time;
        _logger = logger;
    }

    /// <summary>The snapshot to read once per connection or request. Never null: no bundles means an empty set.</summary>
    public TrustBundleSet Current => Volatile.Read(ref _current);

    /// <summary>The bundle files (full paths); a new list instance after <see cref="Replace"/>.</summary>
    public IReadOnlyList<string> WatchedFiles => Volatile.Read(ref _files);

    /// <summary>Re-reads every bundle file. Returns the diagnostics; on any error the current snapshot is kept.</summary>
    public IReadOnlyList<ConfigDiagnostic> Reload()
    {
        lock (_reloadLock)
        {
            var current = Current;
            var (set, diagnostics) = TrustBundleLoader.Load(_options, _resolvePath, _configFile, _time, revision: current.Revision + 1);
            foreach (var d in diagnostics)
            {
                Log.Diagnostic(_logger, d.IsWarning ? LogLevel.Warning : LogLevel.Error, d.ToString());
            }

            if (set is null)
            {
                Log.ReloadRejected(_logger, diagnostics.Count, current.Revision);
                _metrics?.TrustBundleReloads.WithLabels("failure").Inc();
                return diagnostics;
            }

            Interlocked.Exchange(ref _current, set);
            Log.Reloaded(_logger, set.Revision, set.Count);
            _metrics?.TrustBundleReloads.WithLabels("success").Inc();
            _metrics?.TrustBundleRevision.Set(set.Revision);
            return diagnostics;
        }
    }

    /// <summary>Config reload: the bundles of the new config, with the set the config loader loaded and validated
    /// (never re-read here: the files may be mid-write). The set is renumbered after the current one.</summary>
    public void Replace(TrustBundleSet set, IReadOnlyList<TrustBundleOptions> options, Func<string, string> resolvePath, string configFile)
    {
        lock (_reloadLock)
        {
            var next = set.WithRevision(Current.Revision + 1);
            _options = options;
            _resolvePath = resolvePath;
            _configFile = configFile;
            Volatile.Write(ref _files, TrustBundleLoader.ResolveFiles(options, resolvePath));
            Interlocked.Exchange(ref _current, next);
            Log.Reloaded(_logger, next.Revision, next.Count);
            _metrics?.TrustBundleRevision.Set(next.Revision);
        }
    }

    private static partial class Log
    {
        [LoggerMessage(ReloadedEventId, LogLevel.Information, "Trust bundles loaded: revision {Revision}, {TrustDomains} trust domains")]
        public static partial void Reloaded(ILogger logger, long revision, int trustDomains);

        [LoggerMessage(ReloadRejectedEventId, LogLevel.Error, "Trust bundle reload rejected (problems: {Count}); revision {Revision} keeps serving")]
        public static partial void ReloadRejected(ILogger logger, int count, long revision);

        [LoggerMessage(EventId = DiagnosticEventId, Message = "{Diagnostic}")]
        public static partial void Diagnostic(ILogger logger, LogLevel level, string diagnostic);
    }
}

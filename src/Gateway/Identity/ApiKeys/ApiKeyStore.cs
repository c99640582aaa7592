using Gateway.Configuration;
using Gateway.Observability;
using Microsoft.Extensions.Logging;

namespace Gateway.Identity.ApiKeys;

/// <summary>
/// Holds the API key snapshot serving requests. A reload reads and checks the whole file and swaps the snapshot only
/// when it has no error; otherwise (bad JSON, a bad entry, the file missing or unreadable) the last good snapshot
/// keeps serving, every problem is logged with its file:line:col and the failure is counted
/// (<c>gateway_api_key_store_reload_total{outcome="failure"}</c>). With no store file, API keys are off and
/// <see cref="Current"/> is null.
/// </summary>
internal sealed partial class ApiKeyStore
{
    private readonly ApiKeyLoadSettings _settings;
    private readonly GatewayMetrics _metrics;
    private readonly ILogger<ApiKeyStore> _logger;
    private readonly Lock _reloadLock = new();
    private ApiKeySnapshot? _current;
    private long _revision;

    /// <param name="file">The store file (absolute, or relative to the working folder; see <see cref="ResolveFile"/>);
    /// null: API keys are off.</param>
    /// <param name="initial">A snapshot already loaded and checked (for example by the config loader at start-up);
    /// when null and <paramref name="file"/> is set, the file is loaded now (a bad file leaves the store empty, so every
    /// key is refused with <c>api_keys_unavailable</c>: fail closed).</param>
    public ApiKeyStore(string? file, ApiKeyLoadSettings settings, GatewayMetrics metrics, ILogger<ApiKeyStore> logger,
        TimeProvider time, ApiKeySnapshot? initial = null)
    {
        StoreFile = file is null ? null : Path.GetFullPath(file);
        Files = StoreFile is null ? [] : [StoreFile];
        _settings = settings;
        _metrics = metrics;
        _logger = logger;
        Time = time;
        if (initial is not null)
        {
            _current = initial;
            _revision = initial.Revision;
            _metrics.ApiKeyStoreKeys.Set(initial.Entries.Count);
            _metrics.ApiKeyStoreRevision.Set(_revision);
        }
        else if (StoreFile is not null)
        {
            Reload();
        }
    }

    /// <summary><c>Gateway.ApiKeys.StoreFile</c> resolved against the config file's folder; null when unset (keys off).</summary>
    public static string? ResolveFile(ApiKeyOptions options, string configDirectory)
        => string.IsNullOrWhiteSpace(options.StoreFile) ? null : Path.GetFullPath(Path.Combine(configDirectory, options.StoreFile));

    public bool Enabled => StoreFile is not null;

    /// <summary>The store file, absolute; null when keys are off.</summary>
    public string? StoreFile { get; }

    /// <summary>The watched files: the store file, or none when keys are off.</summary>
    public IReadOnlyList<string> Files { get; }

    public TimeProvider Time { get; }

    /// <summary>The snapshot to read once per request; null means every key is refused (keys off, or no good load yet).</summary>
    public ApiKeySnapshot? Current => Volatile.Read(ref _current);

    /// <summary>Reads the store file again. On any error the current snapshot is kept. Returns every diagnostic.</summary>
    public ApiKeyLoadResult Reload()
    {
        if (StoreFile is null)
        {
            return ApiKeyLoadResult.Disabled;
        }

        lock (_reloadLock)
        {
            var current = Current;
            var result = ApiKeyStoreLoader.Load(StoreFile, _settings, current, _revision + 1);
            foreach (var d in result.Diagnostics)
            {
                if (d.IsWarning)
                {
                    Log.DiagnosticWarning(_logger, d.ToString());
                }
                else
                {
                    Log.Diagnostic(_logger, d.ToString());
                }
            }

            if (result.HasErrors || result.Snapshot is null)
            {
                _metrics.ApiKeyStoreReloads.WithLabels("failure").Inc();
                if (current is null)
                {
                    Log.Unavailable(_logger, result.Diagnostics.Count);
                }
                else
                {
                    Log.ReloadRejected(_logger, result.Diagnostics.Count, current.Revision, current.Entries.Count);
                }

                return result;
            }

            _revision = result.Snapshot.Revision;
            Interlocked.Exchange(ref _current, result.Snapshot);
            _metrics.ApiKeyStoreReloads.WithLabels("success").Inc();
            _metrics.ApiKeyStoreKeys.Set(result.Snapshot.Entries.Count);
            _metrics.ApiKeyStoreRevision.Set(_revision);
            Log.Reloaded(_logger, _revision, result.Snapshot.Entries.Count);
            return result;
        }
    }

    private static partial class Log
    {
        [LoggerMessage(Observability.EventIds.ApiKeyStoreReloaded, LogLevel.Information, "API key store loaded: revision {Revision}, {Keys} keys")]
        public static partial void Reloaded(ILogger logger, long revision, int keys);

        [LoggerMessage(Observability.EventIds.ApiKeyStoreReloadRejected, LogLevel.Error,
            "API key store reload rejected (problems: {Count}); revision {Revision} ({Keys} keys) keeps serving")]
        public static partial void ReloadRejected(ILogger logger, int count, long revision, int keys);

        [LoggerMessage(Observability.EventIds.ApiKeyStoreUnavailable, LogLevel.Error,
            "API key store could not be loaded (problems: {Count}) and none was loaded before: every API key is refused (api_keys_unavailable)")]
        public static partial void Unavailable(ILogger logger, int count);

        [LoggerMessage(Observability.EventIds.ApiKeyStoreDiagnostic, LogLevel.Error, "{Diagnostic}")]
        public static partial void Diagnostic(ILogger logger, string diagnostic);

        [LoggerMessage(Observability.EventIds.ApiKeyStoreDiagnostic, LogLevel.Warning, "{Diagnostic}")]
        public static partial void DiagnosticWarning(ILogger logger, string diagnostic);
    }
}

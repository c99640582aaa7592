using Gateway.Observability;
using Microsoft.Extensions.Logging;

namespace Gateway.Identity;

/// <summary>
/// Keeps one issuer's keys fresh, off the request path: a first fetch at start (retried with backoff until it
/// succeeds), then a refresh every interval with ±10% jitter, and a forced refresh when a token names an unknown
/// <c>kid</c> — at most one per <c>MinForcedRefreshInterval</c>, so a flood of bad tokens cannot turn the gateway into
/// a load generator against the issuer. A failed refresh keeps the last good key set. A successful one replaces it
/// whole, so a key removed by the issuer stops verifying at the next refresh.
/// </summary>
internal sealed partial class IssuerKeyManager : IAsyncDisposable
{
    private readonly KeySetSource _source;
    private readonly string _issuerName;
    private readonly TimeSpan _interval;
    private readonly TimeSpan _minForced;
    private readonly TimeProvider _time;
    private readonly GatewayMetrics _metrics;
    private readonly ILogger _logger;
    private readonly CancellationTokenSource _stop = new();
    private readonly SemaphoreSlim _refreshLock = new(1, 1);
    private volatile IssuerKeySet? _current;
    private long _revision;
    private long _lastForcedTicks = long.MinValue / 2;
    private int _forcedPending;
    private Task? _loop;
    private volatile TaskCompletionSource _wake = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource _firstAttempt = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>Completes when the first fetch has been tried, whatever its outcome.</summary>
    public Task FirstAttempt => _firstAttempt.Task;

    public IssuerKeyManager(KeySetSource source, string issuerName, TimeSpan interval, TimeSpan minForced,
        TimeProvider time, GatewayMetrics metrics, ILogger logger)
    {
        _source = source;
        _issuerName = issuerName;
        _interval = interval;
        _minForced = minForced;
        _time = time;
        _metrics = metrics;
        _logger = logger;
    }

    /// <summary>Called with a new key set on the refresh task, before requests can see it: whatever the hot path
    /// derives from a key set (validation parameters per key) is built there, not on the first request that uses it.
    /// </summary>
    public Action<IssuerKeySet>? Preparing { get; set; }

    /// <summary>The installed keys, or null while none were ever fetched (requests then fail closed).</summary>
    public IssuerKeySet? Current => _current;

    public string IssuerName => _issuerName;

    public void Start() => _loop ??= Task.Run(() => RunAsync(_stop.Token));

    /// <summary>Asks for a refresh because a token named an unknown key. Rate-limited; never blocks the caller.</summary>
    public bool RequestRefresh()
    {
        var now = _time.GetTimestamp();
        var last = Interlocked.Read(ref _lastForcedTicks);
        if (_time.GetElapsedTime(last, now) < _minForced)
        {
            return false;
        }

        if (Interlocked.CompareExchange(ref _lastForcedTicks, now, last) != last)
        {
            return false; // another request won the race
        }

        Interlocked.Exchange(ref _forcedPending, 1);
        Log.ForcedRefresh(_logger, _issuerName);
        _wake.TrySetResult();
        return true;
    }

    /// <summary>Fetches now and installs the keys if they are usable. Returns true on success.</summary>
    public async Task<bool> RefreshAsync(CancellationToken cancellationToken)
    {
        await _refreshLock.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var jwks = await _source.FetchAsync(cancellationToken).ConfigureAwait(false);
            var problems = new List<string>();
            var set = IssuerKeySet.Build(jwks, Interlocked.Increment(ref _revision), _time.GetUtcNow(), problems);
            foreach (var p in problems)
            {
                Log.KeyProblem(_logger, _issuerName, p);
            }

            if (set.All.Length == 0)
            {
                throw new InvalidDataException("the key set holds no usable signature key");
            }

            Preparing?.Invoke(set);
            _current = set;
            _metrics.KeyRefresh.WithLabels(_issuerName, "success").Inc();
            _metrics.KeysLoaded.WithLabels(_issuerName).Set(set.All.Length);
            Log.RefreshSucceeded(_logger, _issuerName, set.All.Length, _source.Describe());
            return true;
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            _metrics.KeyRefresh.WithLabels(_issuerName, "failure").Inc();
            Log.RefreshFailed(_logger, _issuerName, _source.Describe(), ex.GetType().Name, ex.Message, _current is not null);
            return false;
        }
        finally
        {
            _refreshLock.Release();
        }
    }

    private async Task RunAsync(CancellationToken ct)
    {
        var failures = 0;
        while (!ct.IsCancellationRequested)
        {
            if (_wake.Task.IsCompleted)
            {
                _wake = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            }

            Interlocked.Exchange(ref _forcedPending, 0);
            var ok = await RefreshAsync(ct).ConfigureAwait(false);
            _firstAttempt.TrySetResult();
            failures = ok ? 0 : failures + 1;

            TimeSpan delay;
            if (ok)
            {
                delay = Jitter(_interval);
            }
            else
            {
                // Back off from 1 s, doubling, never beyond the normal interval.
                var backoff = TimeSpan.FromSeconds(Math.Min(Math.Pow(2, Math.Min(failures - 1, 10)), _interval.TotalSeconds));
                delay = Jitter(backoff);
            }

            var wake = _wake;
            if (Volatile.Read(ref _forcedPending) == 1)
            {
                continue;
            }

            try
            {
                await Task.WhenAny(Task.Delay(delay, _time, ct), wake.Task).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    private static TimeSpan Jitter(TimeSpan t) => t * (0.9 + Random.Shared.NextDouble() * 0.2);

    public async ValueTask DisposeAsync()
    {
        // A removed issuer must stop vouching at once, also through tokens already in the validated-token cache
        // (which checks Current on every hit).
        _current = null;
        await _stop.CancelAsync().ConfigureAwait(false);
        if (_loop is not null)
        {
            try
            {
                await _loop.ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
            }
        }

        _stop.Dispose();
    }

    private static partial class Log
    {
        [LoggerMessage(EventIds.KeyRefreshSucceeded, LogLevel.Information, "Issuer {Issuer}: installed {Count} keys from {Source}")]
        public static partial void RefreshSucceeded(ILogger logger, string issuer, int count, string source);

        [LoggerMessage(EventIds.KeyRefreshFailed, LogLevel.Warning, "Issuer {Issuer}: key refresh from {Source} failed ({Error}: {Message}); keeping last good keys: {HasKeys}")]
        public static partial void RefreshFailed(ILogger logger, string issuer, string source, string error, string message, bool hasKeys);

        [LoggerMessage(EventIds.KeyProblem, LogLevel.Warning, "Issuer {Issuer}: {Problem}")]
        public static partial void KeyProblem(ILogger logger, string issuer, string problem);

        [LoggerMessage(EventIds.ForcedRefresh, LogLevel.Information, "Issuer {Issuer}: unknown kid seen, refreshing keys")]
        public static partial void ForcedRefresh(ILogger logger, string issuer);
    }
}

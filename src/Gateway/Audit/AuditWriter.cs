using System.Buffers;
using Gateway.Configuration;
using Gateway.Observability;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Gateway.Audit;

/// <summary>
/// Writes audit records as JSON lines, off the request thread. A request serializes its record at once
/// (<see cref="AuditJson"/>: about 0.2 µs, no allocation) into the active one of two byte buffers, under a short lock;
/// the background writer swaps the buffers every few milliseconds and writes the full one to the sink in one call. No
/// record object outlives its request: queued records used to survive garbage collections while they waited, and
/// promoting them cost more than writing them. When <see cref="AuditOptions.Capacity"/> records (or
/// <see cref="MaxBufferBytes"/>) are waiting, mode <c>drop</c> (default) drops the new record and counts it in
/// <c>gateway_audit_records_total{outcome="dropped"}</c> so that a slow sink never adds latency or takes the gateway
/// down; mode <c>wait</c> makes the request wait for the next swap so that no record is lost.
/// </summary>
internal sealed partial class AuditWriter : BackgroundService
{
    /// <summary>Longest a record waits once the writer is busy; the first record after a quiet spell is written at once.</summary>
    private static readonly TimeSpan BatchInterval = TimeSpan.FromMilliseconds(20);

    /// <summary>Most bytes waiting in one buffer, whatever <see cref="AuditOptions.Capacity"/> says: a record is about
    /// 500 bytes, but one with long hostile values escapes to tens of kilobytes, and a slow sink must not let a flood of
    /// those take the gateway's memory. Past it, records are dropped (mode <c>drop</c>) or wait (mode <c>wait</c>).</summary>
    internal const int MaxBufferBytes = 32 * 1024 * 1024;

    private readonly object _sync = new();
    private readonly SemaphoreSlim _pending = new(0);
    private readonly SemaphoreSlim _flushing = new(1, 1);
    private readonly bool _wait;
    private readonly int _capacity;
    private readonly AuditOptions _options;
    private readonly string? _path;
    private readonly GatewayMetrics _metrics;
    private readonly ILogger<AuditWriter> _logger;
    private readonly Stream? _testSink;
    private readonly Prometheus.Counter.Child _dropped;
    private readonly Prometheus.Counter.Child _written;
    /// <summary>Each buffer's first size: one batch interval of records at about 50,000 requests a second, so that a
    /// buffer does not grow (a copy, under the lock every request takes) in normal operation. A buffer keeps what it grew
    /// to.</summary>
    internal const int InitialBufferBytes = 512 * 1024;

    private ArrayBufferWriter<byte> _active = new(InitialBufferBytes);
    private ArrayBufferWriter<byte> _standby = new(InitialBufferBytes);
    private int _activeCount;
    private bool _closed;
    private TaskCompletionSource _swapped = NewSwap();
    private Stream? _stream;

    public AuditWriter(LoadedConfig config, GatewayMetrics metrics, ILogger<AuditWriter> logger, Stream? sink = null)
    {
        _options = config.Options.Audit;
        _path = _options.Path is null ? null : config.Resolve(_options.Path);
        _metrics = metrics;
        _logger = logger;
        _testSink = sink;
        _wait = _options.FullMode == "wait";
        _capacity = Math.Max(1, _options.Capacity);
        _dropped = metrics.AuditRecords.WithLabels("dropped");
        _written = metrics.AuditRecords.WithLabels("written");
    }

    public bool Enabled => _options.Sink != "none";

    private static TaskCompletionSource NewSwap() => new(TaskCreationOptions.RunContinuationsAsynchronously);

    public ValueTask WriteAsync(in AuditRecord record)
    {
        if (!Enabled)
        {
            return ValueTask.CompletedTask;
        }

        Task? swapped;
        lock (_sync)
        {
            if (TryAppend(record))
            {
                return ValueTask.CompletedTask;
            }

            if (!_wait || _closed)
            {
                _dropped.Inc();
                return ValueTask.CompletedTask;
            }

            swapped = _swapped.Task;
        }

        return WaitAndWriteAsync(record, swapped);
    }

    /// <summary>Mode <c>wait</c>: the buffer is full; wait for the writer to take it, then try again.</summary>
    private async ValueTask WaitAndWriteAsync(AuditRecord record, Task swapped)
    {
        while (true)
        {
            await swapped.ConfigureAwait(false);
            lock (_sync)
            {
                if (TryAppend(record))
                {
                    return;
                }

                if (_closed)
                {
                    _dropped.Inc();
                    return;
                }

                swapped = _swapped.Task;
            }
        }
    }

    /// <summary>Serializes the record into the active buffer (caller holds the lock); false when it is full or closed.</summary>
    private bool TryAppend(in AuditRecord record)
    {
        if (_closed || _activeCount >= _capacity || _active.WrittenCount >= MaxBufferBytes)
        {
            return false;
        }

        AuditJson.WriteLine(_active, record);
        if (++_activeCount == 1)
        {
            _pending.Release(); // wake the writer for the first record after a swap
        }

        return true;
    }

    /// <summary>Opens the sink before the first request can arrive.</summary>
    public override Task StartAsync(CancellationToken cancellationToken)
    {
        if (Enabled)
        {
            if (_testSink is not null)
            {
                _stream = _testSink;
            }
            else if (_options.Sink == "file")
            {
                Directory.CreateDirectory(Path.GetDirectoryName(_path!)!);
                _stream = new FileStream(_path!, FileMode.Append, FileAccess.Write, FileShare.ReadWrite, 64 * 1024);
            }
            else
            {
                _stream = Console.OpenStandardOutput();
            }
        }

        return base.StartAsync(cancellationToken);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (_stream is null)
        {
            return;
        }

        try
        {
            while (true)
            {
                await _pending.WaitAsync(stoppingToken).ConfigureAwait(false);
                await FlushAsync(_stream).ConfigureAwait(false);

                // Let records gather before the next write: under load the writer wakes a few dozen times a second
                // instead of once per request (each wake-up is a context switch on the request path's cores).
                await Task.Delay(BatchInterval, stoppingToken).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException)
        {
        }
    }

    /// <summary>Stops the loop, then writes every record still buffered: nothing accepted is lost on shutdown. Records
    /// that arrive after this are dropped and counted.</summary>
    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        await base.StopAsync(cancellationToken).ConfigureAwait(false);
        if (_stream is null)
        {
            return;
        }

        await FlushAsync(_stream).ConfigureAwait(false);
        lock (_sync)
        {
            _closed = true;
            _swapped.TrySetResult(); // waiting requests see the writer closed and count their record as dropped
        }

        await FlushAsync(_stream).ConfigureAwait(false);
        if (_testSink is null && _options.Sink == "file")
        {
            await _stream.DisposeAsync().ConfigureAwait(false);
        }
    }

    /// <summary>Swaps the buffers and writes the full one to the sink in one call; wakes requests waiting for room.</summary>
    private async Task FlushAsync(Stream stream)
    {
        // One flush at a time (the loop and shutdown): the standby buffer belongs to the flush that is writing it.
        await _flushing.WaitAsync().ConfigureAwait(false);
        try
        {
            await FlushOnceAsync(stream).ConfigureAwait(false);
        }
        finally
        {
            _flushing.Release();
        }
    }

    private async Task FlushOnceAsync(Stream stream)
    {
        ArrayBufferWriter<byte> full;
        int records;
        lock (_sync)
        {
            records = _activeCount;
            if (records == 0)
            {
                return;
            }

            full = _active;
            _active = _standby;
            _standby = full;
            _activeCount = 0;
            var swapped = _swapped;
            _swapped = NewSwap();
            swapped.TrySetResult();
        }

        try
        {
            await stream.WriteAsync(full.WrittenMemory).ConfigureAwait(false);
            await stream.FlushAsync().ConfigureAwait(false);
            _written.Inc(records);
        }
        catch (Exception ex) when (ex is IOException or ObjectDisposedException)
        {
            _metrics.AuditRecords.WithLabels("failed").Inc(records);
            Log.WriteFailed(_logger, ex.Message);
        }

        // Only the writer touches the standby buffer (requests write to the active one), so it is reset outside the lock.
        full.ResetWrittenCount();
    }

    private static partial class Log
    {
        [LoggerMessage(EventIds.AuditWriteFailed, LogLevel.Error, "Audit record could not be written: {Message}")]
        public static partial void WriteFailed(ILogger logger, string message);
    }
}

using System.Buffers;
using System.Text.Json;
using System.Threading.Channels;
using Gateway.Configuration;
using Gateway.Observability;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Gateway.Audit;

/// <summary>
/// Writes audit records as JSON lines, off the request thread, through a bounded channel. When the channel is full,
/// mode <c>drop</c> (default) drops the new record and counts it in <c>gateway_audit_records_total{outcome="dropped"}</c>
/// so that a slow sink never adds latency or takes the gateway down; mode <c>wait</c> makes the request wait for room
/// so that no record is lost.
/// </summary>
internal sealed partial class AuditWriter : BackgroundService
{
    private readonly Channel<AuditRecord> _channel;
    private readonly bool _wait;
    private readonly AuditOptions _options;
    private readonly string? _path;
    private readonly GatewayMetrics _metrics;
    private readonly ILogger<AuditWriter> _logger;
    private readonly Stream? _testSink;

    public AuditWriter(LoadedConfig config, GatewayMetrics metrics, ILogger<AuditWriter> logger, Stream? sink = null)
    {
        _options = config.Options.Audit;
        _path = _options.Path is null ? null : config.Resolve(_options.Path);
        _metrics = metrics;
        _logger = logger;
        _testSink = sink;
        _wait = _options.FullMode == "wait";
        var bounded = new BoundedChannelOptions(_options.Capacity)
        {
            SingleReader = true,
            SingleWriter = false,
            FullMode = _wait ? BoundedChannelFullMode.Wait : BoundedChannelFullMode.DropWrite,
        };
        _channel = Channel.CreateBounded<AuditRecord>(bounded, _ => _metrics.AuditRecords.WithLabels("dropped").Inc());
    }

    public bool Enabled => _options.Sink != "none";

    public ValueTask WriteAsync(AuditRecord record)
    {
        if (!Enabled)
        {
            return ValueTask.CompletedTask;
        }

        if (_wait)
        {
            return WaitAndWriteAsync(record);
        }

        if (!_channel.Writer.TryWrite(record))
        {
            _metrics.AuditRecords.WithLabels("dropped").Inc(); // only after shutdown has closed the channel
        }

        return ValueTask.CompletedTask;
    }

    private async ValueTask WaitAndWriteAsync(AuditRecord record)
    {
        try
        {
            await _channel.Writer.WriteAsync(record).ConfigureAwait(false);
        }
        catch (ChannelClosedException)
        {
            _metrics.AuditRecords.WithLabels("dropped").Inc();
        }
    }

    /// <summary>Longest a record waits in the queue once the writer is busy; the first record after a quiet spell
    /// is written at once.</summary>
    private static readonly TimeSpan BatchInterval = TimeSpan.FromMilliseconds(20);

    private readonly System.Buffers.ArrayBufferWriter<byte> _buffer = new(64 * 1024);
    private Stream? _stream;
    private Utf8JsonWriter? _json;
    private Prometheus.Counter.Child _written = null!;

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

            // Relaxed escaping: the output is JSON lines for machines, never embedded in HTML; control characters and
            // quotes are still escaped, so a hostile path cannot forge a record.
            _json = new Utf8JsonWriter(_buffer, new JsonWriterOptions
            {
                SkipValidation = true,
                Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
            });
            _written = _metrics.AuditRecords.WithLabels("written");
        }

        return base.StartAsync(cancellationToken);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (_json is null || _stream is null)
        {
            return;
        }

        var reader = _channel.Reader;
        try
        {
            while (await reader.WaitToReadAsync(stoppingToken).ConfigureAwait(false))
            {
                await DrainAsync(reader, _json, _stream).ConfigureAwait(false);

                // Let records gather before the next drain: under load the writer wakes a few dozen times a second
                // instead of once per request (each wake-up is a context switch on the request path's cores).
                await Task.Delay(BatchInterval, stoppingToken).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException)
        {
        }
    }

    /// <summary>Stops the loop, then writes every record still queued: nothing accepted is lost on shutdown.</summary>
    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        await base.StopAsync(cancellationToken).ConfigureAwait(false);
        _channel.Writer.TryComplete();
        if (_json is null || _stream is null)
        {
            return;
        }

        await DrainAsync(_channel.Reader, _json, _stream).ConfigureAwait(false);
        await _json.DisposeAsync().ConfigureAwait(false);
        if (_testSink is null && _options.Sink == "file")
        {
            await _stream.DisposeAsync().ConfigureAwait(false);
        }
    }

    /// <summary>Writes every queued record: serialized into one buffer, written to the sink in large batches (one
    /// system call per batch, not per record), flushed when the queue is empty.</summary>
    private async Task DrainAsync(ChannelReader<AuditRecord> reader, Utf8JsonWriter writer, Stream stream)
    {
        const int BatchBytes = 64 * 1024;
        var n = 0;
        writer.Reset(_buffer);
        while (reader.TryRead(out var r))
        {
            Write(writer, r);
            writer.Flush();
            _buffer.Write("\n"u8);
            writer.Reset(_buffer);
            n++;
            if (_buffer.WrittenCount >= BatchBytes)
            {
                n = await WriteBatchAsync(stream, n).ConfigureAwait(false);
            }
        }

        await WriteBatchAsync(stream, n).ConfigureAwait(false);
        try
        {
            await stream.FlushAsync().ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is IOException or ObjectDisposedException)
        {
            Log.WriteFailed(_logger, ex.Message);
        }
    }

    private async Task<int> WriteBatchAsync(Stream stream, int records)
    {
        if (records == 0)
        {
            return 0;
        }

        try
        {
            await stream.WriteAsync(_buffer.WrittenMemory).ConfigureAwait(false);
            _written.Inc(records);
        }
        catch (Exception ex) when (ex is IOException or ObjectDisposedException)
        {
            _metrics.AuditRecords.WithLabels("failed").Inc(records);
            Log.WriteFailed(_logger, ex.Message);
        }

        _buffer.ResetWrittenCount();
        return 0;
    }

    internal static void Write(Utf8JsonWriter w, AuditRecord r)
    {
        w.WriteStartObject();
        w.WriteString("time", r.Time);
        w.WriteString("requestId", r.RequestId);
        w.WriteString("identity", r.Identity);
        w.WriteString("issuer", r.Issuer);
        w.WriteString("authMethod", r.AuthMethod);
        w.WriteString("tokenId", r.TokenId);
        w.WriteString("tokenHash", r.TokenHash);
        if (r.Binding is not null)
        {
            w.WriteString("binding", r.Binding);
        }

        w.WriteString("route", r.Route);
        w.WriteString("method", r.Method);
        w.WriteString("host", r.Host);
        w.WriteString("path", r.Path);
        w.WriteString("decision", r.Decision);
        w.WriteString("rule", r.Rule);
        w.WriteString("reason", r.Reason);
        w.WriteNumber("status", r.Status);
        w.WriteNumber("durationMs", Math.Round(r.DurationMs, 3));
        w.WriteString("source", r.SourceAddress?.ToString());
        if (r.ShadowDecision is not null)
        {
            w.WriteString("shadowDecision", r.ShadowDecision);
            w.WriteString("shadowRule", r.ShadowRule);
        }

        if (r.UnevaluableRules > 0)
        {
            w.WriteNumber("unevaluableRules", r.UnevaluableRules);
            w.WriteString("unevaluableRule", r.UnevaluableRule);
        }

        if (r.RateLimitClass is not null)
        {
            w.WriteString("rateLimitClass", r.RateLimitClass);
        }

        w.WriteEndObject();
    }

    private static partial class Log
    {
        [LoggerMessage(EventIds.AuditWriteFailed, LogLevel.Error, "Audit record could not be written: {Message}")]
        public static partial void WriteFailed(ILogger logger, string message);
    }
}

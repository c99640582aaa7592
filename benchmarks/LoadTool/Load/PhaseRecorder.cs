using System.Collections.Concurrent;
using System.Diagnostics;
using HdrHistogram;
using LoadTool.Identity;
using LoadTool.Timing;

namespace LoadTool.Load;

/// <summary>
/// What one phase (warm-up or measured) against one target recorded. Latencies are microseconds in HdrHistograms
/// (3 significant digits, up to one hour) that take concurrent writes; counters are updated with Interlocked.
/// </summary>
internal sealed class PhaseRecorder
{
    public const long HighestMicros = 3_600_000_000;
    public const int SignificantDigits = 3;
    private const int MaxStages = 32;
    private static readonly int KindCount = Enum.GetValues<BadCredentialKind>().Length;

    private readonly long[] _status = new long[600];
    private readonly long[,] _badStatus = new long[KindCount, 600];
    private readonly long[] _badTotal = new long[KindCount];
    private readonly long[] _badErrors = new long[KindCount];
    private readonly ConcurrentDictionary<string, long> _errors = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, LongConcurrentHistogram> _stages = new(StringComparer.Ordinal);
    private long _responses;
    private long _ok;
    private long _bytes;
    private long _sent;
    private long _capped;
    private long _transportErrors;
    private long _lastCompletion;
    private long _lastSend;

    public PhaseRecorder(string target, bool measured)
    {
        Target = target;
        Measured = measured;
    }

    public string Target { get; }
    public bool Measured { get; }

    /// <summary>Latency from the intended send time (open loop) or the actual send time (closed loop) to the end of the body.</summary>
    public LongConcurrentHistogram Latency { get; } = NewHistogram();

    /// <summary>How late each request was actually sent compared to its intended time (open loop): the tool's own lag.</summary>
    public LongConcurrentHistogram SendLag { get; } = NewHistogram();

    public long StartTicks { get; set; }
    public long PlannedEndTicks { get; set; }
    public long Scheduled { get; set; }
    public double? RequestedRate { get; set; }

    public long Responses => Interlocked.Read(ref _responses);
    public long Ok => Interlocked.Read(ref _ok);
    public long Bytes => Interlocked.Read(ref _bytes);
    public long Sent => Interlocked.Read(ref _sent);
    public long Capped => Interlocked.Read(ref _capped);
    public long TransportErrors => Interlocked.Read(ref _transportErrors);
    public long Completed => Responses + TransportErrors;
    public long LastCompletionTicks => Interlocked.Read(ref _lastCompletion);
    public long LastSendTicks => Interlocked.Read(ref _lastSend);

    public IReadOnlyDictionary<string, long> Errors => _errors;
    public IReadOnlyDictionary<string, LongConcurrentHistogram> Stages => _stages;

    public static LongConcurrentHistogram NewHistogram() => new(1, HighestMicros, SignificantDigits);

    public static long TicksToMicros(long ticks) => ticks <= 0 ? 0 : (long)(ticks * (1_000_000.0 / Stopwatch.Frequency));

    public IEnumerable<KeyValuePair<int, long>> StatusCounts()
    {
        for (var s = 0; s < _status.Length; s++)
        {
            var n = Interlocked.Read(ref _status[s]);
            if (n > 0)
            {
                yield return new(s, n);
            }
        }
    }

    public long BadTotal(BadCredentialKind kind) => Interlocked.Read(ref _badTotal[(int)kind]);

    public long BadErrors(BadCredentialKind kind) => Interlocked.Read(ref _badErrors[(int)kind]);

    public IEnumerable<KeyValuePair<int, long>> BadStatusCounts(BadCredentialKind kind)
    {
        for (var s = 0; s < 600; s++)
        {
            var n = Interlocked.Read(ref _badStatus[(int)kind, s]);
            if (n > 0)
            {
                yield return new(s, n);
            }
        }
    }

    public void RecordSend(long intendedTicks, long actualTicks)
    {
        Interlocked.Increment(ref _sent);
        SendLag.RecordValue(Clamp(TicksToMicros(actualTicks - intendedTicks)));
        InterlockedMax(ref _lastSend, actualTicks);
    }

    public void RecordCapped() => Interlocked.Increment(ref _capped);

    public void RecordResponse(int status, long latencyTicks, long bytes, BadCredentialKind? bad, long nowTicks)
    {
        Latency.RecordValue(Clamp(TicksToMicros(latencyTicks)));
        Interlocked.Increment(ref _responses);
        if (status is >= 200 and < 400)
        {
            Interlocked.Increment(ref _ok);
        }

        var idx = Math.Clamp(status, 0, 599);
        Interlocked.Increment(ref _status[idx]);
        Interlocked.Add(ref _bytes, bytes);
        if (bad is { } k)
        {
            Interlocked.Increment(ref _badTotal[(int)k]);
            Interlocked.Increment(ref _badStatus[(int)k, idx]);
        }

        InterlockedMax(ref _lastCompletion, nowTicks);
    }

    /// <summary>A request that got no HTTP response. Timeouts and unsent requests are also recorded in the latency
    /// histogram at their elapsed time (a lower bound of their latency); instant failures such as a refused
    /// connection are not, as they would look like fast responses.</summary>
    public void RecordError(string kind, long latencyTicks, BadCredentialKind? bad, long nowTicks)
    {
        if (kind is ErrorClassifier.Timeout or ErrorClassifier.NotSent)
        {
            Latency.RecordValue(Clamp(TicksToMicros(latencyTicks)));
        }

        Interlocked.Increment(ref _transportErrors);
        _errors.AddOrUpdate(kind, 1, static (_, n) => n + 1);
        if (bad is { } k)
        {
            Interlocked.Increment(ref _badTotal[(int)k]);
            Interlocked.Increment(ref _badErrors[(int)k]);
        }

        InterlockedMax(ref _lastCompletion, nowTicks);
    }

    public void RecordServerTiming(List<ServerTimingMetric> metrics)
    {
        foreach (var m in metrics)
        {
            if (m.DurationMs is not { } ms)
            {
                continue;
            }

            if (!_stages.TryGetValue(m.Name, out var h))
            {
                if (_stages.Count >= MaxStages)
                {
                    continue;
                }

                h = _stages.GetOrAdd(m.Name, static _ => NewHistogram());
            }

            h.RecordValue(Clamp((long)Math.Round(ms * 1000)));
        }
    }

    private static long Clamp(long micros) => Math.Clamp(micros, 0, HighestMicros);

    private static void InterlockedMax(ref long location, long value)
    {
        var current = Interlocked.Read(ref location);
        while (value > current)
        {
            var seen = Interlocked.CompareExchange(ref location, value, current);
            if (seen == current)
            {
                return;
            }

            current = seen;
        }
    }
}

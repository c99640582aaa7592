using System.Diagnostics;
using System.Globalization;
using LoadTool.Cli;
using LoadTool.Identity;

namespace LoadTool.Load;

/// <summary>
/// Runs the whole benchmark: for each round, for each target in turn (A B A B …), a warm-up phase (discarded) and a
/// measured phase (kept). Alternating instead of running all of A then all of B spreads slow drifts of a shared
/// machine (thermal, noisy neighbours, GC of the tool) over every target alike.
/// </summary>
internal sealed class BenchmarkRunner(LoadToolOptions options, CredentialSet credentials, TextWriter progress)
{
    private volatile PhaseRecorder? _current;
    private volatile string _label = "";
    private long _lastCompleted;
    private long _lastSent;
    private long _lastTick;
    private bool _lineOpen;

    /// <summary>Target name → its watched metric over the measured phases (filled by <see cref="RunAsync"/>).</summary>
    public Dictionary<string, Reporting.WatchedMetricReport> Watched { get; } = new(StringComparer.Ordinal);

    /// <summary>The targets in the order round <paramref name="round"/> (1-based) runs them: the rows of a Williams
    /// design (a balanced Latin square). Over N rounds (2 × N for an odd N, each row followed by its reverse) every
    /// target runs first equally often and right after every other target equally often, so none always inherits the
    /// same other's after-effects. A plain rotation (A B C, B C A, C A B) kept B after A in most rounds. For 3
    /// targets: A B C, C B A, B C A, A C B, C A B, B A C.</summary>
    internal static IEnumerable<T> RoundOrder<T>(IReadOnlyList<T> targets, int round)
    {
        var n = targets.Count;
        var odd = n % 2 == 1;
        var j = (round - 1) % (odd ? 2 * n : n);
        var row = odd ? j / 2 : j;
        var reverse = odd && j % 2 == 1;
        for (var k = 0; k < n; k++)
        {
            // First row 0, 1, n−1, 2, n−2, …; row r adds r (mod n).
            var c = reverse ? n - 1 - k : k;
            var first = c == 0 ? 0 : c % 2 == 1 ? (c + 1) / 2 : n - c / 2;
            yield return targets[(first + row) % n];
        }
    }

    /// <summary>Target name → its measured phases, one per round.</summary>
    public async Task<Dictionary<string, List<PhaseRecorder>>> RunAsync(CancellationToken cancellation)
    {
        var maxConnections = options.Mode == LoadMode.Closed ? options.Concurrency : options.MaxInFlight;
        var clients = options.Targets
            .Select(t => new TargetClient(t.Name, new RequestPlan(t.BaseUri, options.Paths, credentials, options.BadPercent, options.ForbiddenPath),
                options.Method, options.Headers, maxConnections, options.Timeout))
            .ToList();
        var waiter = new PreciseWaiter(options.SpinMicroseconds);
        var results = options.Targets.ToDictionary(t => t.Name, _ => new List<PhaseRecorder>(), StringComparer.Ordinal);
        using var timer = options.Quiet ? null : new Timer(_ => PrintProgress(final: false), null, 1000, 1000);
        using var scraper = new MetricScraper();
        foreach (var w in options.Watches)
        {
            Watched[w.Target] = new Reporting.WatchedMetricReport { Metric = w.Metric, Url = w.Url.ToString(), Delta = 0 };
        }

        try
        {
            for (var round = 1; round <= options.Rounds && !cancellation.IsCancellationRequested; round++)
            {
                // A balanced order (A B C, C B A, B C A, A C B …): no target always runs right after the same other
                // one, whose after-effects (a GC, a JIT burst, sockets closing, a file written back) would then always
                // fall on it.
                foreach (var client in RoundOrder(clients, round))
                {
                    var prefix = options.Rounds > 1 ? $"round {round}/{options.Rounds} " : "";
                    if (options.Warmup > TimeSpan.Zero)
                    {
                        var warm = new PhaseRecorder(client.Name, measured: false);
                        await RunPhaseAsync(client, warm, waiter, $"{prefix}{client.Name} warm-up", cancellation).ConfigureAwait(false);
                    }

                    var measured = new PhaseRecorder(client.Name, measured: true);
                    var watch = options.Watches.FirstOrDefault(w => w.Target == client.Name);
                    var before = watch is null ? null : await scraper.ReadAsync(watch, cancellation).ConfigureAwait(false);
                    await RunPhaseAsync(client, measured, waiter, $"{prefix}{client.Name} measure", cancellation).ConfigureAwait(false);
                    if (watch is not null)
                    {
                        var after = await scraper.ReadAsync(watch, cancellation).ConfigureAwait(false);
                        var w = Watched[client.Name];
                        w.Phases++;
                        if (before is { } b && after is { } a)
                        {
                            w.Delta += a - b;
                        }
                        else
                        {
                            w.FailedReads++;
                            w.Delta = null; // unknown from now on: a threshold on it fails
                        }
                    }

                    results[client.Name].Add(measured);
                }
            }
        }
        finally
        {
            _current = null;
            foreach (var c in clients)
            {
                c.Dispose();
            }
        }

        return results;
    }

    private async Task RunPhaseAsync(TargetClient client, PhaseRecorder recorder, PreciseWaiter waiter, string label, CancellationToken cancellation)
    {
        var warmup = !recorder.Measured;
        lock (this)
        {
            EndLine();
            _label = label;
            _lastCompleted = 0;
            _lastSent = 0;
            _lastTick = Stopwatch.GetTimestamp();
            _current = recorder;
        }

        switch (options.Mode)
        {
            case LoadMode.Closed:
                await PhaseRunner.RunClosedAsync(client, options.Concurrency, warmup ? options.Warmup : options.Duration,
                    warmup ? null : options.Requests, recorder, cancellation).ConfigureAwait(false);
                break;
            default:
                OpenLoopSchedule schedule;
                long total;
                if (warmup)
                {
                    var rate = options.Mode == LoadMode.Ramp ? options.RateFrom : options.Rate;
                    schedule = OpenLoopSchedule.Constant(rate);
                    total = schedule.CountWithin(options.Warmup);
                    recorder.RequestedRate = rate;
                }
                else
                {
                    schedule = options.Mode == LoadMode.Ramp
                        ? OpenLoopSchedule.Ramp(options.RateFrom, options.RateTo, options.Duration)
                        : OpenLoopSchedule.Constant(options.Rate);
                    total = options.Requests ?? schedule.CountWithin(options.Duration);
                    recorder.RequestedRate = options.RequestedRate;
                }

                await PhaseRunner.RunOpenAsync(client, schedule, total, options.MaxInFlight, options.Timeout, waiter, recorder, cancellation)
                    .ConfigureAwait(false);
                break;
        }

        lock (this)
        {
            PrintProgress(final: true);
            EndLine();
            _current = null;
        }
    }

    private void PrintProgress(bool final)
    {
        lock (this)
        {
            var r = _current;
            if (r is null || options.Quiet)
            {
                return;
            }

            var now = Stopwatch.GetTimestamp();
            var dt = Math.Max(1e-6, (now - _lastTick) / (double)Stopwatch.Frequency);
            var completed = r.Completed;
            var sent = r.Sent;
            if (final)
            {
                // The phase summary: averages over the whole phase rather than the last partial second.
                dt = Math.Max(1e-6, (now - r.StartTicks) / (double)Stopwatch.Frequency);
                _lastCompleted = 0;
                _lastSent = 0;
            }

            var rps = (completed - _lastCompleted) / dt;
            var sendRate = (sent - _lastSent) / dt;
            _lastCompleted = completed;
            _lastSent = sent;
            _lastTick = now;
            double p99Ms;
            try
            {
                p99Ms = r.Latency.TotalCount == 0 ? 0 : r.Latency.GetValueAtPercentile(99) / 1000.0;
            }
            catch (Exception)
            {
                p99Ms = double.NaN; // a read racing concurrent writes; the next tick will do
            }

            var elapsed = (now - r.StartTicks) / (double)Stopwatch.Frequency;
            var line = string.Create(CultureInfo.InvariantCulture,
                $"[{_label}{(final ? " done" : "")}] {elapsed,5:F1}s  sent/s {sendRate,8:F0}  done/s {rps,8:F0}  p99 {p99Ms,8:F3} ms  in-flight {Math.Max(0, sent - completed),5}  errors {r.TransportErrors}");
            if (Console.IsErrorRedirected || !ReferenceEquals(progress, Console.Error))
            {
                progress.WriteLine(line);
            }
            else
            {
                progress.Write("\r" + line.PadRight(120));
                _lineOpen = true;
            }
        }
    }

    private void EndLine()
    {
        if (_lineOpen)
        {
            progress.WriteLine();
            _lineOpen = false;
        }
    }
}

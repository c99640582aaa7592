using System.Diagnostics;
using System.Globalization;
using HdrHistogram;
using LoadTool.Cli;
using LoadTool.Identity;
using LoadTool.Load;

namespace LoadTool.Reporting;

/// <summary>Merges the measured phases of every target (all rounds) into a <see cref="RunReport"/>.</summary>
internal static class ReportBuilder
{
    public static RunReport Build(LoadToolOptions o, IReadOnlyDictionary<string, List<PhaseRecorder>> phases, DateTimeOffset started, double wallSeconds, IReadOnlyList<string> badKinds)
    {
        var report = new RunReport
        {
            StartedUtc = started,
            WallSeconds = wallSeconds,
            Machine = $"{Environment.ProcessorCount} cores, {System.Runtime.InteropServices.RuntimeInformation.OSDescription}, .NET {Environment.Version}",
            Settings = new RunSettings
            {
                Mode = o.Mode.ToString().ToLowerInvariant(),
                Rate = o.Mode == LoadMode.Open ? o.Rate : null,
                RateFrom = o.Mode == LoadMode.Ramp ? o.RateFrom : null,
                RateTo = o.Mode == LoadMode.Ramp ? o.RateTo : null,
                Concurrency = o.Mode == LoadMode.Closed ? o.Concurrency : null,
                MaxInFlight = o.MaxInFlight,
                WarmupSeconds = o.Warmup.TotalSeconds,
                DurationSeconds = o.Requests is null ? o.Duration.TotalSeconds : null,
                Requests = o.Requests,
                Rounds = o.Rounds,
                Method = o.Method,
                Paths = [.. o.Paths],
                Identities = o.SignKeyFile is not null ? o.Identities : 0,
                BadPercent = o.BadPercent,
                BadKinds = [.. badKinds],
                Baseline = o.BaselineName,
                CommandLine = o.CommandLine,
            },
        };
        foreach (var t in o.Targets)
        {
            report.Targets.Add(BuildTarget(t.Name, t.BaseUri.ToString(), phases.TryGetValue(t.Name, out var list) ? list : []));
        }

        AddComparisons(report, o.BaselineName);
        return report;
    }

    public static void AddComparisons(RunReport report, string baselineName)
    {
        report.Comparisons.Clear();
        var baseline = report.Find(baselineName);
        if (baseline is null)
        {
            return;
        }

        foreach (var t in report.Targets.Where(t => t.Name != baselineName))
        {
            report.Comparisons.Add(new ComparisonReport
            {
                Target = t.Name,
                Baseline = baselineName,
                ThroughputRatio = Ratio(t.Rps, baseline.Rps),
                OkThroughputRatio = Ratio(t.OkRps, baseline.OkRps),
                LatencyDiffMs = LatencySummary.Difference(t.LatencyMs, baseline.LatencyMs),
                RoundDiffMedianMs = LatencySummary.MedianRoundDifference(t.RoundLatencyMs, baseline.RoundLatencyMs),
            });
        }
    }

    public static TargetReport BuildTarget(string name, string url, IReadOnlyList<PhaseRecorder> phases)
    {
        var latency = new LongHistogram(PhaseRecorder.HighestMicros, PhaseRecorder.SignificantDigits);
        var lag = new LongHistogram(PhaseRecorder.HighestMicros, PhaseRecorder.SignificantDigits);
        var stages = new SortedDictionary<string, LongHistogram>(StringComparer.Ordinal);
        var r = new TargetReport { Name = name, Url = url, Rounds = phases.Count };
        double seconds = 0;
        long sendSpanTicks = 0;
        var kinds = Enum.GetValues<BadCredentialKind>();
        var badByKind = kinds.ToDictionary(k => k, k => new BadKindReport { Kind = BadCredentialKinds.Name(k) });
        double? requestedRate = null;
        foreach (var p in phases)
        {
            r.RoundLatencyMs.Add(Summarize(p.Latency));
            latency.Add(p.Latency);
            lag.Add(p.SendLag);
            foreach (var (stage, h) in p.Stages)
            {
                if (!stages.TryGetValue(stage, out var acc))
                {
                    stages[stage] = acc = new LongHistogram(PhaseRecorder.HighestMicros, PhaseRecorder.SignificantDigits);
                }

                acc.Add(h);
            }

            // Measured time: from the phase start to the later of its planned end and its last completion, so a
            // target that falls behind is charged for the time it takes to catch up.
            var end = Math.Max(p.PlannedEndTicks, p.LastCompletionTicks);
            seconds += Math.Max(0, end - p.StartTicks) / (double)Stopwatch.Frequency;
            sendSpanTicks += Math.Max(p.PlannedEndTicks, p.LastSendTicks) - p.StartTicks;
            r.Responses += p.Responses;
            r.Ok += p.Ok;
            r.Errors += p.TransportErrors;
            r.BytesReceived += p.Bytes;
            r.Send.Sent += p.Sent;
            r.Send.Capped += p.Capped;
            r.Send.Scheduled += p.Scheduled;
            requestedRate = p.RequestedRate;
            foreach (var (status, n) in p.StatusCounts())
            {
                Add(r.StatusCodes, status.ToString(CultureInfo.InvariantCulture), n);
            }

            foreach (var (kind, n) in p.Errors)
            {
                Add(r.ErrorKinds, kind, n);
            }

            foreach (var k in kinds)
            {
                var b = badByKind[k];
                b.Total += p.BadTotal(k);
                b.Errors += p.BadErrors(k);
                foreach (var (status, n) in p.BadStatusCounts(k))
                {
                    Add(b.StatusCodes, status.ToString(CultureInfo.InvariantCulture), n);
                    if (status is >= 200 and < 300)
                    {
                        b.Allowed += n;
                    }
                }
            }
        }

        r.Requests = r.Responses + r.Errors;
        r.Failed = r.Requests - r.Ok;
        r.MeasuredSeconds = seconds;
        r.Rps = Ratio(r.Requests, seconds);
        r.OkRps = Ratio(r.Ok, seconds);
        r.FailedRps = Ratio(r.Failed, seconds);
        r.LatencyMs = Summarize(latency);
        r.Curve = Curve(latency);
        r.Bad.Kinds = [.. badByKind.Values.Where(b => b.Total > 0)];
        r.Bad.Total = r.Bad.Kinds.Sum(b => b.Total);
        r.Bad.Allowed = r.Bad.Kinds.Sum(b => b.Allowed);
        var badNotOk = r.Bad.Kinds.Sum(b => b.Total - b.StatusCodes.Where(s => IsOk(s.Key)).Sum(s => s.Value));
        r.GoodFailed = Math.Max(0, r.Failed - badNotOk);
        r.Send.RequestedRate = requestedRate;
        r.Send.SendRate = Ratio(r.Send.Sent, sendSpanTicks / (double)Stopwatch.Frequency);
        if (lag.TotalCount > 0)
        {
            r.Send.LagP50Ms = lag.GetValueAtPercentile(50) / 1000.0;
            r.Send.LagP99Ms = lag.GetValueAtPercentile(99) / 1000.0;
            r.Send.LagMaxMs = lag.GetMaxValue() / 1000.0;
        }

        foreach (var (stage, h) in stages)
        {
            r.Stages.Add(new StageReport
            {
                Name = stage,
                Count = h.TotalCount,
                P50 = h.GetValueAtPercentile(50) / 1000.0,
                P90 = h.GetValueAtPercentile(90) / 1000.0,
                P99 = h.GetValueAtPercentile(99) / 1000.0,
                Max = h.GetMaxValue() / 1000.0,
                Mean = h.GetMean() / 1000.0,
            });
        }

        return r;
    }

    public static LatencySummary Summarize(HistogramBase h)
    {
        if (h.TotalCount == 0)
        {
            return new LatencySummary();
        }

        return new LatencySummary
        {
            P50 = h.GetValueAtPercentile(50) / 1000.0,
            P75 = h.GetValueAtPercentile(75) / 1000.0,
            P90 = h.GetValueAtPercentile(90) / 1000.0,
            P95 = h.GetValueAtPercentile(95) / 1000.0,
            P99 = h.GetValueAtPercentile(99) / 1000.0,
            P999 = h.GetValueAtPercentile(99.9) / 1000.0,
            P9999 = h.GetValueAtPercentile(99.99) / 1000.0,
            Max = h.GetMaxValue() / 1000.0,
            Mean = h.GetMean() / 1000.0,
            Count = h.TotalCount,
        };
    }

    /// <summary>Points evenly spaced on the log scale of 1/(1 − p), from p50 to p99.99 (41 points).</summary>
    public static List<PercentilePoint> Curve(HistogramBase h)
    {
        var points = new List<PercentilePoint>();
        if (h.TotalCount == 0)
        {
            return points;
        }

        const int Steps = 40;
        var x0 = Math.Log10(2);
        const double X1 = 4;
        for (var k = 0; k <= Steps; k++)
        {
            var x = x0 + ((X1 - x0) * k / Steps);
            var p = Math.Round(100 - (100 / Math.Pow(10, x)), 4);
            points.Add(new PercentilePoint(p, h.GetValueAtPercentile(p) / 1000.0));
        }

        return points;
    }

    private static bool IsOk(string status) => status.Length == 3 && status[0] is '2' or '3';

    private static void Add(SortedDictionary<string, long> d, string key, long n) => d[key] = d.TryGetValue(key, out var v) ? v + n : n;

    private static double Ratio(double a, double b) => b > 0 ? a / b : 0;
}

using System.Globalization;

namespace LoadTool.Reporting;

/// <summary>Turns a <see cref="RunReport"/> into the tables every human-readable format shows.</summary>
internal static class ReportTables
{
    public static List<ReportTable> Build(RunReport r)
    {
        var tables = new List<ReportTable>();
        var latencyHeaders = LatencySummary.Columns.Select(c => c.Label + " ms").ToArray();

        tables.Add(new ReportTable(r.Settings.Mode == "closed" ? "Throughput and latency (closed loop: from actual send time)" : "Throughput and latency (from intended send time)",
            ["target", "requests", "rps", "ok/s", "failed/s", .. latencyHeaders, "errors"],
            [.. r.Targets.Select(t => (string[])[
                t.Name, N(t.Requests), F1(t.Rps), F1(t.OkRps), F1(t.FailedRps),
                .. LatencySummary.Columns.Select(c => Ms(t.LatencyMs.Get(c.Key))), N(t.Errors)])]));

        if (r.Comparisons.Count > 0)
        {
            tables.Add(new ReportTable($"Compared with {r.Comparisons[0].Baseline} (ratio = target ÷ baseline; Δ = target − baseline)",
                ["target", "rps ratio", "ok/s ratio", .. LatencySummary.Columns.Select(c => "Δ" + c.Label + " ms")],
                [.. r.Comparisons.Select(c => (string[])[
                    c.Target, c.ThroughputRatio.ToString("0.000", CultureInfo.InvariantCulture), c.OkThroughputRatio.ToString("0.000", CultureInfo.InvariantCulture),
                    .. LatencySummary.Columns.Select(col => Signed(c.LatencyDiffMs.Get(col.Key)))])]));
        }

        if (r.Comparisons.Any(c => c.RoundDiffMedianMs is not null))
        {
            tables.Add(new ReportTable($"Compared with {r.Comparisons[0].Baseline}, round by round (Δ = median over rounds of target's round i − baseline's round i)",
                ["target", "rounds", .. LatencySummary.Columns.Select(c => "Δ" + c.Label + " ms")],
                [.. r.Comparisons.Where(c => c.RoundDiffMedianMs is not null).Select(c => (string[])[
                    c.Target, N(c.RoundDiffMedianMs!.Count), .. LatencySummary.Columns.Select(col => Signed(c.RoundDiffMedianMs!.Get(col.Key)))])]));
        }

        if (r.Targets.Any(t => t.RoundLatencyMs.Count > 1))
        {
            tables.Add(new ReportTable("Each round on its own",
                ["target", "round", "requests", "p50 ms", "p90 ms", "p99 ms", "p99.9 ms", "max ms"],
                [.. r.Targets.SelectMany(t => t.RoundLatencyMs.Select((l, i) => new[]
                {
                    t.Name, N(i + 1), N(l.Count), Ms(l.P50), Ms(l.P90), Ms(l.P99), Ms(l.P999), Ms(l.Max),
                }))]));
        }

        tables.Add(new ReportTable("Responses",
            ["target", "status codes", "transport errors", "good failed", "bytes received", "measured s", "rounds"],
            [.. r.Targets.Select(t => new[]
            {
                t.Name,
                t.StatusCodes.Count == 0 ? "-" : string.Join(" ", t.StatusCodes.Select(s => $"{s.Key}:{s.Value}")),
                t.ErrorKinds.Count == 0 ? "0" : string.Join(" ", t.ErrorKinds.Select(e => $"{e.Key}:{e.Value}")),
                N(t.GoodFailed), N(t.BytesReceived), F1(t.MeasuredSeconds), N(t.Rounds),
            })]));

        if (r.Targets.Any(t => t.Bad.Total > 0))
        {
            tables.Add(new ReportTable("Bad credentials (bad_allowed = got a 2xx; must be 0)",
                ["target", "kind", "requests", "bad_allowed", "status codes", "transport errors"],
                [.. r.Targets.SelectMany(t => t.Bad.Kinds.Select(b => new[]
                {
                    t.Name, b.Kind, N(b.Total), N(b.Allowed),
                    b.StatusCodes.Count == 0 ? "-" : string.Join(" ", b.StatusCodes.Select(s => $"{s.Key}:{s.Value}")), N(b.Errors),
                }).Append([t.Name, "all", N(t.Bad.Total), N(t.Bad.Allowed), "", ""]))]));
        }

        if (r.Targets.Any(t => t.Stages.Count > 0))
        {
            tables.Add(new ReportTable("Where the time goes (Server-Timing, per stage)",
                ["target", "stage", "count", "p50 ms", "p90 ms", "p99 ms", "max ms", "mean ms"],
                [.. r.Targets.SelectMany(t => t.Stages.Select(s => new[]
                {
                    t.Name, s.Name, N(s.Count), Ms(s.P50), Ms(s.P90), Ms(s.P99), Ms(s.Max), Ms(s.Mean),
                }))]));
        }

        if (r.Targets.Any(t => t.Watched is not null))
        {
            tables.Add(new ReportTable("Watched metrics (increase over the measured phases only: after − before each, summed)",
                ["target", "metric", "increase", "measured phases", "failed reads"],
                [.. r.Targets.Where(t => t.Watched is not null).Select(t => new[]
                {
                    t.Name, t.Watched!.Metric, t.Watched.Delta is { } d ? d.ToString("0.###", CultureInfo.InvariantCulture) : "unknown",
                    N(t.Watched.Phases), N(t.Watched.FailedReads),
                })]));
        }

        tables.Add(new ReportTable("The tool's own schedule (send lag = actual − intended send time)",
            ["target", "requested/s", "sent/s", "scheduled", "sent", "capped", "lag p50 ms", "lag p99 ms", "lag max ms"],
            [.. r.Targets.Select(t => new[]
            {
                t.Name, t.Send.RequestedRate is { } rr ? F1(rr) : "closed", F1(t.Send.SendRate), N(t.Send.Scheduled), N(t.Send.Sent),
                N(t.Send.Capped), Ms(t.Send.LagP50Ms), Ms(t.Send.LagP99Ms), Ms(t.Send.LagMaxMs),
            })]));

        if (r.Thresholds.Count > 0)
        {
            tables.Add(new ReportTable("Thresholds",
                ["result", "threshold", "measured"],
                [.. r.Thresholds.Select(t => new[] { t.Passed ? "PASS" : "FAIL", t.Expression, t.Actual })]));
        }

        return tables;
    }

    public static string Ms(double? v) => v is { } d ? d.ToString("0.000", CultureInfo.InvariantCulture) : "-";

    private static string Signed(double? v) => v is { } d ? d.ToString("+0.000;-0.000;0.000", CultureInfo.InvariantCulture) : "-";

    private static string F1(double v) => v.ToString("0.0", CultureInfo.InvariantCulture);

    private static string N(long v) => v.ToString(CultureInfo.InvariantCulture);
}

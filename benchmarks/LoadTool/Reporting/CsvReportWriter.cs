using System.Globalization;
using System.Text;

namespace LoadTool.Reporting;

/// <summary><c>report.csv</c>: one row per target, latencies in ms; Server-Timing stages as extra columns
/// (<c>stage_NAME_p50_ms</c> …) for every stage any target reported; <c>watched_metric</c> and <c>watched_increase</c>
/// when a target has a <c>--watch-metric</c> (empty increase: a read failed).</summary>
internal static class CsvReportWriter
{
    public static string Write(RunReport report)
    {
        var stages = report.Targets.SelectMany(t => t.Stages.Select(s => s.Name)).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToList();
        var baseline = report.Settings.Baseline;
        var header = new List<string>
        {
            "target", "url", "rounds", "measured_s", "requests", "responses", "ok", "failed", "errors", "good_failed", "rps", "ok_rps", "failed_rps",
        };
        header.AddRange(LatencySummary.Columns.Select(c => c.Key.Replace(".", "_", StringComparison.Ordinal) + "_ms"));
        header.AddRange(["bytes", "bad_total", "bad_allowed", "requested_rate", "send_rate", "capped", "lag_p99_ms", "rps_ratio_vs_baseline"]);
        header.AddRange(LatencySummary.Columns.Select(c => c.Key.Replace(".", "_", StringComparison.Ordinal) + "_diff_ms"));
        header.AddRange(LatencySummary.Columns.Select(c => c.Key.Replace(".", "_", StringComparison.Ordinal) + "_diff_median_ms"));
        foreach (var s in stages)
        {
            header.AddRange([$"stage_{s}_p50_ms", $"stage_{s}_p90_ms", $"stage_{s}_p99_ms"]);
        }

        var watched = report.Targets.Any(t => t.Watched is not null);
        if (watched)
        {
            header.AddRange(["watched_metric", "watched_increase"]);
        }

        var sb = new StringBuilder();
        sb.AppendLine(string.Join(',', header.Select(Quote)));
        foreach (var t in report.Targets)
        {
            var cmp = report.Comparisons.Find(c => c.Target == t.Name);
            var row = new List<string>
            {
                t.Name, t.Url, I(t.Rounds), D(t.MeasuredSeconds), I(t.Requests), I(t.Responses), I(t.Ok), I(t.Failed), I(t.Errors), I(t.GoodFailed),
                D(t.Rps), D(t.OkRps), D(t.FailedRps),
            };
            row.AddRange(LatencySummary.Columns.Select(c => D(t.LatencyMs.Get(c.Key) ?? 0)));
            row.AddRange([I(t.BytesReceived), I(t.Bad.Total), I(t.Bad.Allowed), t.Send.RequestedRate is { } rr ? D(rr) : "", D(t.Send.SendRate), I(t.Send.Capped), D(t.Send.LagP99Ms)]);
            row.Add(t.Name == baseline ? "1" : cmp is null ? "" : D(cmp.ThroughputRatio));
            row.AddRange(LatencySummary.Columns.Select(c => t.Name == baseline ? "0" : cmp is null ? "" : D(cmp.LatencyDiffMs.Get(c.Key) ?? 0)));
            row.AddRange(LatencySummary.Columns.Select(c => t.Name == baseline ? "0" : cmp?.RoundDiffMedianMs is not { } m ? "" : D(m.Get(c.Key) ?? 0)));
            foreach (var s in stages)
            {
                var st = t.Stages.Find(x => x.Name == s);
                row.AddRange(st is null ? ["", "", ""] : [D(st.P50), D(st.P90), D(st.P99)]);
            }

            if (watched)
            {
                row.AddRange(t.Watched is null ? ["", ""] : [t.Watched.Metric, t.Watched.Delta is { } d ? D(d) : ""]);
            }

            sb.AppendLine(string.Join(',', row.Select(Quote)));
        }

        return sb.ToString();
    }

    private static string I(long v) => v.ToString(CultureInfo.InvariantCulture);

    private static string D(double v) => v.ToString("0.####", CultureInfo.InvariantCulture);

    private static string Quote(string s)
        => s.AsSpan().IndexOfAny(",\"\r\n") >= 0 ? "\"" + s.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"" : s;
}

using System.Globalization;
using LoadTool.Reporting;

namespace LoadTool.Thresholds;

/// <summary>Checks parsed thresholds against a finished run's report.</summary>
internal static class ThresholdEvaluator
{
    public static ThresholdOutcome Evaluate(Threshold t, RunReport report)
    {
        var actual = Measure(t, report);
        return new ThresholdOutcome
        {
            Expression = t.Expression,
            Actual = Format(t, actual),
            Passed = double.IsFinite(actual) && t.Holds(actual),
        };
    }

    public static double Measure(Threshold t, RunReport report)
    {
        TargetReport Get(int i) => report.Find(t.Targets[i]) ?? throw new InvalidOperationException($"no results for target '{t.Targets[i]}'");
        IEnumerable<TargetReport> Scope() => t.Targets.Count == 0 ? report.Targets : [Get(0)];

        return t.Kind switch
        {
            ThresholdKind.Latency => Get(0).LatencyMs.Get(t.Metric) ?? double.NaN,
            ThresholdKind.LatencyDiff => (Get(0).LatencyMs.Get(t.Metric) ?? double.NaN) - (Get(1).LatencyMs.Get(t.Metric) ?? double.NaN),
            ThresholdKind.LatencyDiffMedian => LatencySummary.MedianRoundDifference(Get(0).RoundLatencyMs, Get(1).RoundLatencyMs)?.Get(t.Metric) ?? double.NaN,
            ThresholdKind.Ratio => Get(1).Rps > 0 ? Get(0).Rps / Get(1).Rps : double.NaN,
            ThresholdKind.Rate => t.Metric switch
            {
                "rps" => Get(0).Rps,
                "ok_rps" => Get(0).OkRps,
                _ => Get(0).FailedRps,
            },
            ThresholdKind.Watched => Get(0).Watched?.Delta ?? double.NaN,
            ThresholdKind.Percent => Get(0).Requests > 0 ? 100.0 * (Get(0).GoodFailed) / Get(0).Requests : double.NaN,
            _ => t.Metric switch
            {
                "errors" => Scope().Sum(r => r.Errors),
                "failed" => Get(0).Failed,
                "good_failed" => Get(0).GoodFailed,
                "requests" => Get(0).Requests,
                "bad_allowed" => Scope().Sum(r => r.Bad.Allowed),
                _ => Scope().Sum(r => r.Bad.Total),
            },
        };
    }

    private static string Format(Threshold t, double v) => t.Kind switch
    {
        ThresholdKind.LatencyDiffMedian when !double.IsFinite(v) => "unknown (needs --rounds 2 or more)",
        ThresholdKind.Latency or ThresholdKind.LatencyDiff or ThresholdKind.LatencyDiffMedian => v.ToString("0.###", CultureInfo.InvariantCulture) + "ms",
        ThresholdKind.Ratio => v.ToString("0.###", CultureInfo.InvariantCulture),
        ThresholdKind.Percent => v.ToString("0.###", CultureInfo.InvariantCulture) + "%",
        ThresholdKind.Rate => v.ToString("0.#", CultureInfo.InvariantCulture),
        ThresholdKind.Watched => double.IsFinite(v) ? v.ToString("0.###", CultureInfo.InvariantCulture) : "unknown (no --watch-metric for the target, or a read failed)",
        _ => v.ToString("0", CultureInfo.InvariantCulture),
    };
}

namespace LoadTool.Reporting;

/// <summary>A target against the baseline: throughput ratio (target ÷ baseline) and latency difference (target −
/// baseline, ms) at each percentile.</summary>
internal sealed class ComparisonReport
{
    public string Target { get; set; } = "";
    public string Baseline { get; set; } = "";
    public double ThroughputRatio { get; set; }
    public double OkThroughputRatio { get; set; }
    public LatencySummary LatencyDiffMs { get; set; } = new();
    /// <summary>At each percentile, the median over rounds of (target's round i − baseline's round i); null with fewer
    /// than two rounds. Robust to one round disturbed by something else on the machine, which the merged percentiles
    /// of <see cref="LatencyDiffMs"/> are not: one bad round out of five sets the merged p99.</summary>
    public LatencySummary? RoundDiffMedianMs { get; set; }
}

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
}

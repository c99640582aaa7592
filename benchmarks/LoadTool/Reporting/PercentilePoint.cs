namespace LoadTool.Reporting;

/// <summary>One point of a latency-percentile curve: percentile (50 … 99.99) and latency in milliseconds.</summary>
internal sealed record PercentilePoint(double Percentile, double LatencyMs);

namespace LoadTool.Reporting;

/// <summary>One <c>Server-Timing</c> metric (a gateway stage such as auth, policy, upstream, total), aggregated.</summary>
internal sealed class StageReport
{
    public string Name { get; set; } = "";
    public long Count { get; set; }
    public double P50 { get; set; }
    public double P90 { get; set; }
    public double P99 { get; set; }
    public double Max { get; set; }
    public double Mean { get; set; }
}

namespace LoadTool.Reporting;

/// <summary>How well the tool kept its own schedule: requested vs achieved send rate, how late sends were, and how
/// many had to wait for the in-flight cap.</summary>
internal sealed class SendReport
{
    public double? RequestedRate { get; set; }
    public double SendRate { get; set; }
    public long Scheduled { get; set; }
    public long Sent { get; set; }
    public long Capped { get; set; }
    public double LagP50Ms { get; set; }
    public double LagP99Ms { get; set; }
    public double LagMaxMs { get; set; }
}

namespace LoadTool.Reporting;

/// <summary>A watched metric of one target: its increase over the measured phases (after − before each phase, summed
/// over rounds). Null <see cref="Delta"/> when a read failed: a threshold on it then fails.</summary>
internal sealed class WatchedMetricReport
{
    public string Metric { get; set; } = "";
    public string Url { get; set; } = "";
    public double? Delta { get; set; }
    public int Phases { get; set; }
    public int FailedReads { get; set; }
}

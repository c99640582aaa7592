namespace LoadTool.Reporting;

/// <summary>The whole result of a run: what every report format is written from, and what thresholds read.</summary>
internal sealed class RunReport
{
    public string Tool { get; set; } = "loadtool";
    public DateTimeOffset StartedUtc { get; set; }
    public double WallSeconds { get; set; }
    public string Machine { get; set; } = "";
    public RunSettings Settings { get; set; } = new();
    public List<TargetReport> Targets { get; set; } = [];
    public List<ComparisonReport> Comparisons { get; set; } = [];
    public List<ThresholdOutcome> Thresholds { get; set; } = [];

    public TargetReport? Find(string name) => Targets.Find(t => t.Name == name);
}

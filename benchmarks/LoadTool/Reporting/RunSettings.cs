namespace LoadTool.Reporting;

/// <summary>The load settings of a run, as recorded in its reports.</summary>
internal sealed class RunSettings
{
    public string Mode { get; set; } = "";
    public double? Rate { get; set; }
    public double? RateFrom { get; set; }
    public double? RateTo { get; set; }
    public int? Concurrency { get; set; }
    public int MaxInFlight { get; set; }
    public double WarmupSeconds { get; set; }
    public double? DurationSeconds { get; set; }
    public long? Requests { get; set; }
    public int Rounds { get; set; }
    public string Method { get; set; } = "";
    public List<string> Paths { get; set; } = [];
    public int Identities { get; set; }
    public double BadPercent { get; set; }
    public List<string> BadKinds { get; set; } = [];
    public string Baseline { get; set; } = "";
    public string CommandLine { get; set; } = "";
}

namespace LoadTool.Reporting;

/// <summary>A threshold as written, the measured value it was checked against, and whether it held.</summary>
internal sealed class ThresholdOutcome
{
    public string Expression { get; set; } = "";
    public string Actual { get; set; } = "";
    public bool Passed { get; set; }
}

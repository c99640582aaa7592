namespace LoadTool.Reporting;

/// <summary>The requests of one bad-credential kind: how many, how many were let through (2xx), and what came back.</summary>
internal sealed class BadKindReport
{
    public string Kind { get; set; } = "";
    public long Total { get; set; }
    public long Allowed { get; set; }
    public long Errors { get; set; }
    public SortedDictionary<string, long> StatusCodes { get; set; } = new(StringComparer.Ordinal);
}

namespace LoadTool.Reporting;

/// <summary>Requests sent with a bad credential. <see cref="Allowed"/> (any 2xx) must be zero for a gateway.</summary>
internal sealed class BadReport
{
    public long Total { get; set; }
    public long Allowed { get; set; }
    public List<BadKindReport> Kinds { get; set; } = [];
}

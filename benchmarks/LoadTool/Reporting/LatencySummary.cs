namespace LoadTool.Reporting;

/// <summary>Latency percentiles in milliseconds (or, in a comparison, the difference target − baseline).</summary>
internal sealed class LatencySummary
{
    public double P50 { get; set; }
    public double P75 { get; set; }
    public double P90 { get; set; }
    public double P95 { get; set; }
    public double P99 { get; set; }
    public double P999 { get; set; }
    public double P9999 { get; set; }
    public double Max { get; set; }
    public double Mean { get; set; }
    public long Count { get; set; }

    /// <summary>The columns shown in tables, in order, with their labels.</summary>
    public static readonly (string Label, string Key)[] Columns =
    [
        ("p50", "p50"), ("p75", "p75"), ("p90", "p90"), ("p95", "p95"), ("p99", "p99"), ("p99.9", "p99.9"), ("p99.99", "p99.99"),
        ("max", "max"), ("mean", "mean"),
    ];

    /// <summary>Reads a value by its threshold/table key (<c>p50</c> … <c>p99.99</c>, <c>max</c>, <c>mean</c>).</summary>
    public double? Get(string key) => key switch
    {
        "p50" => P50,
        "p75" => P75,
        "p90" => P90,
        "p95" => P95,
        "p99" => P99,
        "p99.9" or "p999" => P999,
        "p99.99" or "p9999" => P9999,
        "max" => Max,
        "mean" => Mean,
        _ => null,
    };

    /// <summary>Pairs round i of <paramref name="a"/> with round i of <paramref name="b"/> and takes, at each percentile,
    /// the median of the differences (the mean of the middle two for an even count). Null — unknown, so a threshold on
    /// it fails — with fewer than two rounds, when the two targets ran a different number of rounds, or when a round
    /// of either recorded no latency (an empty round is not a fast one).</summary>
    public static LatencySummary? MedianRoundDifference(IReadOnlyList<LatencySummary> a, IReadOnlyList<LatencySummary> b)
    {
        var n = a.Count;
        if (n < 2 || b.Count != n || a.Any(r => r.Count == 0) || b.Any(r => r.Count == 0))
        {
            return null;
        }

        var diffs = Enumerable.Range(0, n).Select(i => Difference(a[i], b[i])).ToList();
        double Median(Func<LatencySummary, double> get)
        {
            var v = diffs.Select(get).Order().ToArray();
            return v.Length % 2 == 1 ? v[v.Length / 2] : (v[(v.Length / 2) - 1] + v[v.Length / 2]) / 2;
        }

        return new LatencySummary
        {
            P50 = Median(d => d.P50),
            P75 = Median(d => d.P75),
            P90 = Median(d => d.P90),
            P95 = Median(d => d.P95),
            P99 = Median(d => d.P99),
            P999 = Median(d => d.P999),
            P9999 = Median(d => d.P9999),
            Max = Median(d => d.Max),
            Mean = Median(d => d.Mean),
            Count = n,
        };
    }

    public static LatencySummary Difference(LatencySummary a, LatencySummary b) => new()
    {
        P50 = a.P50 - b.P50,
        P75 = a.P75 - b.P75,
        P90 = a.P90 - b.P90,
        P95 = a.P95 - b.P95,
        P99 = a.P99 - b.P99,
        P999 = a.P999 - b.P999,
        P9999 = a.P9999 - b.P9999,
        Max = a.Max - b.Max,
        Mean = a.Mean - b.Mean,
        Count = a.Count,
    };
}

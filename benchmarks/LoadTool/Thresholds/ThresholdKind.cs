namespace LoadTool.Thresholds;

internal enum ThresholdKind
{
    /// <summary><c>p99(T)</c>, <c>max(T)</c>, <c>mean(T)</c>: a latency, compared with a duration.</summary>
    Latency,

    /// <summary><c>p99diff(A,B)</c>: latency of A minus latency of B at a percentile, compared with a duration.</summary>
    LatencyDiff,

    /// <summary><c>p99diff_median(A,B)</c>: the median over rounds of (A's round i − B's round i) at a percentile; needs
    /// two rounds or more.</summary>
    LatencyDiffMedian,

    /// <summary><c>ratio(A,B)</c>: throughput (rps) of A divided by that of B.</summary>
    Ratio,

    /// <summary><c>rps(T)</c>, <c>ok_rps(T)</c>, <c>failed_rps(T)</c>: requests per second.</summary>
    Rate,

    /// <summary><c>errors(T)</c>, <c>failed(T)</c>, <c>good_failed(T)</c>, <c>requests(T)</c>, <c>bad_allowed[(T)]</c>, <c>bad_total[(T)]</c>: counts.</summary>
    Count,

    /// <summary><c>watched(T)</c>: the increase of the target's <c>--watch-metric</c> over the measured phases.</summary>
    Watched,

    /// <summary><c>error_rate(T)</c>: transport errors and non-2xx/3xx of good requests as a share of requests, in %.</summary>
    Percent,
}

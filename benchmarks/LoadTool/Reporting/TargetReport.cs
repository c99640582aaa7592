namespace LoadTool.Reporting;

/// <summary>Everything measured for one target, all rounds merged.</summary>
internal sealed class TargetReport
{
    public string Name { get; set; } = "";
    public string Url { get; set; } = "";
    public int Rounds { get; set; }
    /// <summary>Latency of each round's measured phase on its own, in round order (rounds alternate between targets,
    /// so round i of two targets ran next to each other in time).</summary>
    public List<LatencySummary> RoundLatencyMs { get; set; } = [];
    public double MeasuredSeconds { get; set; }

    /// <summary>Requests that completed: with an HTTP response or with a transport error.</summary>
    public long Requests { get; set; }

    /// <summary>Requests answered with an HTTP response (any status).</summary>
    public long Responses { get; set; }

    /// <summary>Responses with a 2xx or 3xx status.</summary>
    public long Ok { get; set; }

    /// <summary>Requests that did not get a 2xx/3xx: other statuses and transport errors.</summary>
    public long Failed { get; set; }

    /// <summary>Transport errors: no HTTP response (refused, reset, timeout, not sent).</summary>
    public long Errors { get; set; }

    /// <summary>Good-credential requests that did not get a 2xx/3xx (Failed minus the bad-credential requests).</summary>
    public long GoodFailed { get; set; }

    /// <summary>Completed requests per second of measured time (the throughput used for ratios).</summary>
    public double Rps { get; set; }

    public double OkRps { get; set; }
    public double FailedRps { get; set; }
    public long BytesReceived { get; set; }
    public LatencySummary LatencyMs { get; set; } = new();
    public List<PercentilePoint> Curve { get; set; } = [];
    public SortedDictionary<string, long> StatusCodes { get; set; } = new(StringComparer.Ordinal);
    public SortedDictionary<string, long> ErrorKinds { get; set; } = new(StringComparer.Ordinal);
    public BadReport Bad { get; set; } = new();
    public List<StageReport> Stages { get; set; } = [];
    public SendReport Send { get; set; } = new();

    /// <summary>The target's watched metric (<c>--watch-metric</c>), if any.</summary>
    public WatchedMetricReport? Watched { get; set; }
}

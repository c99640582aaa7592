namespace LoadTool.Cli;

/// <summary><c>--watch-metric TARGET=URL#METRIC</c>: a Prometheus metric of the target's process read before and after
/// each of its measured phases (e.g. the gateway's gen-2 GC count), so a budget can speak of the measured phases only.</summary>
internal sealed record WatchSpec(string Target, Uri Url, string Metric);

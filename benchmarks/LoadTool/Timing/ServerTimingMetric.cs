namespace LoadTool.Timing;

/// <summary>One metric of a <c>Server-Timing</c> header: its name and its <c>dur</c> in milliseconds, if given.</summary>
internal readonly record struct ServerTimingMetric(string Name, double? DurationMs);

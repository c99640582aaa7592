namespace LoadTool.Cli;

/// <summary>One system under test: a short name (used in reports and thresholds) and its base URL.</summary>
internal sealed record TargetSpec(string Name, Uri BaseUri);

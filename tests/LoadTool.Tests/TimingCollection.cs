namespace LoadTool.Tests;

/// <summary>Tests that send real load and assert on latencies run one at a time, so they do not disturb each other
/// on a 2-core machine.</summary>
[CollectionDefinition(Name)]
public sealed class TimingCollection
{
    public const string Name = "timing";
}

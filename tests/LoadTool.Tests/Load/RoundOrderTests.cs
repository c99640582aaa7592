using LoadTool.Load;

namespace LoadTool.Tests.Load;

public sealed class RoundOrderTests
{
    [Fact]
    public void RoundOrder_EachRoundStartsOneTargetLater()
    {
        string[] targets = ["upstream", "yarp", "gateway"];

        Assert.Equal(["upstream", "yarp", "gateway"], BenchmarkRunner.RoundOrder(targets, 1));
        Assert.Equal(["yarp", "gateway", "upstream"], BenchmarkRunner.RoundOrder(targets, 2));
        Assert.Equal(["gateway", "upstream", "yarp"], BenchmarkRunner.RoundOrder(targets, 3));
        Assert.Equal(["upstream", "yarp", "gateway"], BenchmarkRunner.RoundOrder(targets, 4));
        Assert.Equal(["only"], BenchmarkRunner.RoundOrder(["only"], 7));
    }
}

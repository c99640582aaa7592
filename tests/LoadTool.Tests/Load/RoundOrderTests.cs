using LoadTool.Load;

namespace LoadTool.Tests.Load;

public sealed class RoundOrderTests
{
    [Fact]
    public void RoundOrder_RotatesOddRounds_ReversesEvenOnes()
    {
        string[] targets = ["upstream", "yarp", "gateway"];

        Assert.Equal(["upstream", "yarp", "gateway"], BenchmarkRunner.RoundOrder(targets, 1));
        Assert.Equal(["gateway", "yarp", "upstream"], BenchmarkRunner.RoundOrder(targets, 2));
        Assert.Equal(["yarp", "gateway", "upstream"], BenchmarkRunner.RoundOrder(targets, 3));
        Assert.Equal(["upstream", "gateway", "yarp"], BenchmarkRunner.RoundOrder(targets, 4));
        Assert.Equal(["gateway", "upstream", "yarp"], BenchmarkRunner.RoundOrder(targets, 5));
        Assert.Equal(["yarp", "upstream", "gateway"], BenchmarkRunner.RoundOrder(targets, 6));
        Assert.Equal(["upstream", "yarp", "gateway"], BenchmarkRunner.RoundOrder(targets, 7));
        Assert.Equal(["only"], BenchmarkRunner.RoundOrder(["only"], 7));
        Assert.Equal(["only"], BenchmarkRunner.RoundOrder(["only"], 8));
    }

    [Theory]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(4)]
    [InlineData(5)]
    public void RoundOrder_Over2NRounds_EveryOrderedPairFollowsEquallyOften_EveryTargetStartsEquallyOften(int n)
    {
        var targets = Enumerable.Range(0, n).ToArray();
        var follows = new int[n, n];
        var starts = new int[n];
        for (var round = 1; round <= 2 * n; round++)
        {
            var order = BenchmarkRunner.RoundOrder(targets, round).ToArray();
            Assert.Equal(targets, order.Order());   // each target exactly once per round
            starts[order[0]]++;
            for (var k = 1; k < n; k++)
            {
                follows[order[k - 1], order[k]]++;
            }
        }

        Assert.All(starts, s => Assert.Equal(2, s));
        var pairs = from a in targets from b in targets where a != b select follows[a, b];
        Assert.Single(pairs.Distinct());
    }
}

using LoadTool.Load;

namespace LoadTool.Tests.Load;

public sealed class OpenLoopScheduleTests
{
    [Theory]
    [InlineData(2000, 0, 0)]
    [InlineData(2000, 1, 500)]
    [InlineData(2000, 4000, 2_000_000)]
    [InlineData(3, 1, 333_333)]
    [InlineData(3, 3, 1_000_000)]
    [InlineData(0.5, 1, 2_000_000)]
    public void OffsetTicks_ConstantRate_IsIndexOverRate(double rate, long index, long expectedMicros)
        => Assert.Equal(expectedMicros, OpenLoopSchedule.Constant(rate, ticksPerSecond: 1_000_000).OffsetTicks(index));

    [Theory]
    [InlineData(2000, 10, 20_000)]
    [InlineData(3, 1, 3)]
    [InlineData(3, 1.001, 4)]
    [InlineData(1000, 0.0015, 2)]
    public void CountWithin_ConstantRate_CountsRequestsDueBeforeTheEnd(double rate, double seconds, long expected)
        => Assert.Equal(expected, OpenLoopSchedule.Constant(rate).CountWithin(TimeSpan.FromSeconds(seconds)));

    [Fact]
    public void OffsetTicks_LargeIndex_DoesNotDrift()
    {
        // 10 hours at 10,000/s: still exact to the microsecond (no accumulation of per-request rounding).
        var s = OpenLoopSchedule.Constant(10_000, ticksPerSecond: 1_000_000);
        Assert.Equal(36_000_000_000L, s.OffsetTicks(360_000_000));
    }

    [Fact]
    public void CountWithin_Ramp_IsTheAreaUnderTheRate()
    {
        var s = OpenLoopSchedule.Ramp(500, 5000, TimeSpan.FromSeconds(10));

        Assert.Equal(27_500, s.CountWithin(TimeSpan.FromSeconds(10)));  // (500 + 5000) / 2 × 10
        Assert.Equal(500 + 225, s.CountWithin(TimeSpan.FromSeconds(1)));  // 500·1 + 4500·1²/20
    }

    [Fact]
    public void OffsetSeconds_Ramp_SpacingFollowsTheRateAtThatTime()
    {
        var s = OpenLoopSchedule.Ramp(500, 5000, TimeSpan.FromSeconds(10));
        var total = s.CountWithin(TimeSpan.FromSeconds(10));

        Assert.Equal(0, s.OffsetSeconds(0));
        Assert.InRange(s.OffsetSeconds(total - 1), 9.99, 10.0);
        for (long i = 1; i < total; i += 997)
        {
            var t = s.OffsetSeconds(i);
            var gap = s.OffsetSeconds(i + 1) - t;
            Assert.True(gap > 0);
            Assert.Equal(1 / s.RateAt(t), gap, 1e-5);
        }
    }

    [Fact]
    public void OffsetSeconds_DescendingRamp_IsMonotonicAndEndsOnTime()
    {
        var s = OpenLoopSchedule.Ramp(2000, 100, TimeSpan.FromSeconds(2));
        var total = s.CountWithin(TimeSpan.FromSeconds(2));

        Assert.Equal(2100, total);
        var previous = -1.0;
        for (long i = 0; i < total; i++)
        {
            var t = s.OffsetSeconds(i);
            Assert.True(t > previous);
            previous = t;
        }

        Assert.InRange(previous, 1.98, 2.0);
    }
}

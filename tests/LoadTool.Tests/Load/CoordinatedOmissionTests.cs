using HdrHistogram;
using LoadTool.Identity;
using LoadTool.Load;

namespace LoadTool.Tests.Load;

/// <summary>
/// A target that freezes for 200 ms once (every request arriving in that window waits for its end). An open loop
/// keeps its schedule, so the ~20% of requests due during the freeze all wait — up to 200 ms from their intended
/// time — and the p90/p99 show it. A closed loop stops sending while its one request waits, so the freeze costs a
/// single sample and the p99 looks healthy: the coordinated omission this tool avoids.
/// </summary>
[Collection(TimingCollection.Name)]
public sealed class CoordinatedOmissionTests
{
    private static readonly TimeSpan StallAfter = TimeSpan.FromMilliseconds(300);
    private static readonly TimeSpan StallFor = TimeSpan.FromMilliseconds(200);

    [Fact]
    public async Task RunOpen_TargetStalls_LatencyFromIntendedTimeShowsTheStall()
    {
        await using var upstream = await TestUpstream.StartAsync();
        using var client = Client(upstream);
        var recorder = new PhaseRecorder("t", measured: true);
        var schedule = OpenLoopSchedule.Constant(200);
        await WarmUpAsync(client);
        upstream.ArmStall(StallAfter, StallFor);

        await PhaseRunner.RunOpenAsync(client, schedule, schedule.CountWithin(TimeSpan.FromSeconds(1)), 100, TimeSpan.FromSeconds(5),
            new PreciseWaiter(100), recorder, CancellationToken.None);

        Assert.Equal(200, recorder.Responses);
        Assert.InRange(recorder.Latency.GetValueAtPercentile(99), 150_000, 260_000);
        Assert.True(recorder.Latency.GetValueAtPercentile(90) >= 50_000, "the requests due during the stall are all slow");
        Assert.True(recorder.Latency.GetValueAtPercentile(50) < 50_000);
    }

    [Fact]
    public async Task RunOpen_InFlightCapReached_LateSendsAreStillTimedFromTheirIntendedTime()
    {
        await using var upstream = await TestUpstream.StartAsync();
        using var client = Client(upstream);
        var recorder = new PhaseRecorder("t", measured: true);
        var schedule = OpenLoopSchedule.Constant(200);
        await WarmUpAsync(client);
        upstream.ArmStall(StallAfter, StallFor);

        // One request in flight at most: during the stall the scheduler cannot send, yet the clock keeps running.
        await PhaseRunner.RunOpenAsync(client, schedule, schedule.CountWithin(TimeSpan.FromSeconds(1)), 1, TimeSpan.FromSeconds(5),
            new PreciseWaiter(100), recorder, CancellationToken.None);

        Assert.Equal(200, recorder.Responses);
        Assert.True(recorder.Capped > 0);
        Assert.True(recorder.Latency.GetValueAtPercentile(90) >= 50_000);
        Assert.True(recorder.SendLag.GetMaxValue() >= 100_000, "sends during the stall were late, and that is reported");
    }

    [Fact]
    public async Task RunClosed_TargetStalls_OnlyOneSampleIsSlow()
    {
        await using var upstream = await TestUpstream.StartAsync();
        using var client = Client(upstream);
        var recorder = new PhaseRecorder("t", measured: true);
        await WarmUpAsync(client);
        upstream.ArmStall(StallAfter, StallFor);

        await PhaseRunner.RunClosedAsync(client, 1, TimeSpan.FromSeconds(1), null, recorder, CancellationToken.None);

        Assert.True(recorder.Responses > 100);
        Assert.True(recorder.Latency.GetMaxValue() >= 150_000, "the one request that met the stall");
        Assert.True(recorder.Latency.GetValueAtPercentile(99) < 50_000, "a closed loop hides the stall from its percentiles");
    }

    /// <summary>Connections, JIT and Kestrel warmed up first, so that only the stall is slow.</summary>
    private static Task WarmUpAsync(TargetClient client)
        => PhaseRunner.RunOpenAsync(client, OpenLoopSchedule.Constant(200), 60, 100, TimeSpan.FromSeconds(5), new PreciseWaiter(100),
            new PhaseRecorder("t", measured: false), CancellationToken.None);

    private static TargetClient Client(TestUpstream upstream)
        => new("t", new RequestPlan(upstream.BaseUri, ["/x"], CredentialSet.None, 0, null), "GET", [], 100, TimeSpan.FromSeconds(5));
}

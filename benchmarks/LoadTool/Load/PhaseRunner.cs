using System.Diagnostics;

namespace LoadTool.Load;

/// <summary>Runs one phase against one target: open loop (a scheduler thread releases request i at its intended
/// time, whether or not earlier ones finished) or closed loop (N workers, each waits for its previous response).</summary>
internal static class PhaseRunner
{
    /// <summary>
    /// Open loop. Request i is due at <c>start + schedule.OffsetTicks(i)</c>. The scheduler waits for that moment
    /// (<see cref="PreciseWaiter"/>), then hands the send to the thread pool. When <paramref name="maxInFlight"/>
    /// requests are outstanding it waits for a slot: the late requests are counted (<c>capped</c>) and still measured
    /// from their intended time, so a stalled target shows up in the latencies instead of pausing the clock. Requests
    /// that could not be sent by the planned end + <paramref name="drainTimeout"/> are recorded as <c>not_sent</c>.
    /// </summary>
    public static async Task RunOpenAsync(
        TargetClient client, OpenLoopSchedule schedule, long total, int maxInFlight, TimeSpan drainTimeout,
        PreciseWaiter waiter, PhaseRecorder recorder, CancellationToken cancellation)
    {
        EnsureWorkerThreads(maxInFlight);
        var slots = new SemaphoreSlim(maxInFlight, maxInFlight);
        var drainTicks = (long)(drainTimeout.TotalSeconds * Stopwatch.Frequency);
        var scheduled = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var start = Stopwatch.GetTimestamp();
        recorder.StartTicks = start;
        recorder.PlannedEndTicks = start + schedule.OffsetTicks(total);
        recorder.Scheduled = total;
        var hardDeadline = recorder.PlannedEndTicks + drainTicks;

        var thread = new Thread(() =>
        {
            try
            {
                Schedule();
                scheduled.SetResult();
            }
            catch (Exception ex)
            {
                scheduled.SetException(ex);
            }
        })
        {
            IsBackground = true,
            Name = "loadtool-scheduler",
            Priority = ThreadPriority.AboveNormal,
        };
        thread.Start();
        await scheduled.Task.ConfigureAwait(false);

        // Drain: every send releases its slot when it completes (bounded by the request timeout).
        while (slots.CurrentCount < maxInFlight && Stopwatch.GetTimestamp() < hardDeadline + drainTicks)
        {
            await Task.Delay(5, CancellationToken.None).ConfigureAwait(false);
        }

        void Schedule()
        {
            for (long i = 0; i < total; i++)
            {
                var intended = start + schedule.OffsetTicks(i);
                waiter.WaitUntil(intended, cancellation);
                if (cancellation.IsCancellationRequested)
                {
                    return;
                }

                if (!slots.Wait(0))
                {
                    recorder.RecordCapped();
                    while (!slots.Wait(20))
                    {
                        var now = Stopwatch.GetTimestamp();
                        if (cancellation.IsCancellationRequested || now > hardDeadline)
                        {
                            for (var j = i; j < total; j++)
                            {
                                var due = start + schedule.OffsetTicks(j);
                                recorder.RecordError(ErrorClassifier.NotSent, now - due, client.Plan.Get(j).Bad, now);
                            }

                            return;
                        }
                    }
                }

                var work = new SendWork(client, i, intended, recorder, slots);
                ThreadPool.UnsafeQueueUserWorkItem(static w => w.Run(), work, preferLocal: false);
            }
        }
    }

    /// <summary>Closed loop: <paramref name="concurrency"/> workers until <paramref name="duration"/> has passed or
    /// <paramref name="requests"/> were issued. Latency is measured from the actual send (the loop waits for the
    /// target, so a slow target also slows the offered load: the coordinated omission of every closed loop).</summary>
    public static async Task RunClosedAsync(
        TargetClient client, int concurrency, TimeSpan duration, long? requests, PhaseRecorder recorder, CancellationToken cancellation)
    {
        EnsureWorkerThreads(concurrency);
        var start = Stopwatch.GetTimestamp();
        var end = requests is null ? start + (long)(duration.TotalSeconds * Stopwatch.Frequency) : long.MaxValue;
        recorder.StartTicks = start;
        recorder.PlannedEndTicks = requests is null ? end : start;
        recorder.Scheduled = requests ?? 0;
        long issued = 0;
        var workers = new Task[concurrency];
        for (var w = 0; w < concurrency; w++)
        {
            workers[w] = Task.Run(async () =>
            {
                while (!cancellation.IsCancellationRequested)
                {
                    var now = Stopwatch.GetTimestamp();
                    if (now >= end)
                    {
                        return;
                    }

                    var index = Interlocked.Increment(ref issued) - 1;
                    if (requests is { } limit && index >= limit)
                    {
                        return;
                    }

                    recorder.RecordSend(now, now);
                    await client.SendAsync(index, now, recorder).ConfigureAwait(false);
                }
            }, CancellationToken.None);
        }

        await Task.WhenAll(workers).ConfigureAwait(false);
    }

    /// <summary>
    /// Lets the thread pool start workers at once up to a floor. With 2 cores the default floor is 2, and when anything
    /// in the process blocks a pool thread (a test runner, a synchronous callback) queued sends wait for the pool's
    /// starvation injection (~0.5 s per thread): the tool would then report its own stall as the target's latency.
    /// </summary>
    internal static void EnsureWorkerThreads(int wanted)
    {
        var floor = Math.Clamp(wanted, 16, 64);
        ThreadPool.GetMinThreads(out var workers, out var io);
        if (workers < floor)
        {
            ThreadPool.SetMinThreads(floor, Math.Max(io, floor));
        }
    }

    private sealed class SendWork(TargetClient client, long index, long intended, PhaseRecorder recorder, SemaphoreSlim slots)
    {
        public void Run()
        {
            recorder.RecordSend(intended, Stopwatch.GetTimestamp());
            _ = RunAsync();
        }

        private async Task RunAsync()
        {
            try
            {
                await client.SendAsync(index, intended, recorder).ConfigureAwait(false);
            }
            finally
            {
                slots.Release();
            }
        }
    }
}

using System.Diagnostics;
using System.Runtime.InteropServices;

namespace LoadTool.Load;

/// <summary>
/// Waits until a Stopwatch timestamp without burning a core: the thread sleeps (usleep on Linux, whose wake-up is
/// within ~60 µs) until <c>spin</c> before the deadline and spins only for that last stretch. With <c>spin = 0</c> it
/// never spins and a send may be up to a timer tick late (which the latency, measured from the intended time, shows).
/// </summary>
internal sealed partial class PreciseWaiter
{
    private static readonly bool HasUsleep = ProbeUsleep();
    private readonly long _spinTicks;

    public PreciseWaiter(int spinMicroseconds) => _spinTicks = spinMicroseconds * Stopwatch.Frequency / 1_000_000;

    public void WaitUntil(long deadline, CancellationToken cancellation)
    {
        while (!cancellation.IsCancellationRequested)
        {
            var remaining = deadline - Stopwatch.GetTimestamp();
            if (remaining <= 0)
            {
                return;
            }

            if (remaining > _spinTicks)
            {
                var sleepMicros = (remaining - _spinTicks) * 1_000_000 / Stopwatch.Frequency;
                if (HasUsleep)
                {
                    // Cap one sleep at 50 ms so a cancellation is noticed promptly.
                    _ = usleep((uint)Math.Clamp(sleepMicros, 1, 50_000));
                }
                else
                {
                    Thread.Sleep(sleepMicros >= 1500 ? (int)Math.Min(sleepMicros / 1000, 50) : 0);
                }
            }
            else
            {
                Thread.SpinWait(20);
            }
        }
    }

    [DllImport("libc.so.6", EntryPoint = "usleep")]
#pragma warning disable SYSLIB1054 // a one-argument blittable call; DllImport needs no unsafe code
    private static extern int usleep(uint microseconds);
#pragma warning restore SYSLIB1054

    private static bool ProbeUsleep()
    {
        if (!OperatingSystem.IsLinux())
        {
            return false;
        }

        try
        {
            _ = usleep(1);
            return true;
        }
        catch (Exception ex) when (ex is DllNotFoundException or EntryPointNotFoundException)
        {
            return false;
        }
    }
}

using System.Diagnostics;

namespace LoadTool.Load;

/// <summary>
/// The intended send times of an open-loop phase, as pure arithmetic on the request index. Constant rate: request i
/// is due at <c>i / rate</c> seconds after the phase starts. Ramp from r0 to r1 over T seconds: the rate at time t is
/// <c>r(t) = r0 + (r1 - r0) t / T</c>, so the number of requests due by t is <c>N(t) = r0 t + (r1 - r0) t² / 2T</c>, and
/// request i is due at the t where <c>N(t) = i</c>. Times never depend on when earlier requests finished: that is what
/// makes the loop open.
/// </summary>
internal sealed class OpenLoopSchedule
{
    private readonly double _rateFrom;
    private readonly double _rateTo;
    private readonly double _rampSeconds;
    private readonly double _ticksPerSecond;

    private OpenLoopSchedule(double rateFrom, double rateTo, double rampSeconds, double ticksPerSecond)
    {
        _rateFrom = rateFrom;
        _rateTo = rateTo;
        _rampSeconds = rampSeconds;
        _ticksPerSecond = ticksPerSecond;
    }

    public static OpenLoopSchedule Constant(double rate, double ticksPerSecond = 0)
        => new(rate, rate, 0, ticksPerSecond > 0 ? ticksPerSecond : Stopwatch.Frequency);

    public static OpenLoopSchedule Ramp(double rateFrom, double rateTo, TimeSpan over, double ticksPerSecond = 0)
        => new(rateFrom, rateTo, over.TotalSeconds, ticksPerSecond > 0 ? ticksPerSecond : Stopwatch.Frequency);

    private bool IsConstant => _rampSeconds <= 0 || _rateFrom == _rateTo;

    /// <summary>Seconds after the phase start at which request <paramref name="index"/> is due.</summary>
    public double OffsetSeconds(long index)
    {
        if (IsConstant)
        {
            return index / _rateFrom;
        }

        // Solve a t² + b t - i = 0 for t ≥ 0, with a = (r1 - r0) / 2T and b = r0. The form
        // t = 2i / (b + sqrt(b² + 4ai)) is the same root without cancellation when a is small or negative.
        var a = (_rateTo - _rateFrom) / (2 * _rampSeconds);
        var disc = (_rateFrom * _rateFrom) + (4 * a * index);
        return disc <= 0 ? double.PositiveInfinity : 2.0 * index / (_rateFrom + Math.Sqrt(disc));
    }

    /// <summary>Stopwatch ticks after the phase start at which request <paramref name="index"/> is due.</summary>
    public long OffsetTicks(long index) => (long)Math.Round(OffsetSeconds(index) * _ticksPerSecond);

    /// <summary>How many requests are due strictly before <paramref name="duration"/> has passed.</summary>
    public long CountWithin(TimeSpan duration)
    {
        var t = duration.TotalSeconds;
        var n = IsConstant ? _rateFrom * t : (_rateFrom * t) + ((_rateTo - _rateFrom) * t * t / (2 * _rampSeconds));
        var count = (long)Math.Ceiling(n - 1e-9);
        return Math.Max(0, count);
    }

    /// <summary>The requested rate at <paramref name="seconds"/> after the phase start.</summary>
    public double RateAt(double seconds)
        => IsConstant ? _rateFrom : _rateFrom + ((_rateTo - _rateFrom) * Math.Clamp(seconds / _rampSeconds, 0, 1));
}

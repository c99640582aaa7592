namespace LoadTool.Load;

internal enum LoadMode
{
    /// <summary>Open loop, constant rate: request i is scheduled at t0 + i / rate.</summary>
    Open,

    /// <summary>Open loop, rate rising linearly from RateFrom to RateTo over the measured phase.</summary>
    Ramp,

    /// <summary>Closed loop: a fixed number of workers, each sends its next request when the previous one completes.</summary>
    Closed,
}

using System.Globalization;
using Gateway.Pipeline;

namespace Gateway.Observability;

/// <summary>Formats the gateway's stage durations as a <c>Server-Timing</c> header (W3C; durations in milliseconds):
/// <c>auth;dur=0.012, policy;dur=0.003, upstream;dur=0.41, total;dur=0.455</c>. <c>upstream</c> is the time from
/// forwarding to the upstream's response headers (time to first byte).</summary>
internal static class ServerTiming
{
    public static string Format(GatewayRequestFeature f, TimeProvider time)
    {
        var now = time.GetTimestamp();
        var total = time.GetElapsedTime(f.StartTimestamp, now).TotalMilliseconds;
        var inv = CultureInfo.InvariantCulture;
        var s = string.Create(inv, $"auth;dur={f.AuthSeconds * 1000:0.###}, policy;dur={f.PolicySeconds * 1000:0.###}");
        if (f.Forwarded)
        {
            s += string.Create(inv, $", upstream;dur={time.GetElapsedTime(f.UpstreamStartTimestamp, now).TotalMilliseconds:0.###}");
        }

        return s + string.Create(inv, $", total;dur={total:0.###}");
    }
}

using System.Globalization;
using System.Text.RegularExpressions;

namespace LoadTool.Cli;

/// <summary>Parses durations written with a unit: <c>250us</c>, <c>500ms</c>, <c>3s</c>, <c>1.5s</c>, <c>10m</c>, <c>1h</c>.
/// A bare <c>0</c> is accepted; any other number needs a unit.</summary>
internal static partial class DurationParser
{
    [GeneratedRegex(@"^\s*(?<n>[0-9]+(?:\.[0-9]+)?)\s*(?<u>ns|us|µs|ms|s|m|h)\s*$", RegexOptions.CultureInvariant)]
    private static partial Regex DurationRegex();

    public static bool TryParse(string text, out TimeSpan value)
    {
        value = TimeSpan.Zero;
        if (text.Trim() == "0")
        {
            return true;
        }

        var m = DurationRegex().Match(text);
        if (!m.Success)
        {
            return false;
        }

        var n = double.Parse(m.Groups["n"].Value, CultureInfo.InvariantCulture);
        var ms = m.Groups["u"].Value switch
        {
            "ns" => n / 1_000_000,
            "us" or "µs" => n / 1000,
            "ms" => n,
            "s" => n * 1000,
            "m" => n * 60_000,
            _ => n * 3_600_000,
        };
        value = TimeSpan.FromTicks((long)Math.Round(ms * TimeSpan.TicksPerMillisecond));
        return true;
    }

    public static TimeSpan Parse(string option, string text)
        => TryParse(text, out var v)
            ? v
            : throw new CommandLineException($"{option} '{text}': write a duration with a unit, e.g. 500ms, 3s, 10m");
}

using System.Globalization;
using LoadTool.Cli;

namespace LoadTool.Load;

/// <summary>Reads one metric from a Prometheus text exposition (<c>/metrics</c>). A bare name adds up every series of
/// that name (all label sets); a name with labels (<c>name{a="b"}</c>) reads that one series exactly.</summary>
internal sealed class MetricScraper : IDisposable
{
    private readonly HttpClient _client = new(new SocketsHttpHandler { UseProxy = false })
    {
        Timeout = TimeSpan.FromSeconds(5),
        MaxResponseContentBufferSize = 16 * 1024 * 1024,
    };

    /// <summary>The value, or null when the endpoint cannot be read or does not have the metric.</summary>
    public async Task<double?> ReadAsync(WatchSpec spec, CancellationToken cancellation)
    {
        try
        {
            var text = await _client.GetStringAsync(spec.Url, cancellation).ConfigureAwait(false);
            return Parse(text, spec.Metric);
        }
        catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException or IOException)
        {
            return null;
        }
    }

    public static double? Parse(string exposition, string metric)
    {
        var exact = metric.Contains('{');
        double sum = 0;
        var found = false;
        foreach (var raw in exposition.Split('\n'))
        {
            var line = raw.TrimEnd('\r');
            if (line.Length == 0 || line[0] == '#')
            {
                continue;
            }

            // "name value [timestamp]" or "name{labels} value [timestamp]"; label values may hold spaces, so the series
            // ends at the closing brace when there is one.
            var close = line.IndexOf('}');
            var seriesEnd = close >= 0 ? close + 1 : line.IndexOf(' ');
            if (seriesEnd <= 0 || seriesEnd >= line.Length)
            {
                continue;
            }

            var series = line[..seriesEnd];
            var name = series.Split('{')[0];
            if (exact ? series != metric : name != metric)
            {
                continue;
            }

            var rest = line[seriesEnd..].Trim().Split(' ', StringSplitOptions.RemoveEmptyEntries);
            if (rest.Length > 0 && double.TryParse(rest[0], NumberStyles.Float, CultureInfo.InvariantCulture, out var value))
            {
                sum += value;
                found = true;
            }
        }

        return found ? sum : null;
    }

    public void Dispose() => _client.Dispose();
}

using System.Globalization;
using System.Net;
using System.Text;

namespace LoadTool.Reporting;

/// <summary>
/// An inline SVG latency-percentile plot: x is the percentile on a log scale of 1/(1 − p) from p50 to p99.99 (so
/// p90, p99, p99.9 and p99.99 are evenly spaced), y is latency in ms (linear, from 0); one line per target.
/// </summary>
internal static class SvgPercentilePlot
{
    private static readonly string[] Palette = ["#1f77b4", "#d62728", "#2ca02c", "#ff7f0e", "#9467bd", "#8c564b", "#e377c2", "#17becf"];
    private static readonly double[] XTicks = [50, 90, 99, 99.9, 99.99];

    public static string Render(IReadOnlyList<TargetReport> targets, int width = 820, int height = 420)
    {
        const int Left = 70, Right = 150, Top = 20, Bottom = 50;
        var plotW = width - Left - Right;
        var plotH = height - Top - Bottom;
        var xMin = X(50);
        var xMax = X(99.99);
        var yMaxData = targets.SelectMany(t => t.Curve).Select(p => p.LatencyMs).DefaultIfEmpty(1).Max();
        var yStep = NiceStep(Math.Max(yMaxData, 1e-3) / 5);
        var yMax = Math.Ceiling(Math.Max(yMaxData, 1e-3) / yStep) * yStep;

        double Px(double p) => Left + ((X(p) - xMin) / (xMax - xMin) * plotW);
        double Py(double ms) => Top + plotH - (ms / yMax * plotH);

        var sb = new StringBuilder();
        sb.Append(CultureInfo.InvariantCulture, $"<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{width}\" height=\"{height}\" viewBox=\"0 0 {width} {height}\" role=\"img\" aria-label=\"latency by percentile\" font-family=\"sans-serif\" font-size=\"12\">\n");
        sb.Append(CultureInfo.InvariantCulture, $"<rect x=\"{Left}\" y=\"{Top}\" width=\"{plotW}\" height=\"{plotH}\" fill=\"#fff\" stroke=\"#999\"/>\n");
        for (var y = 0.0; y <= yMax + (yStep / 2); y += yStep)
        {
            var py = Py(y);
            sb.Append(CultureInfo.InvariantCulture, $"<line x1=\"{Left}\" y1=\"{py:0.##}\" x2=\"{Left + plotW}\" y2=\"{py:0.##}\" stroke=\"#eee\"/>");
            sb.Append(CultureInfo.InvariantCulture, $"<text x=\"{Left - 6}\" y=\"{py + 4:0.##}\" text-anchor=\"end\">{Label(y)}</text>\n");
        }

        foreach (var p in XTicks)
        {
            var px = Px(p);
            sb.Append(CultureInfo.InvariantCulture, $"<line x1=\"{px:0.##}\" y1=\"{Top}\" x2=\"{px:0.##}\" y2=\"{Top + plotH}\" stroke=\"#eee\"/>");
            sb.Append(CultureInfo.InvariantCulture, $"<text x=\"{px:0.##}\" y=\"{Top + plotH + 16}\" text-anchor=\"middle\">p{p.ToString(CultureInfo.InvariantCulture)}</text>\n");
        }

        sb.Append(CultureInfo.InvariantCulture, $"<text x=\"{Left + (plotW / 2)}\" y=\"{height - 8}\" text-anchor=\"middle\">percentile (log scale of 1/(1-p))</text>\n");
        sb.Append(CultureInfo.InvariantCulture, $"<text x=\"16\" y=\"{Top + (plotH / 2)}\" text-anchor=\"middle\" transform=\"rotate(-90 16 {Top + (plotH / 2)})\">latency (ms)</text>\n");

        for (var i = 0; i < targets.Count; i++)
        {
            var t = targets[i];
            var color = Palette[i % Palette.Length];
            if (t.Curve.Count > 0)
            {
                var points = string.Join(' ', t.Curve.Select(p => string.Create(CultureInfo.InvariantCulture, $"{Px(p.Percentile):0.##},{Py(p.LatencyMs):0.##}")));
                sb.Append(CultureInfo.InvariantCulture, $"<polyline class=\"series\" fill=\"none\" stroke=\"{color}\" stroke-width=\"2\" points=\"{points}\"><title>{WebUtility.HtmlEncode(t.Name)}</title></polyline>\n");
            }

            var ly = Top + 10 + (i * 20);
            sb.Append(CultureInfo.InvariantCulture, $"<line x1=\"{Left + plotW + 12}\" y1=\"{ly}\" x2=\"{Left + plotW + 36}\" y2=\"{ly}\" stroke=\"{color}\" stroke-width=\"3\"/>");
            sb.Append(CultureInfo.InvariantCulture, $"<text x=\"{Left + plotW + 42}\" y=\"{ly + 4}\">{WebUtility.HtmlEncode(t.Name)}</text>\n");
        }

        sb.Append("</svg>");
        return sb.ToString();
    }

    private static double X(double percentile) => Math.Log10(100 / (100 - percentile));

    private static double NiceStep(double raw)
    {
        var mag = Math.Pow(10, Math.Floor(Math.Log10(raw)));
        var f = raw / mag;
        return (f <= 1 ? 1 : f <= 2 ? 2 : f <= 5 ? 5 : 10) * mag;
    }

    private static string Label(double ms) => ms.ToString(ms >= 10 ? "0" : ms >= 1 ? "0.#" : "0.###", CultureInfo.InvariantCulture);
}

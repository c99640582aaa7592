using System.Globalization;
using System.Net;
using System.Text;

namespace LoadTool.Reporting;

/// <summary><c>report.html</c>: one self-contained page (inline CSS, inline SVG, no script) with the plot and the tables.</summary>
internal static class HtmlReportWriter
{
    public static string Write(RunReport report)
    {
        static string E(string s) => WebUtility.HtmlEncode(s);
        var sb = new StringBuilder();
        sb.Append("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>loadtool report</title>\n<style>\n");
        sb.Append("body{font-family:system-ui,sans-serif;margin:2em;color:#222}table{border-collapse:collapse;margin:.5em 0 1.5em}");
        sb.Append("th,td{border:1px solid #ccc;padding:3px 8px;text-align:right;font-variant-numeric:tabular-nums}th{background:#f4f4f4}");
        sb.Append("td:first-child,th:first-child{text-align:left}.PASS{color:#186a18;font-weight:bold}.FAIL{color:#b00;font-weight:bold}");
        sb.Append("code{background:#f4f4f4;padding:1px 4px}\n</style></head><body>\n");
        sb.Append("<h1>Load test report</h1>\n<ul>\n");
        sb.Append(CultureInfo.InvariantCulture, $"<li>started {report.StartedUtc:yyyy-MM-dd HH:mm:ss} UTC, wall {report.WallSeconds:0.0} s; {E(report.Machine)}</li>\n");
        sb.Append(CultureInfo.InvariantCulture, $"<li>{E(report.Settings.Mode)}: {E(TextReportWriter.Describe(report.Settings))}; {report.Settings.Rounds} round(s), targets alternated</li>\n");
        sb.Append(CultureInfo.InvariantCulture, $"<li>targets: {E(string.Join(", ", report.Targets.Select(t => $"{t.Name} = {t.Url}")))}</li>\n");
        sb.Append(CultureInfo.InvariantCulture, $"<li>command: <code>loadtool {E(report.Settings.CommandLine)}</code></li>\n");
        sb.Append(report.Settings.Mode == "closed"
            ? "<li>closed loop: latency is measured from each request's actual send time (a request is sent when the previous one on its connection finished)</li>\n</ul>\n"
            : "<li>latency is measured from each request's intended send time (no coordinated omission)</li>\n</ul>\n");
        sb.Append("<h2>Latency by percentile</h2>\n");
        sb.Append(SvgPercentilePlot.Render(report.Targets));
        sb.Append('\n');
        foreach (var t in ReportTables.Build(report))
        {
            sb.Append(CultureInfo.InvariantCulture, $"<h2>{E(t.Title)}</h2>\n<table>\n<tr>");
            foreach (var h in t.Headers)
            {
                sb.Append(CultureInfo.InvariantCulture, $"<th>{E(h)}</th>");
            }

            sb.Append("</tr>\n");
            foreach (var row in t.Rows)
            {
                sb.Append("<tr>");
                foreach (var c in row)
                {
                    var cls = c is "PASS" or "FAIL" ? $" class=\"{c}\"" : "";
                    sb.Append(CultureInfo.InvariantCulture, $"<td{cls}>{E(c)}</td>");
                }

                sb.Append("</tr>\n");
            }

            sb.Append("</table>\n");
        }

        sb.Append("</body></html>\n");
        return sb.ToString();
    }
}

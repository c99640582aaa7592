using System.Globalization;

namespace LoadTool.Reporting;

/// <summary><c>report.md</c>: the same tables as the terminal, as GitHub-flavoured Markdown.</summary>
internal static class MarkdownReportWriter
{
    public static string Write(RunReport report)
    {
        var w = new StringWriter(CultureInfo.InvariantCulture);
        w.WriteLine("# Load test report");
        w.WriteLine();
        w.WriteLine($"- started: {report.StartedUtc:yyyy-MM-dd HH:mm:ss} UTC, wall {report.WallSeconds.ToString("0.0", CultureInfo.InvariantCulture)} s");
        w.WriteLine($"- machine: {report.Machine}");
        w.WriteLine($"- load: {report.Settings.Mode}, {TextReportWriter.Describe(report.Settings)}, {report.Settings.Rounds} round(s) A B A B");
        w.WriteLine($"- requests: {report.Settings.Method} {string.Join(", ", report.Settings.Paths.Select(p => $"`{p}`"))}; identities {report.Settings.Identities}; bad {report.Settings.BadPercent.ToString(CultureInfo.InvariantCulture)}% ({string.Join(", ", report.Settings.BadKinds)})");
        w.WriteLine($"- targets: {string.Join(", ", report.Targets.Select(t => $"{t.Name} = {t.Url}"))}");
        w.WriteLine($"- command: `loadtool {report.Settings.CommandLine.Replace("`", "'", StringComparison.Ordinal)}`");
        w.WriteLine(report.Settings.Mode == "closed"
            ? "- closed loop: latency is measured from each request's actual send time; ms"
            : "- latency is measured from each request's intended send time (no coordinated omission); ms");
        foreach (var t in ReportTables.Build(report))
        {
            w.WriteLine();
            w.WriteLine($"## {t.Title}");
            w.WriteLine();
            w.WriteLine("| " + string.Join(" | ", t.Headers.Select(Escape)) + " |");
            w.WriteLine("|" + string.Concat(t.Headers.Select((_, i) => i == 0 ? "---|" : "---:|")));
            foreach (var row in t.Rows)
            {
                w.WriteLine("| " + string.Join(" | ", row.Select(Escape)) + " |");
            }
        }

        return w.ToString();
    }

    private static string Escape(string s) => s.Replace("|", "\\|", StringComparison.Ordinal);
}

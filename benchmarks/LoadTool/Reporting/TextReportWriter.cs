using System.Globalization;

namespace LoadTool.Reporting;

/// <summary>The end-of-run report for the terminal: aligned plain-text tables.</summary>
internal static class TextReportWriter
{
    public static void Write(RunReport report, TextWriter w)
    {
        w.WriteLine();
        w.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"loadtool: {report.Settings.Mode}, {Describe(report.Settings)}, {report.Settings.Rounds} round(s), wall {report.WallSeconds:F1}s"));
        foreach (var t in ReportTables.Build(report))
        {
            w.WriteLine();
            w.WriteLine(t.Title);
            var widths = t.Headers.Select((h, i) => Math.Max(h.Length, t.Rows.Count == 0 ? 0 : t.Rows.Max(r => r[i].Length))).ToArray();
            WriteRow(w, t.Headers, widths);
            WriteRow(w, [.. widths.Select(n => new string('-', n))], widths);
            foreach (var row in t.Rows)
            {
                WriteRow(w, row, widths);
            }
        }
    }

    public static string Describe(RunSettings s)
    {
        var load = s.Mode switch
        {
            "open" => string.Create(CultureInfo.InvariantCulture, $"{s.Rate} req/s"),
            "ramp" => string.Create(CultureInfo.InvariantCulture, $"{s.RateFrom} → {s.RateTo} req/s"),
            _ => string.Create(CultureInfo.InvariantCulture, $"concurrency {s.Concurrency}"),
        };
        var bound = s.Requests is { } n
            ? string.Create(CultureInfo.InvariantCulture, $"{n} requests")
            : string.Create(CultureInfo.InvariantCulture, $"{s.DurationSeconds}s");
        return string.Create(CultureInfo.InvariantCulture, $"{load}, warm-up {s.WarmupSeconds}s + {bound} per target and round");
    }

    private static void WriteRow(TextWriter w, string[] cells, int[] widths)
    {
        for (var i = 0; i < cells.Length; i++)
        {
            // Text columns (first two) left-aligned, numbers right-aligned.
            var left = i == 0 || !LooksNumeric(cells[i]);
            w.Write(left ? cells[i].PadRight(widths[i]) : cells[i].PadLeft(widths[i]));
            w.Write(i == cells.Length - 1 ? "" : "  ");
        }

        w.WriteLine();
    }

    private static bool LooksNumeric(string s) => s.Length > 0 && (char.IsAsciiDigit(s[0]) || s[0] is '+' or '-') && s != "-";
}

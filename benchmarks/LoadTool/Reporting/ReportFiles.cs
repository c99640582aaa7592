namespace LoadTool.Reporting;

/// <summary>Writes report.md, report.csv, report.json and report.html into a folder.</summary>
internal static class ReportFiles
{
    public static IReadOnlyList<string> WriteAll(RunReport report, string directory)
    {
        Directory.CreateDirectory(directory);
        var files = new (string Name, string Content)[]
        {
            ("report.md", MarkdownReportWriter.Write(report)),
            ("report.csv", CsvReportWriter.Write(report)),
            ("report.json", JsonReportWriter.Write(report)),
            ("report.html", HtmlReportWriter.Write(report)),
        };
        var paths = new List<string>();
        foreach (var (name, content) in files)
        {
            var path = Path.Combine(directory, name);
            File.WriteAllText(path, content);
            paths.Add(path);
        }

        return paths;
    }
}

namespace LoadTool.Reporting;

/// <summary>A titled table of strings: the shape the terminal, Markdown and HTML writers share.</summary>
internal sealed record ReportTable(string Title, string[] Headers, List<string[]> Rows, string? Note = null);

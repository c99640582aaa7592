using System.Text.Json;
using System.Text.Json.Serialization;

namespace LoadTool.Reporting;

/// <summary><c>report.json</c>: the whole <see cref="RunReport"/>, camelCase; <see cref="Read"/> reads it back.</summary>
internal static class JsonReportWriter
{
    public static readonly JsonSerializerOptions Options = new()
    {
        WriteIndented = true,
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,
    };

    public static string Write(RunReport report) => JsonSerializer.Serialize(report, Options);

    public static RunReport Read(string json)
        => JsonSerializer.Deserialize<RunReport>(json, Options) ?? throw new JsonException("empty report");
}

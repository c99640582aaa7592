using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;
using Gateway.Configuration;
using PolicyCore;
using PolicyCore.Model;

namespace Gateway.Hosting.Policy;

/// <summary>What every policy verb shares: the loaded config (policy, routes), the writers and the output mode.</summary>
internal sealed class PolicyToolContext
{
    private static readonly JsonSerializerOptions JsonOptions = new()
    {
        WriteIndented = true,
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    public PolicyToolContext(TextWriter output, TextWriter error, bool json)
    {
        Out = output;
        Err = error;
        Json = json;
    }

    public TextWriter Out { get; }
    public TextWriter Err { get; }
    public bool Json { get; }
    public LoadedConfig? Config { get; private set; }
    public PolicySet? Policy { get; private set; }
    public RouteTable Routes { get; private set; } = RouteTable.Empty;

    /// <summary>Loads the config and its policy (never writes: no dev key is created). False, with the diagnostics printed, on any error.</summary>
    public bool LoadConfig(string configFile)
    {
        var config = GatewayConfigLoader.Load(configFile);
        foreach (var d in config.Diagnostics)
        {
            Err.WriteLine(Relative(d.ToString()));
        }

        if (config.HasErrors || config.Policy is null)
        {
            Err.WriteLine($"error: cannot load {configFile}: fix the errors above (gateway validate shows them too)");
            return false;
        }

        Config = config;
        Policy = config.Policy;
        Routes = RouteTable.From(config);
        return true;
    }

    public void Adopt(PolicySet policy) => Policy = policy;

    public void WriteJson(JsonNode node) => Out.WriteLine(node.ToJsonString(JsonOptions));

    /// <summary>A path relative to the working directory when it lies under it (shorter, clickable), else as given.</summary>
    public static string Rel(string file)
    {
        try
        {
            var full = Path.GetFullPath(file);
            var rel = Path.GetRelativePath(Environment.CurrentDirectory, full);
            return rel.StartsWith("..", StringComparison.Ordinal) || Path.IsPathRooted(rel) ? full : rel;
        }
        catch (Exception ex) when (ex is ArgumentException or IOException or NotSupportedException)
        {
            return file;
        }
    }

    public static string Where(PolicyRule rule) => $"{Rel(rule.File)}:{rule.Line}:{rule.Column}";

    /// <summary>A diagnostic line with its file shown relative to the working directory when it lies under it.</summary>
    internal static string Relative(string diagnostic)
    {
        var cwd = Environment.CurrentDirectory.TrimEnd(Path.DirectorySeparatorChar) + Path.DirectorySeparatorChar;
        return diagnostic.StartsWith(cwd, StringComparison.Ordinal) ? diagnostic[cwd.Length..] : diagnostic;
    }
}

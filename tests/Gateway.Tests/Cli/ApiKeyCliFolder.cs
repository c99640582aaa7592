namespace Gateway.Tests.Cli;

/// <summary>A temp folder with a minimal config naming an API key store (in a sub-folder) and two routes.</summary>
internal sealed class ApiKeyCliFolder : IDisposable
{
    public ApiKeyCliFolder(string? maxLifetime = null, bool keysOn = true)
    {
        Dir = Directory.CreateTempSubdirectory("gw-apikey-cli-").FullName;
        Directory.CreateDirectory(Path.Combine(Dir, "keys"));
        var apiKeys = keysOn
            ? $$"""{ "StoreFile": "keys/apikeys.json"{{(maxLifetime is null ? "" : $", \"MaxLifetime\": \"{maxLifetime}\"")}} }"""
            : "{}";
        ConfigFile = Path.Combine(Dir, "gateway.json");
        File.WriteAllText(ConfigFile, $$"""
            {
              "Gateway": { "ApiKeys": {{apiKeys}} },
              "ReverseProxy": {
                "Routes": {
                  "payments": { "ClusterId": "c", "Match": { "Path": "/payments/{**rest}" } },
                  "invoices": { "ClusterId": "c", "Match": { "Path": "/invoices/{**rest}" } }
                },
                "Clusters": { "c": { "Destinations": { "d": { "Address": "http://127.0.0.1:1/" } } } }
              }
            }
            """);
        StoreFile = Path.Combine(Dir, "keys", "apikeys.json");
    }

    public string Dir { get; }

    public string ConfigFile { get; }

    public string StoreFile { get; }

    public void Dispose()
    {
        try
        {
            Directory.Delete(Dir, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}

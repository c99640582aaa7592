namespace Gateway.Tests.Unit.Configuration;

/// <summary>
/// A temporary folder holding a config file, a policy file and a JWKS file, deleted on dispose. The default texts have a
/// fixed layout (line numbers are listed beside <see cref="BaseConfig"/>) so tests can assert exact positions; tests
/// mutate them one line at a time with <see cref="Replace"/>.
/// </summary>
internal sealed class ConfigFolder : IDisposable
{
    // Line numbers matter: tests assert them. Keep each edit to a single line unless the test says otherwise.
    //  1 {
    //  2   "Gateway": {
    //  3     "Listen": {
    //  4       "Public": ...
    //  5       "Admin": ...
    //  7     "DevIssuer"
    //  8     "Issuers": [
    //  9       {                       (issuer 0 starts at column 7)
    // 10         "Name"                (issuer properties start at column 9)
    // 11         "Issuer"
    // 12         "Audiences"
    // 13         "JwksFile"
    // 14         "Algorithms"
    // 15         "ClockSkew"
    // 16         "MaxTokenLifetime"
    // 17         "RequiredClaims"
    // 18         "TrustDomains"
    // 19         "RefreshInterval"
    // 20       }
    // 22     "Policies"
    // 23     "Audit"
    // 24     "Forwarding"
    // 25     "TokenCache"
    // 27   "ReverseProxy": {
    // 28     "Routes": {
    // 29       "orders": {
    // 30         "ClusterId"
    // 33       "inventory": {
    // 38     "Clusters": {
    public const string BaseConfig = """
        {
          "Gateway": {
            "Listen": {
              "Public": "http://127.0.0.1:8080",
              "Admin": "http://127.0.0.1:9090"
            },
            "DevIssuer": { "Enabled": false },
            "Issuers": [
              {
                "Name": "main",
                "Issuer": "https://issuer.example",
                "Audiences": [ "gateway" ],
                "JwksFile": "jwks.json",
                "Algorithms": [ "ES256", "RS256" ],
                "ClockSkew": "00:00:30",
                "MaxTokenLifetime": "01:00:00",
                "RequiredClaims": [ "jti" ],
                "TrustDomains": [ "demo.local" ],
                "RefreshInterval": "00:01:00"
              }
            ],
            "Policies": [ "policies/default.yaml" ],
            "Audit": { "Sink": "stdout", "Capacity": 10000, "FullMode": "drop" },
            "Forwarding": { "StripHeaders": [ "X-User" ] },
            "TokenCache": { "MaxEntries": 100000 }
          },
          "ReverseProxy": {
            "Routes": {
              "orders": {
                "ClusterId": "demo",
                "Match": { "Path": "/orders/{**rest}" }
              },
              "inventory": {
                "ClusterId": "demo",
                "Match": { "Path": "/inventory/{**rest}" }
              }
            },
            "Clusters": {
              "demo": {
                "Destinations": {
                  "d1": { "Address": "http://127.0.0.1:5081/" }
                }
              }
            }
          }
        }

        """;

    //  1 version: 1
    //  2 rules:
    //  3   - id: frontend-reads-orders
    //  4     effect: allow
    //  5     match:
    //  6       routes: [orders]
    //  7       methods: [GET]
    //  8     when:
    //  9       spiffe_ids: [...]
    public const string BasePolicy = """
        version: 1
        rules:
          - id: frontend-reads-orders
            effect: allow
            match:
              routes: [orders]
              methods: [GET]
            when:
              spiffe_ids: ["spiffe://demo.local/ns/shop/sa/frontend"]

        """;

    public ConfigFolder()
    {
        Directory = Path.Combine(Path.GetTempPath(), "gateway-unit-" + Guid.NewGuid().ToString("N"));
        System.IO.Directory.CreateDirectory(Path.Combine(Directory, "policies"));
        Config = BaseConfig;
        File.WriteAllText(PolicyFile, BasePolicy);
        File.WriteAllText(Path.Combine(Directory, "jwks.json"), """{"keys":[]}""");
    }

    public string Directory { get; }

    public string ConfigFile => Path.Combine(Directory, "gateway.json");

    public string PolicyFile => Path.Combine(Directory, "policies", "default.yaml");

    /// <summary>The config text <see cref="Write"/> will write.</summary>
    public string Config { get; set; }

    /// <summary>Replaces one exact, unique piece of the config text.</summary>
    public ConfigFolder Replace(string oldText, string newText)
    {
        var first = Config.IndexOf(oldText, StringComparison.Ordinal);
        if (first < 0 || Config.IndexOf(oldText, first + 1, StringComparison.Ordinal) >= 0)
        {
            throw new InvalidOperationException($"'{oldText}' must occur exactly once in the config");
        }

        Config = Config.Replace(oldText, newText, StringComparison.Ordinal);
        return this;
    }

    public string Write()
    {
        File.WriteAllText(ConfigFile, Config);
        return ConfigFile;
    }

    public void Dispose()
    {
        try
        {
            System.IO.Directory.Delete(Directory, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}

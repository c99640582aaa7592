using System.Text.Json.Nodes;
using IOFile = System.IO.File;

namespace Gateway.Tests.Cli;

/// <summary>
/// A copy of the shipped config/gateway.json in a temp folder, with the dev issuer disabled (so nothing writes a key
/// to ../.dev) and the JWKS file a dummy; policy files default to the shipped config/policies/default.yaml.
/// </summary>
internal sealed class CliConfig : IDisposable
{
    public CliConfig(params string[] policyYaml)
    {
        Dir = Directory.CreateTempSubdirectory("gw-policy-cli-").FullName;
        IOFile.WriteAllText(Path.Combine(Dir, "jwks.json"), """{ "keys": [] }""");
        var policies = new JsonArray();
        if (policyYaml.Length == 0)
        {
            policies.Add(CliRun.RepoFile("config", "policies", "default.yaml"));
        }

        for (var i = 0; i < policyYaml.Length; i++)
        {
            var name = $"policy{i}.yaml";
            IOFile.WriteAllText(Path.Combine(Dir, name), policyYaml[i]);
            policies.Add(name);
        }

        var config = JsonNode.Parse(IOFile.ReadAllText(CliRun.RepoFile("config", "gateway.json")))!;
        config["Gateway"]!["DevIssuer"]!["Enabled"] = false;
        config["Gateway"]!["Issuers"]![0]!["JwksFile"] = "jwks.json";
        config["Gateway"]!["Policies"] = policies;
        ConfigFile = Path.Combine(Dir, "gateway.json");
        IOFile.WriteAllText(ConfigFile, config.ToJsonString());
    }

    public string Dir { get; }

    public string ConfigFile { get; }

    public string Write(string name, string text)
    {
        var path = Path.Combine(Dir, name);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        IOFile.WriteAllText(path, text);
        return path;
    }

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

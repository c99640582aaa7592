using System.Net;
using System.Net.Sockets;
using System.Text.Json.Nodes;

namespace Gateway.Tests.Cli;

[Collection("Console")]
public sealed class RunVerbTests
{
    [Fact]
    public async Task Run_PortAlreadyInUse_OneClearLineAndExitCode1_NotACrash()
    {
        using var config = new CliConfig();
        using var busy = new TcpListener(IPAddress.Loopback, 0);
        busy.Start();
        var port = ((IPEndPoint)busy.LocalEndpoint).Port;
        var json = JsonNode.Parse(File.ReadAllText(config.ConfigFile))!;
        json["Gateway"]!["Listen"]!["Public"] = $"http://127.0.0.1:{port}";
        json["Gateway"]!["Listen"]!["Admin"] = $"http://127.0.0.1:{Integration.Ports.Free()}";
        File.WriteAllText(config.ConfigFile, json.ToJsonString());

        var (exit, _, error) = await CliRun.RunAsync("run", "--config", config.ConfigFile);

        Assert.Equal(1, exit);
        Assert.Contains($"the gateway could not start: Failed to bind to address http://127.0.0.1:{port}: address already in use", error);
        Assert.Contains("change Gateway.Listen", error);
    }
}

using System.Net;
using System.Text.Json.Nodes;
using Gateway.Hosting;

namespace Gateway.Tests.Integration;

/// <summary>YARP's cluster settings behind the gateway's identity and policy stages (load balancing, passive health
/// checks, request timeouts), and forwarding errors mapped to problem+json and audited.</summary>
public sealed class ClusterBehaviourTests : OneIssuerTests
{
    /// <summary>The test gateway's cluster with its own upstream as d1 and <paramref name="second"/> as d2.</summary>
    private static Action<JsonObject> TwoDestinations(string second, Action<JsonObject> cluster) => c =>
    {
        var upstream = c["ReverseProxy"]!["Clusters"]!["upstream"]!.AsObject();
        var first = upstream["Destinations"]!["d1"]!["Address"]!.ToString();
        upstream["Destinations"] = new JsonObject
        {
            ["d1"] = new JsonObject { ["Address"] = first },
            ["d2"] = new JsonObject { ["Address"] = second },
        };
        cluster(upstream);
    };

    [Fact]
    public async Task LoadBalancingPolicy_RoundRobin_AlternatesBetweenDestinations()
    {
        var port2 = Ports.Free();
        var served2 = 0;
        await using var second = DemoUpstream.Build(IPAddress.Loopback, port2, _ => Interlocked.Increment(ref served2));
        await second.StartAsync();
        await using var gw = await TestGateway.StartAsync(Issuers(),
            tweak: TwoDestinations($"http://127.0.0.1:{port2}/", cluster => cluster["LoadBalancingPolicy"] = "RoundRobin"));

        for (var i = 0; i < 10; i++)
        {
            using var r = await gw.GetAsync("/payments/" + i, Token());
            Assert.Equal(200, (int)r.StatusCode);
        }

        Assert.Equal(5, Volatile.Read(ref served2));
        Assert.Equal(5, gw.UpstreamRequests.Count);
    }

    [Fact]
    public async Task PassiveHealthCheck_DeadDestinationIsTakenOutOfRotation()
    {
        // d2 refuses connections. Without YARP's passive health stage every other request would fail for ever; with
        // it, d2 is marked unhealthy once its failure rate passes the policy's limit, and the rest go to d1.
        var dead = Ports.Free();
        await using var gw = await TestGateway.StartAsync(Issuers(), tweak: TwoDestinations($"http://127.0.0.1:{dead}/", cluster =>
        {
            cluster["LoadBalancingPolicy"] = "RoundRobin";
            cluster["HealthCheck"] = new JsonObject
            {
                ["Passive"] = new JsonObject { ["Enabled"] = true, ["Policy"] = "TransportFailureRate", ["ReactivationPeriod"] = "00:05:00" },
            };
        }));

        var statuses = new List<int>();
        for (var i = 0; i < 40; i++)
        {
            using var r = await gw.GetAsync("/payments/" + i, Token());
            statuses.Add((int)r.StatusCode);
            if ((int)r.StatusCode == 502)
            {
                await ProblemAssert.IsProblemAsync(r, 502, "upstream_unreachable");
            }
        }

        Assert.Contains(502, statuses);
        Assert.All(statuses.TakeLast(15), s => Assert.Equal(200, s));
    }

    [Fact]
    public async Task ActivityTimeout_504Problem_AuditedAsUpstreamTimeout()
    {
        var port2 = Ports.Free();
        await using var slow = DemoUpstream.Build(IPAddress.Loopback, port2, _ => Thread.Sleep(3000));
        await slow.StartAsync();
        await using var gw = await TestGateway.StartAsync(Issuers(), tweak: c =>
        {
            var upstream = c["ReverseProxy"]!["Clusters"]!["upstream"]!.AsObject();
            upstream["Destinations"] = new JsonObject { ["d1"] = new JsonObject { ["Address"] = $"http://127.0.0.1:{port2}/" } };
            upstream["HttpRequest"] = new JsonObject { ["ActivityTimeout"] = "00:00:00.300" };
        });

        using var r = await gw.GetAsync("/payments/slow", Token());

        await ProblemAssert.IsProblemAsync(r, 504, "upstream_timeout");
        await gw.WaitUntilAsync(() => Task.FromResult(gw.Audit.Lines.Any(l => l.Contains("/payments/slow"))), "audit");
        var line = gw.Audit.Lines.First(l => l.Contains("/payments/slow"));
        Assert.Contains("\"decision\":\"upstream_error\"", line);
        Assert.Contains("\"reason\":\"upstream_timeout\"", line);
        Assert.Contains("\"status\":504", line);
    }
}


namespace Gateway.Tests.Integration;

public sealed class ReloadAndUpstreamTests : OneIssuerTests
{
    [Fact]
    public async Task BadPolicyReload_OldPolicyKeepsServing_ThenGoodReloadApplies()
    {
        await using var gw = await TestGateway.StartAsync(Issuers());
        using (var r = await gw.GetAsync("/payments/1", Token()))
        {
            Assert.Equal(200, (int)r.StatusCode);
        }

        // A broken file: syntax error. Must be refused, counted, and change nothing.
        await File.WriteAllTextAsync(gw.PolicyFile, "version: 1\nrules:\n  - id: [unclosed\n");
        await gw.WaitUntilAsync(async () => (await gw.MetricsAsync()).Contains("gateway_policy_reload_total{outcome=\"failure\"}"), "reload failure counted");
        using (var r = await gw.GetAsync("/payments/1", Token()))
        {
            Assert.Equal(200, (int)r.StatusCode);
        }

        // A semantically bad file (valid YAML, invalid policy) is refused too.
        await File.WriteAllTextAsync(gw.PolicyFile, "version: 1\nrules:\n  - id: x\n    effect: maybe\n");
        await gw.WaitUntilAsync(async () => (await gw.MetricsAsync()).Contains("gateway_policy_reload_total{outcome=\"failure\"} 2"),
            "second reload failure counted");
        using (var r = await gw.GetAsync("/payments/1", Token()))
        {
            Assert.Equal(200, (int)r.StatusCode);
        }

        // A good file replaces the policy: now payments is denied to everyone.
        await File.WriteAllTextAsync(gw.PolicyFile, """
            version: 1
            rules:
              - id: only-admin
                effect: allow
                match:
                  routes: [admin]
                when:
                  trust_domains: [example.org]
            """);
        await gw.WaitUntilAsync(async () =>
        {
            using var r = await gw.GetAsync("/payments/1", Token());
            return (int)r.StatusCode == 403;
        }, "new policy applied");
        Assert.Contains("gateway_policy_reload_total{outcome=\"success\"}", await gw.MetricsAsync());
    }

    [Fact]
    public async Task UpstreamDown_502ProblemQuickly()
    {
        await using var gw = await TestGateway.StartAsync(Issuers(), startUpstream: false);
        var started = DateTime.UtcNow;
        using var r = await gw.GetAsync("/payments/1", Token());
        await ProblemAssert.IsProblemAsync(r, 502, "upstream_unreachable");
        Assert.True(DateTime.UtcNow - started < TimeSpan.FromSeconds(5));
    }

    [Fact]
    public async Task PolicyFileMissingAtStart_ConfigRefusedWithPosition()
    {
        var dir = Path.Combine(Path.GetTempPath(), "gw-bad-" + Guid.NewGuid().ToString("N")[..8]);
        Directory.CreateDirectory(dir);
        try
        {
            var file = Path.Combine(dir, "gateway.json");
            await File.WriteAllTextAsync(file, """
                {
                  "Gateway": {
                    "Issuers": [ { "Name": "a", "Issuer": "https://a", "Audiences": [], "JwksUrl": "http://127.0.0.1:1/jwks", "Algorithms": [ "none" ] } ],
                    "Policies": [ "missing.yaml" ]
                  },
                  "ReverseProxy": { "Routes": { "r": { "ClusterId": "nope", "Match": { "Path": "/{**x}" } } }, "Clusters": {} }
                }
                """);
            var config = Gateway.Configuration.GatewayConfigLoader.Load(file);
            Assert.True(config.HasErrors);
            var messages = config.Diagnostics.Select(d => d.ToString()).ToList();
            Assert.Contains(messages, m => m.Contains("gateway.json:3:") && m.Contains("audience"));
            Assert.Contains(messages, m => m.Contains("gateway.json:3:") && m.Contains("'none'"));
            Assert.Contains(messages, m => m.Contains("plain HTTP"));
            Assert.Contains(messages, m => m.Contains("gateway.json:4:") && m.Contains("missing.yaml"));
            Assert.Contains(messages, m => m.Contains("gateway.json:6:") && m.Contains("'nope'"));
            Assert.Throws<InvalidOperationException>(() => Gateway.Hosting.GatewayHost.Build(config));
        }
        finally
        {
            Directory.Delete(dir, true);
        }
    }
}

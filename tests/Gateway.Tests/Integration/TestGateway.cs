using System.Collections.Concurrent;
using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;
using Gateway.Configuration;
using Gateway.Hosting;
using Microsoft.AspNetCore.Builder;

namespace Gateway.Tests.Integration;

/// <summary>
/// The real gateway on Kestrel at 127.0.0.1 (ephemeral ports), in front of a real upstream, configured from a real
/// config file and policy file written to a temporary folder.
/// </summary>
internal sealed class TestGateway : IAsyncDisposable
{
    public const string Issuer = "https://issuer.example.org";
    public const string DefaultPolicy = """
        version: 1
        rules:
          - id: payments-allow
            effect: allow
            match:
              routes: [payments]
              paths: ["/payments/**"]
            when:
              spiffe_ids: ["spiffe://example.org/ns/payments/sa/*"]
          - id: admin-allow-example
            effect: allow
            match:
              routes: [admin]
              paths: ["/admin/**"]
            when:
              trust_domains: [example.org]
          - id: admin-secrets-deny
            effect: deny
            match:
              routes: [admin]
              paths: ["/admin/secrets/**"]
            when:
              trust_domains: [example.org]
        """;

    private WebApplication? _gateway;
    private WebApplication? _upstream;

    private TestGateway(string dir) => Directory = dir;

    public string Directory { get; }
    public string ConfigFile => Path.Combine(Directory, "gateway.json");
    public string PolicyFile => Path.Combine(Directory, "policy.yaml");
    public int PublicPort { get; private set; }
    public int AdminPort { get; private set; }
    public int UpstreamPort { get; private set; }
    public HttpClient Client { get; } = new(new SocketsHttpHandler { UseProxy = false, AllowAutoRedirect = false }) { Timeout = TimeSpan.FromSeconds(20) };
    public AuditCapture Audit { get; } = new();
    /// <summary>The running gateway's services.</summary>
    public IServiceProvider Services => _gateway!.Services;
    /// <summary>Every request the upstream received: method, path, headers.</summary>
    public ConcurrentQueue<UpstreamRequest> UpstreamRequests { get; } = new();
    public LoadedConfig? Config { get; private set; }

    public sealed record UpstreamRequest(string Method, string Path, string RawTarget, Dictionary<string, string> Headers);

    /// <summary>Starts upstream and gateway. <paramref name="issuers"/> is the JSON array of issuer objects.</summary>
    public static async Task<TestGateway> StartAsync(JsonArray issuers, string? policy = null, Action<JsonObject>? tweak = null,
        bool startUpstream = true, bool waitForKeys = true, TimeProvider? time = null)
    {
        var dir = Path.Combine(Path.GetTempPath(), "gw-test-" + Guid.NewGuid().ToString("N")[..12]);
        System.IO.Directory.CreateDirectory(dir);
        var gw = new TestGateway(dir)
        {
            PublicPort = Ports.Free(),
            AdminPort = Ports.Free(),
            UpstreamPort = Ports.Free(),
        };
        await File.WriteAllTextAsync(gw.PolicyFile, policy ?? DefaultPolicy);
        var config = new JsonObject
        {
            ["Gateway"] = new JsonObject
            {
                ["Listen"] = new JsonObject
                {
                    ["Public"] = $"http://127.0.0.1:{gw.PublicPort}",
                    ["Admin"] = $"http://127.0.0.1:{gw.AdminPort}",
                },
                ["Issuers"] = issuers,
                ["Policies"] = new JsonArray("policy.yaml"),
                ["Forwarding"] = new JsonObject { ["StripHeaders"] = new JsonArray("X-User") },
            },
            ["ReverseProxy"] = new JsonObject
            {
                ["Routes"] = new JsonObject
                {
                    ["payments"] = Route("/payments/{**rest}"),
                    ["admin"] = Route("/admin/{**rest}"),
                    ["other"] = Route("/{**rest}", order: 100),
                },
                ["Clusters"] = new JsonObject
                {
                    ["upstream"] = new JsonObject
                    {
                        ["Destinations"] = new JsonObject
                        {
                            ["d1"] = new JsonObject { ["Address"] = $"http://127.0.0.1:{gw.UpstreamPort}/" },
                        },
                    },
                },
            },
        };
        tweak?.Invoke(config);
        await File.WriteAllTextAsync(gw.ConfigFile, config.ToJsonString(new JsonSerializerOptions { WriteIndented = true }));

        if (startUpstream)
        {
            gw._upstream = DemoUpstream.Build(IPAddress.Loopback, gw.UpstreamPort, ctx =>
            {
                var headers = ctx.Request.Headers.ToDictionary(h => h.Key, h => h.Value.ToString(), StringComparer.OrdinalIgnoreCase);
                var raw = ctx.Features.Get<Microsoft.AspNetCore.Http.Features.IHttpRequestFeature>()?.RawTarget ?? "";
                gw.UpstreamRequests.Enqueue(new UpstreamRequest(ctx.Request.Method, ctx.Request.Path.Value ?? "", raw, headers));
            });
            await gw._upstream.StartAsync();
        }

        gw.Config = GatewayConfigLoader.Load(gw.ConfigFile);
        Assert.False(gw.Config.HasErrors, string.Join("\n", gw.Config.Diagnostics));
        gw._gateway = GatewayHost.Build(gw.Config, new GatewayHostSettings
        {
            AuditSink = gw.Audit,
            LogLevel = Microsoft.Extensions.Logging.LogLevel.Warning,
            TimeProvider = time ?? TimeProvider.System,
        });
        await gw._gateway.StartAsync();
        if (waitForKeys)
        {
            await gw.WaitUntilAsync(async () => (await gw.Client.GetAsync(gw.AdminUrl("/readyz"))).IsSuccessStatusCode, "gateway ready");
        }

        return gw;
    }

    public static JsonObject IssuerJson(string name, string issuer, string keySourceKind, string keySource,
        Action<JsonObject>? tweak = null)
    {
        var o = new JsonObject
        {
            ["Name"] = name,
            ["Issuer"] = issuer,
            ["Audiences"] = new JsonArray("gateway"),
            [keySourceKind] = keySource,
            ["TrustDomains"] = new JsonArray("example.org"),
            ["RequiredClaims"] = new JsonArray("jti"),
            ["AllowInsecureHttp"] = true,
            ["RefreshInterval"] = "00:01:00",
            ["MinForcedRefreshInterval"] = "00:00:00.5",
        };
        tweak?.Invoke(o);
        return o;
    }

    private static JsonObject Route(string path, int? order = null)
    {
        var r = new JsonObject
        {
            ["ClusterId"] = "upstream",
            ["Match"] = new JsonObject { ["Path"] = path },
        };
        if (order is not null)
        {
            r["Order"] = order;
        }

        return r;
    }

    public string Url(string pathAndQuery) => $"http://127.0.0.1:{PublicPort}{pathAndQuery}";
    public string AdminUrl(string path) => $"http://127.0.0.1:{AdminPort}{path}";

    public async Task<HttpResponseMessage> GetAsync(string path, string? token, params (string Name, string Value)[] headers)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, Url(path));
        if (token is not null)
        {
            request.Headers.TryAddWithoutValidation("Authorization", "Bearer " + token);
        }

        foreach (var (n, v) in headers)
        {
            request.Headers.TryAddWithoutValidation(n, v);
        }

        return await Client.SendAsync(request);
    }

    public async Task<string> MetricsAsync() => await Client.GetStringAsync(AdminUrl("/metrics"));

    public async Task WaitUntilAsync(Func<Task<bool>> condition, string what, TimeSpan? timeout = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(15));
        while (DateTime.UtcNow < deadline)
        {
            if (await condition())
            {
                return;
            }

            await Task.Delay(100);
        }

        Assert.Fail("timed out waiting for: " + what);
    }

    public async ValueTask DisposeAsync()
    {
        if (_gateway is not null)
        {
            await _gateway.StopAsync();
            await _gateway.DisposeAsync();
        }

        if (_upstream is not null)
        {
            await _upstream.StopAsync();
            await _upstream.DisposeAsync();
        }

        Client.Dispose();
        try
        {
            System.IO.Directory.Delete(Directory, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}

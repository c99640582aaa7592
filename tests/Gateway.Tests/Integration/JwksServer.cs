using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace Gateway.Tests.Integration;

/// <summary>A real HTTP key server on 127.0.0.1: serves a JWKS (and an OIDC discovery document) that tests change,
/// and can be made to fail.</summary>
internal sealed class JwksServer : IAsyncDisposable
{
    private readonly WebApplication _app;
    private volatile string _jwks;
    private int _requests;

    public JwksServer(string jwks, string issuer)
    {
        _jwks = jwks;
        Port = Ports.Free();
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(k => k.Listen(IPAddress.Loopback, Port));
        _app = builder.Build();
        _app.Run(async context =>
        {
            Interlocked.Increment(ref _requests);
            if (Failing)
            {
                context.Response.StatusCode = 500;
                return;
            }

            context.Response.ContentType = "application/json";
            if (context.Request.Path == "/.well-known/openid-configuration")
            {
                await context.Response.WriteAsync(System.Text.Json.JsonSerializer.Serialize(new Dictionary<string, string>
                {
                    ["issuer"] = DiscoveryIssuer ?? issuer,
                    ["jwks_uri"] = Url + "/jwks.json",
                }));
                return;
            }

            await context.Response.WriteAsync(_jwks);
        });
    }

    public int Port { get; }
    public string Url => $"http://127.0.0.1:{Port}";
    public string JwksUrl => Url + "/jwks.json";
    public bool Failing { get; set; }
    public string? DiscoveryIssuer { get; set; }
    public int Requests => Volatile.Read(ref _requests);

    public void Publish(string jwks) => _jwks = jwks;

    public Task StartAsync() => _app.StartAsync();

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}

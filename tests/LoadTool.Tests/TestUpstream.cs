using System.Diagnostics;
using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace LoadTool.Tests;

/// <summary>A tiny Kestrel upstream on 127.0.0.1 (ephemeral port). It answers "ok" with a Server-Timing header, and can
/// stall (<see cref="ArmStall"/>): every request that arrives during the stall window waits until the window ends, like
/// a process frozen by a pause.</summary>
internal sealed class TestUpstream : IAsyncDisposable
{
    private readonly WebApplication _app;
    private long _stallStart = long.MaxValue;
    private long _stallEnd = long.MaxValue;
    private long _requests;

    private TestUpstream(WebApplication app) => _app = app;

    public Uri BaseUri { get; private set; } = null!;
    public long Requests => Interlocked.Read(ref _requests);

    /// <summary>Freezes the upstream for <paramref name="length"/>, starting <paramref name="after"/> from now.</summary>
    public void ArmStall(TimeSpan after, TimeSpan length)
    {
        var now = Stopwatch.GetTimestamp();
        Interlocked.Exchange(ref _stallEnd, now + (long)((after + length).TotalSeconds * Stopwatch.Frequency));
        Interlocked.Exchange(ref _stallStart, now + (long)(after.TotalSeconds * Stopwatch.Frequency));
    }

    public static async Task<TestUpstream> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(k => k.Listen(IPAddress.Loopback, 0));
        var app = builder.Build();
        var upstream = new TestUpstream(app);
        app.Run(async context =>
        {
            if (context.Request.Path == "/metrics")
            {
                // A Prometheus exposition for --watch-metric: the requests served so far (this endpoint excluded).
                await context.Response.WriteAsync($"# HELP test_requests_total Requests.\n# TYPE test_requests_total counter\ntest_requests_total{{kind=\"all\"}} {upstream.Requests}\n");
                return;
            }

            Interlocked.Increment(ref upstream._requests);
            var now = Stopwatch.GetTimestamp();
            var stallEnd = Interlocked.Read(ref upstream._stallEnd);
            if (now >= Interlocked.Read(ref upstream._stallStart) && now < stallEnd)
            {
                await Task.Delay(Stopwatch.GetElapsedTime(now, stallEnd));
            }

            context.Response.Headers["Server-Timing"] = "auth;dur=0.012, policy;dur=0.003, upstream;dur=0.410, total;dur=0.455";
            await context.Response.WriteAsync(context.Request.Path.StartsWithSegments("/forbidden") ? "forbidden but allowed" : "ok");
        });
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        upstream.BaseUri = new Uri(address.Replace("[::]", "127.0.0.1", StringComparison.Ordinal));
        return upstream;
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}

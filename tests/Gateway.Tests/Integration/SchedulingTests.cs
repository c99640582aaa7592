using System.Net;
using Gateway.Configuration;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Server.Kestrel.Transport.Sockets;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Gateway.Tests.Integration;

/// <summary>
/// <c>Listen.Scheduling</c>: requests on the socket's I/O thread (inline, the default) or handed to the thread pool.
/// Both must serve and refuse exactly alike, and inline must never let a request that waits (a slow upstream) hold
/// the I/O thread the other requests need. The real gateway on Kestrel, in front of a real upstream that holds one
/// path until the test releases it.
/// </summary>
public sealed class SchedulingTests : OneIssuerTests
{
    private sealed record Case(string Path, string? Token, int Status, string? Reason);

    /// <summary>An upstream that answers at once, except <c>/payments/slow</c>, which waits for <paramref name="gate"/>.</summary>
    private static async Task<WebApplication> StartUpstreamAsync(int port, TaskCompletionSource gate, TaskCompletionSource slowArrived)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(k => k.Listen(IPAddress.Loopback, port));
        var app = builder.Build();
        app.Run(async context =>
        {
            if (context.Request.Path == "/payments/slow")
            {
                slowArrived.TrySetResult();
                await gate.Task;
            }

            await context.Response.WriteAsync("upstream " + context.Request.Path + " for " + context.Request.Headers["X-Workload-Id"]);
        });
        await app.StartAsync();
        return app;
    }

    private async Task<TestGateway> StartGatewayAsync(string? scheduling, bool startUpstream = true)
        => await TestGateway.StartAsync(
            Issuers(),
            tweak: scheduling is null ? null : c => c["Gateway"]!["Listen"]!["Scheduling"] = scheduling,
            startUpstream: startUpstream);

    [Theory]
    [InlineData(null, true)]
    [InlineData("inline", true)]
    [InlineData("threadpool", false)]
    public async Task Scheduling_ReachesKestrel(string? scheduling, bool inline)
    {
        await using var gw = await StartGatewayAsync(scheduling);

        var transport = gw.Services.GetRequiredService<IOptions<SocketTransportOptions>>().Value;

        Assert.Equal(inline, transport.UnsafePreferInlineScheduling);
    }

    [Theory]
    [InlineData("inline")]
    [InlineData("threadpool")]
    public async Task ConcurrentMixOfGoodAndForgedTokens_EachAnsweredOnItsOwnMerits(string scheduling)
    {
        await using var gw = await StartGatewayAsync(scheduling, startUpstream: false);
        await using var upstream = await StartUpstreamAsync(gw.UpstreamPort, new TaskCompletionSource(), new TaskCompletionSource());
        var good = Token();
        var at = good.LastIndexOf('.') + 10;
        var forged = good[..at] + (good[at] == 'A' ? 'B' : 'A') + good[(at + 1)..];
        var otherWorkload = Token("spiffe://example.org/ns/reports/sa/batch");

        // 200 requests in flight at once over many connections: good, forged signature, no token, a workload the
        // policy does not allow, and a double-encoded path. Inline scheduling interleaves them on few I/O threads; no
        // answer may leak from one request into another.
        var cases = Enumerable.Range(0, 200).Select(i => (i % 5) switch
        {
            0 => new Case($"/payments/{i}", good, 200, null),
            1 => new Case($"/payments/{i}", forged, 401, "invalid_signature"),
            2 => new Case($"/payments/{i}", null, 401, "token_missing"),
            3 => new Case($"/payments/{i}", otherWorkload, 403, "no_matching_rule"),
            _ => new Case($"/payments/%252e%252e/admin/{i}", good, 400, "double_encoding"),
        }).ToArray();

        var responses = await Task.WhenAll(cases.Select(c => gw.GetAsync(c.Path, c.Token)));

        for (var i = 0; i < cases.Length; i++)
        {
            using var response = responses[i];
            if (cases[i].Status == 200)
            {
                Assert.Equal(200, (int)response.StatusCode);
                Assert.Equal($"upstream /payments/{i} for {Sub}", await response.Content.ReadAsStringAsync());
            }
            else
            {
                await ProblemAssert.IsProblemAsync(response, cases[i].Status, cases[i].Reason!);
            }
        }
    }

    [Theory]
    [InlineData("inline")]
    [InlineData("threadpool")]
    public async Task SlowUpstream_DoesNotHoldOtherRequests(string scheduling)
    {
        await using var gw = await StartGatewayAsync(scheduling, startUpstream: false);
        var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var slowArrived = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var upstream = await StartUpstreamAsync(gw.UpstreamPort, gate, slowArrived);
        var token = Token();

        var slow = gw.GetAsync("/payments/slow", token);
        await slowArrived.Task.WaitAsync(TimeSpan.FromSeconds(20));

        // While the slow request waits on its upstream, others are proxied and answered: the wait is asynchronous,
        // so no I/O thread is held. Were it held, these would never complete and the test would time out.
        var others = await Task.WhenAll(Enumerable.Range(0, 50).Select(i => gw.GetAsync($"/payments/fast{i}", token)))
            .WaitAsync(TimeSpan.FromSeconds(20));
        Assert.All(others, r => Assert.Equal(HttpStatusCode.OK, r.StatusCode));
        Assert.False(slow.IsCompleted);

        gate.SetResult();
        using var answer = await slow.WaitAsync(TimeSpan.FromSeconds(20));
        Assert.Equal(200, (int)answer.StatusCode);
        Assert.Equal($"upstream /payments/slow for {Sub}", await answer.Content.ReadAsStringAsync());
        foreach (var r in others)
        {
            r.Dispose();
        }
    }
}

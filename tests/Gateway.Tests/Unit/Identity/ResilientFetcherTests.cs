using System.Net;
using Gateway.Identity;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace Gateway.Tests.Unit.Identity;

/// <summary>The key-document fetch against a real HTTP server: at most 512 KiB is read, whether or not the server
/// declares a length, so a hostile or broken key server cannot make the gateway buffer an unbounded body.</summary>
public sealed class ResilientFetcherTests : IAsyncLifetime
{
    private const int Cap = 512 * 1024;
    private WebApplication _server = null!;
    private int _port;
    private int _bigChunkedBytesSent;

    public async Task InitializeAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(k => k.Listen(IPAddress.Loopback, 0));
        _server = builder.Build();
        _server.Run(async context =>
        {
            switch (context.Request.Path.Value)
            {
                case "/declared-too-big":
                    context.Response.ContentLength = Cap + 1;
                    await context.Response.Body.WriteAsync(new byte[Cap + 1]);
                    break;
                case "/chunked-too-big":
                    // No Content-Length: 64 MiB streamed in 64 KiB chunks, unless the client stops reading.
                    var chunk = new byte[64 * 1024];
                    for (var i = 0; i < 1024 && !context.RequestAborted.IsCancellationRequested; i++)
                    {
                        await context.Response.Body.WriteAsync(chunk, context.RequestAborted);
                        Interlocked.Add(ref _bigChunkedBytesSent, chunk.Length);
                    }

                    break;
                case "/exactly-the-cap":
                    var body = new byte[Cap];
                    Array.Fill(body, (byte)'a');
                    await context.Response.Body.WriteAsync(body);
                    break;
                case "/bom":
                    await context.Response.Body.WriteAsync("\uFEFF{\"keys\":[]}"u8.ToArray());
                    break;
            }
        });
        await _server.StartAsync();
        _port = new Uri(_server.Urls.First()).Port;
    }

    public async Task DisposeAsync() => await _server.DisposeAsync();

    private async Task<string> FetchAsync(string path)
    {
        using var http = new HttpClient(new SocketsHttpHandler { UseProxy = false });
        var fetcher = new ResilientFetcher(http, TimeSpan.FromSeconds(10));
        return await fetcher.GetStringAsync(new Uri($"http://127.0.0.1:{_port}{path}"), CancellationToken.None);
    }

    [Fact]
    public async Task DeclaredLengthOverTheCap_Refused()
    {
        var ex = await Assert.ThrowsAsync<InvalidDataException>(() => FetchAsync("/declared-too-big"));
        Assert.Contains("512 KiB", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task StreamedBodyOverTheCap_RefusedWithoutReadingItAll()
    {
        var ex = await Assert.ThrowsAsync<InvalidDataException>(() => FetchAsync("/chunked-too-big"));

        Assert.Contains("512 KiB", ex.Message, StringComparison.Ordinal);
        // The server had 64 MiB to send; the client stopped after the cap (plus what the socket buffers held).
        Assert.True(Volatile.Read(ref _bigChunkedBytesSent) < 32 * 1024 * 1024, $"{_bigChunkedBytesSent} bytes sent");
    }

    [Fact]
    public async Task BodyOfExactlyTheCap_Accepted()
    {
        var body = await FetchAsync("/exactly-the-cap");

        Assert.Equal(Cap, body.Length);
    }

    [Fact]
    public async Task Utf8ByteOrderMark_Skipped()
    {
        Assert.Equal("{\"keys\":[]}", await FetchAsync("/bom"));
    }
}

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
    private long _bytesRead;

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
        using var http = new HttpClient(new CountingHandler(this) { InnerHandler = new SocketsHttpHandler { UseProxy = false } });
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
        // The server had 64 MiB to send; the fetcher read one byte past the cap and stopped.
        Assert.InRange(Interlocked.Read(ref _bytesRead), Cap + 1, Cap + 1);
    }

    /// <summary>Counts the body bytes the fetcher actually reads (what the server wrote says nothing once the client
    /// has gone: its writes may still complete).</summary>
    private sealed class CountingHandler(ResilientFetcherTests owner) : DelegatingHandler
    {
        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            var response = await base.SendAsync(request, cancellationToken);
            var original = response.Content;
            var counted = new StreamContent(new CountingStream(await original.ReadAsStreamAsync(cancellationToken), owner));
            foreach (var h in original.Headers)
            {
                counted.Headers.TryAddWithoutValidation(h.Key, h.Value);
            }

            response.Content = counted;
            return response;
        }
    }

    private sealed class CountingStream(Stream inner, ResilientFetcherTests owner) : Stream
    {
        public override bool CanRead => true;
        public override bool CanSeek => false;
        public override bool CanWrite => false;
        public override long Length => throw new NotSupportedException();
        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

        public override int Read(byte[] buffer, int offset, int count) => Count(inner.Read(buffer, offset, count));

        public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
            => Count(await inner.ReadAsync(buffer, cancellationToken));

        public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken)
            => ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

        private int Count(int read)
        {
            Interlocked.Add(ref owner._bytesRead, read);
            return read;
        }

        public override void Flush() { }
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        protected override void Dispose(bool disposing)
        {
            if (disposing)
            {
                inner.Dispose();
            }

            base.Dispose(disposing);
        }
    }

    [Fact]
    public async Task BodyOfExactlyTheCap_Accepted()
    {
        var body = await FetchAsync("/exactly-the-cap");

        Assert.Equal(Cap, body.Length);
        Assert.Equal(Cap, Interlocked.Read(ref _bytesRead));
    }

    [Fact]
    public async Task Utf8ByteOrderMark_Skipped()
    {
        Assert.Equal("{\"keys\":[]}", await FetchAsync("/bom"));
    }
}

using System.Buffers;
using System.Diagnostics;
using System.Net;
using LoadTool.Timing;

namespace LoadTool.Load;

/// <summary>Sends the requests of a plan to one target over one pooled <see cref="SocketsHttpHandler"/> and records
/// each outcome. Request messages are cheap shells around precomputed URIs and header values.</summary>
internal sealed class TargetClient : IDisposable
{
    private readonly HttpClient _client;
    private readonly HttpMethod _method;
    private readonly KeyValuePair<string, string>[] _headers;
    private readonly RequestPlan _plan;
    private readonly TimeSpan _timeout;

    public TargetClient(string name, RequestPlan plan, string method, IEnumerable<KeyValuePair<string, string>> headers, int maxConnections, TimeSpan timeout)
    {
        Name = name;
        _plan = plan;
        _method = HttpMethod.Parse(method);
        _headers = [.. headers];
        _timeout = timeout;
        var handler = new SocketsHttpHandler
        {
            UseProxy = false,
            AllowAutoRedirect = false,
            UseCookies = false,
            AutomaticDecompression = DecompressionMethods.None,
            MaxConnectionsPerServer = Math.Max(1, maxConnections),
            PooledConnectionLifetime = Timeout.InfiniteTimeSpan,
            PooledConnectionIdleTimeout = TimeSpan.FromMinutes(5),
            ConnectTimeout = timeout,
        };
        _client = new HttpClient(handler, disposeHandler: true)
        {
            Timeout = Timeout.InfiniteTimeSpan,
            DefaultRequestVersion = HttpVersion.Version11,
            DefaultVersionPolicy = HttpVersionPolicy.RequestVersionExact,
        };
    }

    public string Name { get; }

    /// <summary>Sends request <paramref name="index"/> and records its latency from <paramref name="intendedTicks"/>
    /// (a Stopwatch timestamp) to the last byte of the body. Never throws.</summary>
    public async Task SendAsync(long index, long intendedTicks, PhaseRecorder recorder)
    {
        var slot = _plan.Get(index);
        using var cts = new CancellationTokenSource(_timeout);
        using var request = new HttpRequestMessage(_method, slot.Uri);
        foreach (var h in _headers)
        {
            request.Headers.TryAddWithoutValidation(h.Key, h.Value);
        }

        if (slot.Authorization is not null)
        {
            request.Headers.TryAddWithoutValidation("Authorization", slot.Authorization);
        }

        var buffer = ArrayPool<byte>.Shared.Rent(16 * 1024);
        try
        {
            using var response = await _client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cts.Token).ConfigureAwait(false);
            long bytes = 0;
            using (var body = await response.Content.ReadAsStreamAsync(cts.Token).ConfigureAwait(false))
            {
                int n;
                while ((n = await body.ReadAsync(buffer, cts.Token).ConfigureAwait(false)) > 0)
                {
                    bytes += n;
                }
            }

            var end = Stopwatch.GetTimestamp();
            recorder.RecordResponse((int)response.StatusCode, end - intendedTicks, bytes, slot.Bad, end);
            if (response.Headers.NonValidated.TryGetValues("Server-Timing", out var values))
            {
                var metrics = new List<ServerTimingMetric>(4);
                foreach (var v in values)
                {
                    ServerTimingParser.Parse(v, metrics);
                }

                recorder.RecordServerTiming(metrics);
            }
        }
        catch (Exception ex)
        {
            var end = Stopwatch.GetTimestamp();
            var kind = ex is OperationCanceledException && cts.IsCancellationRequested ? ErrorClassifier.Timeout : ErrorClassifier.Classify(ex);
            recorder.RecordError(kind, end - intendedTicks, slot.Bad, end);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    public RequestPlan Plan => _plan;

    public void Dispose() => _client.Dispose();

}

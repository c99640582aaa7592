using Polly;
using Polly.CircuitBreaker;
using Polly.Retry;
using Polly.Timeout;

namespace Gateway.Identity;

/// <summary>
/// Fetches small documents (JWKS, discovery) over HTTP through a Polly pipeline: a retry with exponential backoff and
/// jitter, a circuit breaker so a dead key endpoint is not hammered, and a timeout per attempt.
/// </summary>
internal sealed class ResilientFetcher
{
    private const int MaxDocumentBytes = 512 * 1024;
    private readonly HttpClient _http;
    private readonly ResiliencePipeline _pipeline;

    public ResilientFetcher(HttpClient http, TimeSpan attemptTimeout)
    {
        _http = http;
        var handle = new PredicateBuilder()
            .Handle<HttpRequestException>()
            .Handle<TimeoutRejectedException>()
            .Handle<IOException>();
        _pipeline = new ResiliencePipelineBuilder()
            .AddRetry(new RetryStrategyOptions
            {
                ShouldHandle = handle,
                MaxRetryAttempts = 2,
                Delay = TimeSpan.FromMilliseconds(200),
                BackoffType = DelayBackoffType.Exponential,
                UseJitter = true,
            })
            .AddCircuitBreaker(new CircuitBreakerStrategyOptions
            {
                ShouldHandle = handle,
                FailureRatio = 1.0,
                MinimumThroughput = 6,
                SamplingDuration = TimeSpan.FromSeconds(30),
                BreakDuration = TimeSpan.FromSeconds(10),
            })
            .AddTimeout(attemptTimeout)
            .Build();
    }

    /// <summary>GETs a key document (at most 512 KiB) and returns it on a thread-pool thread: with
    /// <c>Listen.Scheduling: inline</c> the read completes on an I/O event loop, and what the caller does next (parsing
    /// the JSON, importing keys, logging) must not run there.</summary>
    public async Task<string> GetStringAsync(Uri uri, CancellationToken cancellationToken)
    {
        var document = await _pipeline.ExecuteAsync(static async (state, ct) =>
        {
            using var response = await state.Http.GetAsync(state.Uri, HttpCompletionOption.ResponseHeadersRead, ct).ConfigureAwait(false);
            if (!response.IsSuccessStatusCode)
            {
                throw new HttpRequestException($"GET {state.Uri.GetLeftPart(UriPartial.Path)} returned {(int)response.StatusCode}", null, response.StatusCode);
            }

            if (response.Content.Headers.ContentLength > MaxDocumentBytes)
            {
                throw new InvalidDataException("key document larger than 512 KiB");
            }

            // Read at most the cap (+1 byte to notice more): a key server that streams without Content-Length
            // cannot make the gateway buffer an unbounded body.
            await using var stream = await response.Content.ReadAsStreamAsync(ct).ConfigureAwait(false);
            var buffer = new byte[MaxDocumentBytes + 1];
            var length = 0;
            int read;
            while (length < buffer.Length && (read = await stream.ReadAsync(buffer.AsMemory(length), ct).ConfigureAwait(false)) > 0)
            {
                length += read;
            }

            if (length > MaxDocumentBytes)
            {
                throw new InvalidDataException("key document larger than 512 KiB");
            }

            return Decode(buffer.AsSpan(0, length));
        }, (Http: _http, Uri: uri), cancellationToken).ConfigureAwait(false);
        await Task.Yield();   // no synchronization context here: the rest runs on the thread pool
        return document;
    }

    /// <summary>JSON documents are UTF-8 (RFC 8259); a byte order mark is skipped, invalid bytes are replaced and then
    /// fail JSON parsing.</summary>
    private static string Decode(ReadOnlySpan<byte> bytes)
        => System.Text.Encoding.UTF8.GetString(bytes.StartsWith("\uFEFF"u8) ? bytes[3..] : bytes);
}

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

    public async Task<string> GetStringAsync(Uri uri, CancellationToken cancellationToken)
    {
        return await _pipeline.ExecuteAsync(static async (state, ct) =>
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

            var body = await response.Content.ReadAsStringAsync(ct).ConfigureAwait(false);
            if (body.Length > MaxDocumentBytes)
            {
                throw new InvalidDataException("key document larger than 512 KiB");
            }

            return body;
        }, (Http: _http, Uri: uri), cancellationToken).ConfigureAwait(false);
    }
}

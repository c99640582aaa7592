using Gateway.Pipeline;
using Microsoft.AspNetCore.Http;
using Yarp.ReverseProxy.Forwarder;

namespace Gateway.Forwarding;

/// <summary>Maps YARP's forwarding errors to problem+json: 502 when the upstream cannot be reached or answers badly,
/// 504 when it times out, 503 when the cluster has no healthy destination; the client's own faults as 400 or 499.
/// Runs once the pipeline has returned (see <see cref="Audit.AuditMiddleware"/>).</summary>
internal static class UpstreamErrors
{
    /// <summary>Completed at once when forwarding succeeded; otherwise records the error and writes its response.</summary>
    public static Task MapAsync(HttpContext context, GatewayRequestFeature feature)
    {
        var error = context.Features.Get<IForwarderErrorFeature>();
        return error is null ? Task.CompletedTask : WriteAsync(context, feature, error);
    }

    private static async Task WriteAsync(HttpContext context, GatewayRequestFeature feature, IForwarderErrorFeature error)
    {
        // The client's own faults are not the upstream's: a request body the client broke off or sent malformed is a
        // 400, a client that went away is 499 (nothing is written), so the audit and the metrics blame the right side.
        var (status, reason) = error.Error switch
        {
            ForwarderError.RequestTimedOut => (StatusCodes.Status504GatewayTimeout, "upstream_timeout"),
            ForwarderError.NoAvailableDestinations => (StatusCodes.Status503ServiceUnavailable, "no_healthy_upstream"),
            ForwarderError.RequestCanceled or ForwarderError.RequestBodyCanceled or ForwarderError.ResponseBodyCanceled
                or ForwarderError.ResponseBodyClient or ForwarderError.UpgradeRequestCanceled or ForwarderError.UpgradeResponseCanceled
                or ForwarderError.UpgradeResponseClient => (499, "client_closed_request"),
            ForwarderError.RequestBodyClient or ForwarderError.UpgradeRequestClient => (StatusCodes.Status400BadRequest, "client_request_body_error"),
            _ => (StatusCodes.Status502BadGateway, "upstream_unreachable"),
        };
        feature.Outcome = status is 499 or StatusCodes.Status400BadRequest ? "client_error" : "upstream_error";
        feature.Reason = reason;
        if (status == StatusCodes.Status400BadRequest)
        {
            await ProblemResponses.WriteAsync(context, status, reason, "Bad request body",
                "The request body could not be read from the client (malformed or cut off).").ConfigureAwait(false);
        }
        else if (status != 499)
        {
            await ProblemResponses.WriteAsync(context, status, reason, "Upstream error",
                "The upstream service could not be reached or did not answer.").ConfigureAwait(false);
        }
    }
}

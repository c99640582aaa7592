using Gateway.Pipeline;
using Microsoft.AspNetCore.Http;
using Yarp.ReverseProxy.Forwarder;

namespace Gateway.Forwarding;

/// <summary>Maps YARP's forwarding errors to problem+json: 502 when the upstream cannot be reached or answers badly,
/// 504 when it times out, 503 when the cluster has no healthy destination. Runs after forwarding
/// (see <see cref="ProxyStagesMiddleware"/>).</summary>
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

        var (status, reason) = error.Error switch
        {
            ForwarderError.RequestTimedOut => (StatusCodes.Status504GatewayTimeout, "upstream_timeout"),
            ForwarderError.NoAvailableDestinations => (StatusCodes.Status503ServiceUnavailable, "no_healthy_upstream"),
            ForwarderError.RequestCanceled or ForwarderError.RequestBodyCanceled => (499, "client_closed_request"),
            _ => (StatusCodes.Status502BadGateway, "upstream_unreachable"),
        };
        feature.Outcome = "upstream_error";
        feature.Reason = reason;
        if (status != 499)
        {
            await ProblemResponses.WriteAsync(context, status, reason, "Upstream error",
                "The upstream service could not be reached or did not answer.").ConfigureAwait(false);
        }
    }
}

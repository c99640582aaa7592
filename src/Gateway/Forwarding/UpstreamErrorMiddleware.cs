using Gateway.Pipeline;
using Microsoft.AspNetCore.Http;
using Yarp.ReverseProxy.Forwarder;

namespace Gateway.Forwarding;

/// <summary>Maps YARP's forwarding errors to problem+json: 502 when the upstream cannot be reached or answers badly,
/// 504 when it times out, 503 when the cluster has no healthy destination.</summary>
internal sealed class UpstreamErrorMiddleware(RequestDelegate next)
{
    public async Task InvokeAsync(HttpContext context)
    {
        await next(context).ConfigureAwait(false);
        var error = context.Features.Get<IForwarderErrorFeature>();
        var feature = context.Features.Get<GatewayRequestFeature>()!;
        if (error is null)
        {
            return;
        }

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

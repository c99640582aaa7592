using Gateway.Forwarding;
using Microsoft.AspNetCore.Http;
using Yarp.ReverseProxy.Model;

namespace Gateway.Pipeline;

/// <summary>
/// The stages between route matching and the upstream, in one frame: authenticate (<see cref="AuthenticationStage"/>),
/// decide (<see cref="PolicyStage"/>), forward (YARP, the next delegate), then map a forwarding error to problem+json
/// (<see cref="UpstreamErrors"/>). A refusal at any stage ends the request there; nothing is forwarded without an
/// identity and an allow. One middleware instead of three: one async frame and one feature lookup per request.
/// </summary>
internal sealed class ProxyStagesMiddleware(RequestDelegate next, AuthenticationStage authentication, PolicyStage policy)
{
    public async Task InvokeAsync(HttpContext context)
    {
        var feature = context.Features.Get<GatewayRequestFeature>()!;
        var route = context.GetReverseProxyFeature().Route;
        feature.RouteId = route.Config.RouteId;

        if (!await authentication.RunAsync(context, feature).ConfigureAwait(false))
        {
            return;
        }

        if (policy.Run(context, feature, route) is { } refusal)
        {
            await refusal.ConfigureAwait(false);
            return;
        }

        await next(context).ConfigureAwait(false);
        await UpstreamErrors.MapAsync(context, feature).ConfigureAwait(false);
    }
}

using Microsoft.AspNetCore.Http;
using Yarp.ReverseProxy.Model;

namespace Gateway.Pipeline;

/// <summary>
/// The stages between route matching and the upstream: authenticate (<see cref="AuthenticationStage"/>), decide
/// (<see cref="PolicyStage"/>), then forward (YARP, the next delegate). A refusal at any stage ends the request there;
/// nothing is forwarded without an identity and an allow. A forwarding error is mapped to problem+json by
/// <see cref="Audit.AuditMiddleware"/> once the pipeline has returned.
/// <para>No async frame of its own when authentication completes at once (a cached token, an API key, a certificate):
/// the forwarding task is returned as it is, which saves an allocation per request on the hot path.</para>
/// </summary>
internal sealed class ProxyStagesMiddleware(RequestDelegate next, AuthenticationStage authentication, PolicyStage policy)
{
    public Task InvokeAsync(HttpContext context)
    {
        var feature = context.Features.Get<GatewayRequestFeature>()!;
        var route = context.GetReverseProxyFeature().Route;
        feature.RouteId = route.Config.RouteId;

        var authenticated = authentication.RunAsync(context, feature);
        if (!authenticated.IsCompletedSuccessfully)
        {
            return AuthenticateThenForwardAsync(authenticated, context, feature, route);
        }

        return authenticated.Result ? DecideThenForward(context, feature, route) : Task.CompletedTask;
    }

    private async Task AuthenticateThenForwardAsync(ValueTask<bool> authenticated, HttpContext context, GatewayRequestFeature feature, RouteModel route)
    {
        if (await authenticated.ConfigureAwait(false))
        {
            await DecideThenForward(context, feature, route).ConfigureAwait(false);
        }
    }

    /// <summary>The refusal's task when policy does not allow; otherwise the forwarding.</summary>
    private Task DecideThenForward(HttpContext context, GatewayRequestFeature feature, RouteModel route)
        => policy.Run(context, feature, route) ?? next(context);
}

using Gateway.Forwarding;
using Gateway.Observability;
using Gateway.Pipeline;
using Microsoft.AspNetCore.Http;

namespace Gateway.Audit;

/// <summary>Outermost stage of the public pipeline: opens the request's record, and after everything else has run,
/// counts the decision, times the request and hands one audit record to the background writer.</summary>
internal sealed class AuditMiddleware(RequestDelegate next, AuditWriter writer, GatewayMetrics metrics, TimeProvider time,
    Configuration.GatewayOptions options)
{
    private readonly bool _serverTiming = options.Observability.ServerTiming;

    public async Task InvokeAsync(HttpContext context)
    {
        var feature = new GatewayRequestFeature { StartTimestamp = time.GetTimestamp() };
        context.Features.Set(feature);
        if (_serverTiming)
        {
            context.Response.OnStarting(static state =>
            {
                var (ctx, f, clock) = ((HttpContext, GatewayRequestFeature, TimeProvider))state;
                ctx.Response.Headers["Server-Timing"] = ServerTiming.Format(f, clock);
                return Task.CompletedTask;
            }, (context, feature, time));
        }

        try
        {
            await next(context).ConfigureAwait(false);
            if (feature.Forwarded)
            {
                // Forwarded: a forwarding error (unreachable, timeout) becomes problem+json here, after the pipeline
                // has returned, so the stages in front of YARP need no async frame of their own.
                await UpstreamErrors.MapAsync(context, feature).ConfigureAwait(false);
            }
        }
        catch (Exception) when (!context.Response.HasStarted)
        {
            // Never a 500 with a stack trace, never an allow: an unexpected fault is a refusal with a reason.
            feature.Outcome = feature.Outcome == "allow" ? "error" : feature.Outcome;
            feature.Reason = "internal_error";
            await ProblemResponses.WriteAsync(context, StatusCodes.Status500InternalServerError, "internal_error",
                "Internal error", "The gateway could not handle this request.").ConfigureAwait(false);
        }
        finally
        {
            var elapsed = time.GetElapsedTime(feature.StartTimestamp);
            var route = feature.RouteId ?? "none";
            metrics.Decision(route, feature.Outcome, feature.Reason ?? "none").Inc();
            metrics.RequestDurationFor(route).Observe(elapsed.TotalSeconds);
            var id = feature.Identity;
            await writer.WriteAsync(new AuditRecord(
                time.GetUtcNow(),
                context.TraceIdentifier,
                id?.Id,
                id?.Issuer,
                id?.AuthMethod,
                id?.TokenId,
                id?.TokenHash ?? feature.Auth.TokenHash,
                feature.RouteId,
                context.Request.Method,
                context.Request.Host.Value ?? "",
                feature.CanonicalPath ?? RawTarget(context),
                feature.Outcome,
                feature.Decision?.RuleId,
                feature.Reason,
                context.Response.StatusCode,
                elapsed.TotalMilliseconds,
                context.Connection.RemoteIpAddress)
            {
                ShadowDecision = feature.Decision?.ShadowEffect switch
                {
                    PolicyCore.Model.Effect.Allow => "allow",
                    PolicyCore.Model.Effect.Deny => "deny",
                    _ => null,
                },
                ShadowRule = feature.Decision?.ShadowRuleId,
                UnevaluableRules = feature.Decision?.UnevaluableRuleCount ?? 0,
                UnevaluableRule = feature.Decision?.UnevaluableRuleId,
                RateLimitClass = feature.Decision?.Obligations?.RateLimitClass,
                Binding = id is null ? null : Identity.IdentityBindingExtensions.ToCode(id.Binding),
            }).ConfigureAwait(false);
        }
    }

    private static string RawTarget(HttpContext context)
    {
        var raw = context.Features.Get<Microsoft.AspNetCore.Http.Features.IHttpRequestFeature>()?.RawTarget ?? "";
        var q = raw.IndexOf('?');
        raw = q < 0 ? raw : raw[..q];
        return raw.Length > 256 ? raw[..256] : raw;
    }
}

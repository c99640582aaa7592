using Gateway.Observability;
using Microsoft.AspNetCore.Http;
using PolicyCore.Evaluation;
using PolicyCore.Model;
using Yarp.ReverseProxy.Model;

namespace Gateway.Pipeline;

/// <summary>
/// Decide: one policy snapshot, read once; (identity, route, host, method, canonical path, time, route labels) →
/// allow, or 403 problem+json with the deciding rule id and the reason code. The source address is not an input.
/// Runs after authentication (see <see cref="ProxyStagesMiddleware"/>).
/// </summary>
internal sealed class PolicyStage(PolicyStore store, GatewayMetrics metrics, TimeProvider time)
{
    /// <summary>Null when the request is allowed; otherwise the task writing its refusal (the request ends there).</summary>
    public Task? Run(HttpContext context, GatewayRequestFeature feature, RouteModel route)
    {
        feature.Request = context.Request;
        var start = time.GetTimestamp();

        Decision decision;
        try
        {
            var policyContext = new RequestContext(
                feature.Identity!.Policy,
                route.Config.RouteId,
                HostOf(context.Request),
                NormalizeMethod(context.Request.Method),
                feature.CanonicalPath!,
                time.GetUtcNow(),
                route.Config.Metadata,
                feature);
            decision = PolicyEvaluator.Evaluate(store.Current, policyContext);
        }
        catch (Exception)
        {
            // Fail closed: an evaluation bug denies, it never allows and never becomes a 500.
            decision = Decision.Unavailable;
        }

        feature.PolicySeconds = time.GetElapsedTime(start).TotalSeconds;
        metrics.PolicyDuration.Observe(feature.PolicySeconds);
        if (decision.ShadowEffect is { } shadow)
        {
            // Shadow rules are never enforced: counted and audited, so a rollout can be judged before it bites.
            metrics.Shadow(route.Config.RouteId, shadow == Effect.Allow ? "would_allow" : "would_deny", decision.ShadowFlipsEffect).Inc();
        }

        if (feature.AmbiguousAttribute is not null)
        {
            feature.Decision = decision;
            feature.Outcome = "reject";
            feature.Reason = "ambiguous_parameter";
            metrics.RejectedRequests.WithLabels("ambiguous_parameter").Inc();
            return ProblemResponses.WriteAsync(context, StatusCodes.Status400BadRequest, "ambiguous_parameter",
                "Ambiguous request", "A header or query parameter that policy reads is sent in a form that servers read differently (repeated, as a list, in another spelling, or with parser-specific query syntax).");
        }

        feature.Decision = decision;
        feature.Reason = decision.Reason.ToCode();

        if (!decision.IsAllowed)
        {
            feature.Outcome = "deny";
            var detail = decision.Reason switch
            {
                DecisionReason.PolicyUnavailable => "No policy is available to decide; the gateway fails closed.",
                DecisionReason.SenderConstraintRequired => "This request needs a credential bound to its holder: an mTLS client certificate (X.509-SVID), a certificate-bound token (RFC 8705) or a DPoP-bound token (RFC 9449). A plain bearer token or API key is not enough.",
                DecisionReason.DeniedByRule => "A deny rule matched this request.",
                _ => "No rule allows this request.",
            };
            return ProblemResponses.WriteAsync(context, StatusCodes.Status403Forbidden, feature.Reason, "Forbidden", detail,
                decision.Reason == DecisionReason.PolicyUnavailable ? null : decision.RuleId);
        }

        feature.Outcome = "allow";
        feature.UpstreamStartTimestamp = time.GetTimestamp();
        feature.Forwarded = true;
        return null;
    }

    /// <summary>The last Host header seen and its normalized name. A client sends the same Host on every request, and
    /// taking the name out of "name:port" is a new string each time; one entry, so hostile Host values cannot grow it.</summary>
    private sealed record HostEntry(string Raw, string Normalized);

    private HostEntry? _lastHost;

    private string HostOf(HttpRequest request)
    {
        var host = request.Host;
        var raw = host.Value ?? "";
        var last = Volatile.Read(ref _lastHost);
        if (last is not null && string.Equals(last.Raw, raw, StringComparison.Ordinal))
        {
            return last.Normalized;
        }

        var normalized = NormalizeHost(host.Host);
        Volatile.Write(ref _lastHost, new HostEntry(raw, normalized));
        return normalized;
    }

    private static string NormalizeHost(string host)
    {
        // "api.example.org." is the same name as "api.example.org": host rules must not be bypassed by a trailing dot.
        if (host.Length > 1 && host[^1] == '.')
        {
            host = host.TrimEnd('.');
        }

        foreach (var c in host)
        {
            if (char.IsAsciiLetterUpper(c))
            {
                return host.ToLowerInvariant();
            }
        }

        return host;
    }

    private static string NormalizeMethod(string method)
    {
        foreach (var c in method)
        {
            if (char.IsAsciiLetterLower(c))
            {
                return method.ToUpperInvariant();
            }
        }

        return method;
    }
}

using System.Collections.Frozen;
using Gateway.Configuration;
using Gateway.Observability;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;

namespace Gateway.Pipeline;

/// <summary>
/// First stage: one canonical path for everything after (routing, policy, upstream), and removal of every inbound
/// header that claims identity or network origin. Nothing the client says about where it comes from or who it is
/// survives this stage.
/// </summary>
internal sealed class HygieneMiddleware
{
    internal static readonly string[] ForwardingHeaders =
    [
        "Forwarded", "X-Forwarded-For", "X-Forwarded-Host", "X-Forwarded-Proto", "X-Forwarded-Prefix",
        "X-Forwarded-Port", "X-Forwarded-Server", "X-Forwarded-Ssl", "X-Forwarded-Scheme", "X-Forwarded-Uri",
        "X-Forwarded-Client-Cert", "X-Original-Forwarded-For", "X-Real-IP", "X-Client-IP", "True-Client-IP",
        "CF-Connecting-IP", "Fastly-Client-IP", "X-Cluster-Client-IP", "X-Original-URL", "X-Rewrite-URL",
        "X-Original-Host", "X-Host", "X-HTTP-Method-Override", "X-HTTP-Method", "X-Method-Override",
        "X-Client-Cert", "X-SSL-Client-Cert", "X-Remote-User", "Remote-User", "X-Authenticated-User",
        "SSL-Client-Cert", "X-ARR-ClientCert", "X-ARR-SSL", "X-Amzn-Oidc-Identity", "X-Amzn-Oidc-Data",
        "X-Amzn-Oidc-Accesstoken", "X-Auth-Request-User", "X-Auth-Request-Email", "X-Auth-Request-Access-Token",
        "X-Auth-Request-Groups", "X-Auth-Request-Preferred-Username", "X-Forwarded-User", "X-Forwarded-Email",
        "X-Forwarded-Groups", "X-Forwarded-Access-Token", "X-MS-CLIENT-PRINCIPAL", "X-MS-CLIENT-PRINCIPAL-NAME",
        "X-MS-CLIENT-PRINCIPAL-ID", "X-MS-CLIENT-PRINCIPAL-IDP", "X-Envoy-External-Address", "X-Envoy-Internal",
        "X-Envoy-Original-Path", "X-Goog-Authenticated-User-Email", "X-Goog-Authenticated-User-Id", "X-Userinfo",
    ];

    /// <summary>Every header with this prefix is the gateway's to set; inbound ones are dropped.</summary>
    public const string IdentityHeaderPrefix = "X-Workload-";

    private readonly RequestDelegate _next;
    private readonly FrozenSet<string> _strip;
    private readonly string _apiKeyHeader;
    private readonly int _maxPathLength;
    private readonly GatewayMetrics _metrics;

    public HygieneMiddleware(RequestDelegate next, GatewayOptions options, GatewayMetrics metrics)
    {
        _next = next;
        _metrics = metrics;
        _maxPathLength = options.Limits.MaxPathLength;
        var f = options.Forwarding;
        _strip = ForwardingHeaders
            .Concat(f.IdentityHeaders().Select(h => h.Name))
            .Concat(f.StripHeaders)
            .Where(h => !string.IsNullOrWhiteSpace(h))
            .ToFrozenSet(StringComparer.OrdinalIgnoreCase);
        // The one credential header whose name has a '-' (and so a '_' spelling CGI-style upstreams read as it);
        // "Authorization" and "DPoP" have none.
        _apiKeyHeader = options.ApiKeys.Header;
    }

    public Task InvokeAsync(HttpContext context)
    {
        var feature = context.Features.Get<GatewayRequestFeature>()!;
        var request = context.Request;

        if (HttpMethods.IsConnect(request.Method) || HttpMethods.IsTrace(request.Method))
        {
            return Reject(context, feature, StatusCodes.Status405MethodNotAllowed, "method_not_allowed", "Method not allowed",
                "CONNECT and TRACE are not forwarded.");
        }

        var raw = context.Features.Get<IHttpRequestFeature>()?.RawTarget ?? request.Path.Value ?? "";
        if (!PathCanonicalizer.TryCanonicalize(raw, _maxPathLength, out var path, out var reason, request.Path.Value))
        {
            return Reject(context, feature, StatusCodes.Status400BadRequest, reason, "Ambiguous or invalid request path",
                "The request path is refused rather than guessed at: send a plain, normalized path.");
        }

        if (!ReferenceEquals(path, request.Path.Value))
        {
            request.Path = new PathString(path);
        }

        feature.CanonicalPath = path;

        // Strip spoofable identity and forwarding headers. Copy the names first: we mutate while scanning.
        List<string>? remove = null;
        foreach (var header in request.Headers)
        {
            // CGI-style upstreams read "X_Workload_Id" and "X-Workload-Id" as the same variable: compare with '_' as '-'.
            var underscore = header.Key.Contains('_');
            var name = underscore ? header.Key.Replace('_', '-') : header.Key;
            if (_strip.Contains(name) || name.StartsWith(IdentityHeaderPrefix, StringComparison.OrdinalIgnoreCase)
                || (underscore && string.Equals(name, _apiKeyHeader, StringComparison.OrdinalIgnoreCase)))
            {
                // Credentials spelled with '_' are never read by the gateway and must never reach an upstream that
                // would read them as the real header.
                (remove ??= []).Add(header.Key);
            }
        }

        if (remove is not null)
        {
            foreach (var h in remove)
            {
                request.Headers.Remove(h);
            }
        }

        return _next(context);
    }

    private Task Reject(HttpContext context, GatewayRequestFeature feature, int status, string reason, string title, string detail)
    {
        feature.Outcome = "reject";
        feature.Reason = reason;
        _metrics.RejectedRequests.WithLabels(reason).Inc();
        return ProblemResponses.WriteAsync(context, status, reason, title, detail);
    }
}

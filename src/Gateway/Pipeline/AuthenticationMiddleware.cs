using Gateway.Identity;
using Gateway.Observability;
using Microsoft.AspNetCore.Http;
using Microsoft.Net.Http.Headers;
using Yarp.ReverseProxy.Model;

namespace Gateway.Pipeline;

/// <summary>
/// Credential → <see cref="WorkloadIdentity"/>, or 401 with <c>WWW-Authenticate: Bearer error="invalid_token"</c>
/// and a problem+json body naming the reason. Runs after route matching, before policy.
/// </summary>
internal sealed class AuthenticationMiddleware(RequestDelegate next, JwtAuthenticator authenticator, GatewayMetrics metrics, TimeProvider time)
{
    private readonly Prometheus.Histogram.Child _success = metrics.AuthDuration.WithLabels("success");
    private readonly Prometheus.Histogram.Child _failure = metrics.AuthDuration.WithLabels("failure");

    public async Task InvokeAsync(HttpContext context)
    {
        var feature = context.Features.Get<GatewayRequestFeature>()!;
        feature.RouteId = context.GetReverseProxyFeature().Route.Config.RouteId;
        var start = time.GetTimestamp();

        AuthResult result;
        var values = context.Request.Headers.Authorization;
        if (values.Count == 0)
        {
            result = AuthResult.Fail(AuthFailure.TokenMissing);
        }
        else if (values.Count > 1 || !TryGetBearer(values[0], out var token))
        {
            result = AuthResult.Fail(AuthFailure.MalformedToken);
        }
        else
        {
            try
            {
                result = await authenticator.AuthenticateAsync(token).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                // A fault while validating is a refusal, never a 500 and never an allow.
                result = AuthResult.Fail(AuthFailure.ValidationError);
            }
        }

        feature.AuthSeconds = time.GetElapsedTime(start).TotalSeconds;
        feature.Auth = result;
        (result.Succeeded ? _success : _failure).Observe(feature.AuthSeconds);

        if (!result.Succeeded)
        {
            var code = result.Failure.ToCode();
            feature.Outcome = "unauthenticated";
            feature.Reason = code;
            if (result.Failure == AuthFailure.KeysUnavailable)
            {
                // The credential may be fine; the gateway cannot check it yet. Fail closed, say so, invite a retry.
                context.Response.Headers.RetryAfter = "5";
                await ProblemResponses.WriteAsync(context, StatusCodes.Status503ServiceUnavailable, code,
                    "Identity verification unavailable", result.Failure.Describe()).ConfigureAwait(false);
                return;
            }

            context.Response.Headers[HeaderNames.WWWAuthenticate] =
                $"Bearer realm=\"gateway\", error=\"invalid_token\", error_description=\"{code}\"";
            await ProblemResponses.WriteAsync(context, StatusCodes.Status401Unauthorized, code, "Unauthenticated", result.Failure.Describe()).ConfigureAwait(false);
            return;
        }

        feature.Identity = result.Identity;
        await next(context).ConfigureAwait(false);
    }

    /// <summary><c>Bearer</c> (any case), one space, a token of token68 characters.</summary>
    private static bool TryGetBearer(string? value, out string token)
    {
        token = "";
        const string scheme = "Bearer ";
        if (value is null || value.Length <= scheme.Length || !value.StartsWith(scheme, StringComparison.OrdinalIgnoreCase))
        {
            return false;
        }

        var t = value.AsSpan(scheme.Length).Trim(' ');
        if (t.Length == 0 || t.IndexOf(' ') >= 0)
        {
            return false;
        }

        token = t.Length == value.Length - scheme.Length ? value[scheme.Length..] : t.ToString();
        return true;
    }
}

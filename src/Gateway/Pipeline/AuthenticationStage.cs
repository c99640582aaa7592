using Gateway.Identity;
using Gateway.Observability;
using Microsoft.AspNetCore.Http;
using Microsoft.Net.Http.Headers;

namespace Gateway.Pipeline;

/// <summary>
/// Credentials → <see cref="WorkloadIdentity"/>, or a refusal (401, or 503 when keys are unavailable) with a
/// problem+json body naming the reason. Runs after route matching, before policy (see <see cref="ProxyStagesMiddleware"/>).
/// The credential rules live in <see cref="CredentialAuthenticator"/>; this stage times them, records the outcome and
/// writes the refusal.
/// </summary>
internal sealed class AuthenticationStage(CredentialAuthenticator authenticator, GatewayMetrics metrics, TimeProvider time)
{
    private readonly Prometheus.Histogram.Child _success = metrics.AuthDuration.WithLabels("success");
    private readonly Prometheus.Histogram.Child _failure = metrics.AuthDuration.WithLabels("failure");

    /// <summary>True when the request carries a valid identity (now in <paramref name="feature"/>); otherwise the
    /// refusal has been written and the request ends here.</summary>
    public async ValueTask<bool> RunAsync(HttpContext context, GatewayRequestFeature feature)
    {
        var start = time.GetTimestamp();

        AuthResult result;
        CredentialKind kind;
        try
        {
            (result, kind) = await authenticator.AuthenticateAsync(context, feature.RouteId).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            // A fault while validating is a refusal, never a 500 and never an allow.
            (result, kind) = (AuthResult.Fail(AuthFailure.ValidationError), CredentialKind.Bearer);
        }

        feature.AuthSeconds = time.GetElapsedTime(start).TotalSeconds;
        feature.Auth = result;
        feature.Credential = kind;
        (result.Succeeded ? _success : _failure).Observe(feature.AuthSeconds);

        if (!result.Succeeded)
        {
            var code = result.Failure.ToCode();
            feature.Outcome = "unauthenticated";
            feature.Reason = code;
            if (result.Failure is AuthFailure.KeysUnavailable or AuthFailure.ReplayCacheUnavailable)
            {
                // The credential may be fine; the gateway cannot check it now. Fail closed, say so, invite a retry.
                context.Response.Headers.RetryAfter = "5";
                await ProblemResponses.WriteAsync(context, StatusCodes.Status503ServiceUnavailable, code,
                    "Identity verification unavailable", result.Failure.Describe()).ConfigureAwait(false);
                return false;
            }

            context.Response.Headers[HeaderNames.WWWAuthenticate] = authenticator.Challenge(kind, result.Failure, code);
            if (result.Failure == AuthFailure.DpopNonceRequired)
            {
                context.Response.Headers["DPoP-Nonce"] = authenticator.CurrentDpopNonce();
            }

            await ProblemResponses.WriteAsync(context, StatusCodes.Status401Unauthorized, code, "Unauthenticated", result.Failure.Describe()).ConfigureAwait(false);
            return false;
        }

        feature.Identity = result.Identity;
        return true;
    }
}

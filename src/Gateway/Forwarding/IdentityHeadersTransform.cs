using Gateway.Configuration;
using Gateway.Pipeline;
using Yarp.ReverseProxy.Transforms;

namespace Gateway.Forwarding;

/// <summary>
/// Adds the verified identity to the upstream request — only after verification, and only from the
/// <see cref="GatewayRequestFeature"/>; inbound headers of the same names were removed by hygiene. Removes the
/// client's credential unless the config asks to forward it.
/// </summary>
/// <param name="replaceExisting">Remove each identity header before setting it. Needed when something else may have
/// set a header of that name: the route's own transforms (config <c>Transforms</c>, which run before this one), or YARP
/// itself for a name outside the gateway's reserved <c>X-Workload-</c> prefix (e.g. an <c>X-Forwarded-*</c> name).
/// Otherwise the upstream request holds only what hygiene let through (every client spelling of these names is
/// stripped), and the removal (a header-name parse and a lookup per header, per request) is skipped.</param>
internal sealed class IdentityHeadersTransform(ForwardingOptions options, string apiKeyHeader, bool replaceExisting = true) : RequestTransform
{
    /// <summary>Every configured identity header name has the gateway's reserved prefix.</summary>
    public static bool AllReserved(ForwardingOptions o)
        => o.IdentityHeaders().All(h => string.IsNullOrEmpty(h.Name)
            || h.Name.StartsWith(Pipeline.HygieneMiddleware.IdentityHeaderPrefix, StringComparison.OrdinalIgnoreCase));

    public override ValueTask ApplyAsync(RequestTransformContext context)
    {
        var headers = context.ProxyRequest.Headers;
        var feature = context.HttpContext.Features.Get<GatewayRequestFeature>();

        // The client's Authorization travels only when asked, and only when it is the token the forwarded identity
        // came from: never an API key, never a token that lost to a client certificate (WhenBoth: certificate).
        if (!options.ForwardAuthorization || feature?.Credential is not (Identity.CredentialKind.Bearer or Identity.CredentialKind.Dpop))
        {
            headers.Remove("Authorization");
        }

        // Proofs and API keys are credentials for the gateway only: never forwarded (hygiene already dropped their
        // '_' spellings; checking the inbound headers first keeps the common request free of proxy-header lookups).
        var inbound = context.HttpContext.Request.Headers;
        if (inbound.ContainsKey("DPoP"))
        {
            headers.Remove("DPoP");
        }

        if (inbound.ContainsKey(apiKeyHeader))
        {
            headers.Remove(apiKeyHeader);
        }

        var id = feature?.Identity;
        if (id is null)
        {
            // Unreachable: the proxy pipeline refuses before forwarding. Defence in depth: never forward anonymously.
            throw new InvalidOperationException("forwarding without a verified identity");
        }

        Set(headers, options.SubjectHeader, id.Id, replaceExisting);
        Set(headers, options.IssuerHeader, id.Issuer, replaceExisting);
        Set(headers, options.AuthMethodHeader, id.AuthMethod, replaceExisting);
        if (id.Spiffe is { } spiffe)
        {
            Set(headers, options.TrustDomainHeader, spiffe.TrustDomain, replaceExisting);
        }

        if (id.TokenId is not null)
        {
            Set(headers, options.TokenIdHeader, id.TokenId, replaceExisting);
        }

        // Obligations of the allow rule: headers the policy asks the gateway to set upstream (names validated by
        // PolicyCore: never identity or framing headers). Any client-sent header of the same name is replaced.
        if (feature!.Decision?.Obligations is { Headers.Count: > 0 } obligations)
        {
            foreach (var (name, value) in obligations.Headers)
            {
                RemoveAllSpellings(headers, name);
                Set(headers, name, value, replace: false);
            }
        }

        return ValueTask.CompletedTask;
    }

    /// <summary>Removes the header and every client spelling of it with '_' for '-' (CGI-style upstreams merge them).</summary>
    private static void RemoveAllSpellings(System.Net.Http.Headers.HttpRequestHeaders headers, string name)
    {
        List<string>? twins = null;
        foreach (var header in headers)
        {
            if (header.Key.Contains('_') && string.Equals(header.Key.Replace('_', '-'), name, StringComparison.OrdinalIgnoreCase))
            {
                (twins ??= []).Add(header.Key);
            }
        }

        if (twins is not null)
        {
            foreach (var t in twins)
            {
                headers.Remove(t);
            }
        }

        headers.Remove(name);
    }

    /// <summary>Sets one header to exactly this value. <paramref name="replace"/>: remove any value already there first
    /// (false only when nothing else can have set it: hygiene stripped the client's spellings).</summary>
    private static void Set(System.Net.Http.Headers.HttpRequestHeaders headers, string name, string value, bool replace)
    {
        if (string.IsNullOrEmpty(name))
        {
            return;
        }

        // Defence in depth: authentication already refuses such values. Never put CR, LF or non-ASCII on the wire.
        foreach (var c in value)
        {
            if (c < 0x20 || c > 0x7E)
            {
                throw new InvalidOperationException("refusing to forward an identity header with unsafe characters");
            }
        }

        if (replace)
        {
            headers.Remove(name);
        }

        headers.TryAddWithoutValidation(name, value);
    }
}

using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;

namespace Gateway.Identity.Dpop;

/// <summary>
/// The URI the gateway itself received, as the client sent it: what a proof's <c>htu</c> must name. The path is the raw
/// (still escaped) path of the request target, not the canonical path hygiene produced: the client signed the URI it
/// used, so <c>/a/../b</c> is compared as <c>/a/../b</c>.
/// </summary>
internal readonly struct DpopTarget
{
    /// <param name="scheme"><c>http</c> or <c>https</c> (the listener's scheme).</param>
    /// <param name="host">The Host header (<c>:authority</c> for HTTP/2) value, with its port if it has one.</param>
    /// <param name="path">The raw, escaped path; a query, if any, is ignored.</param>
    public DpopTarget(string scheme, string host, string path)
    {
        _scheme = scheme;
        _host = host;
        _path = path;
    }

    private readonly string? _scheme;
    private readonly string? _host;
    private readonly string? _path;

    /// <summary>The scheme; "" for <c>default(DpopTarget)</c>, which no proof matches.</summary>
    public string Scheme => _scheme ?? "";

    public string Host => _host ?? "";

    public string Path => _path ?? "";

    /// <summary>The target of <paramref name="request"/>: the raw request target (origin-form or absolute-form) from
    /// <see cref="IHttpRequestFeature.RawTarget"/>, which path hygiene does not rewrite.</summary>
    public static DpopTarget FromRequest(HttpRequest request)
    {
        var raw = request.HttpContext.Features.Get<IHttpRequestFeature>()?.RawTarget;
        if (string.IsNullOrEmpty(raw))
        {
            raw = (request.PathBase + request.Path).ToUriComponent();
        }

        return new DpopTarget(request.Scheme, request.Host.Value ?? "", PathOf(raw));
    }

    /// <summary>The path of a request target: origin-form as is, absolute-form after its authority (Kestrel has
    /// already checked that the Host header names the same authority); the query is cut off.</summary>
    internal static string PathOf(string rawTarget)
    {
        var target = rawTarget.AsSpan();
        var query = target.IndexOfAny('?', '#');
        if (query >= 0)
        {
            target = target[..query];
        }

        if (target.Length > 0 && target[0] != '/')
        {
            var scheme = target.IndexOf("://", StringComparison.Ordinal);
            if (scheme > 0)
            {
                var rest = target[(scheme + 3)..];
                var slash = rest.IndexOf('/');
                target = slash < 0 ? "/" : rest[slash..];
            }
        }

        return target.Length == rawTarget.Length ? rawTarget : target.ToString();
    }
}

using Gateway.Identity;
using PolicyCore.Model;

namespace Gateway.Pipeline;

/// <summary>What the gateway learned about one request, stage by stage; read by the audit record and transforms.</summary>
internal sealed class GatewayRequestFeature : IRequestAttributes
{
    /// <summary>The request, for header and query conditions in policy (read in place, nothing copied).</summary>
    public Microsoft.AspNetCore.Http.HttpRequest? Request { get; set; }

    private static readonly char[] AmbiguousQueryChars = [';', '[', ']', '?'];

    public bool TryGetHeader(string name, out string? value)
    {
        value = null;
        if (Request is null || !Request.Headers.TryGetValue(name, out var values) || values.Count == 0)
        {
            return false;
        }

        // Sent twice, packed as a list in one line ("prod, canary": RFC 9110 makes the two forms equal, and upstreams
        // that take the first element disagree with policy), or also spelled with '_' (read as the same header by
        // CGI-style upstreams): policy and upstream could read different values, so the request is refused.
        if (values.Count > 1 || (values[0]?.Contains(',') ?? false) || HasUnderscoreTwin(name))
        {
            AmbiguousAttribute = "header " + name;
            return false;
        }

        value = values[0];
        return value is not null;
    }

    private bool HasUnderscoreTwin(string name)
    {
        foreach (var header in Request!.Headers)
        {
            if (header.Key.Contains('_')
                && string.Equals(header.Key.Replace('_', '-'), name.Replace('_', '-'), StringComparison.OrdinalIgnoreCase)
                && !string.Equals(header.Key, name, StringComparison.OrdinalIgnoreCase))
            {
                return true;
            }
        }

        return false;
    }

    public bool TryGetQuery(string name, out string? value)
    {
        value = null;
        if (Request is null)
        {
            return false;
        }

        // Query syntax that other parsers read differently from ASP.NET Core (';' as a separator, PHP/Rails arrays,
        // NUL truncation, a second '?'): refused when policy reads the query, so a deny on a parameter cannot be
        // dodged by spelling it for the upstream's parser only.
        var raw = Request.QueryString.Value;
        if (raw is not null && (raw.IndexOfAny(AmbiguousQueryChars, 1) >= 0
            || raw.Contains("%00", StringComparison.Ordinal)
            || raw.Contains("%5B", StringComparison.OrdinalIgnoreCase) || raw.Contains("%5D", StringComparison.OrdinalIgnoreCase)
            || raw.Contains("%3B", StringComparison.OrdinalIgnoreCase)))
        {
            AmbiguousAttribute = "query";
            return false;
        }

        if (!Request.Query.TryGetValue(name, out var values) || values.Count == 0)
        {
            return false;
        }

        // ASP.NET Core looks query names up ignoring case; many upstreams do not. Policy names are exact: a parameter
        // spelled in another case, or sent twice, is ambiguous and the request is refused after evaluation.
        var exact = 0;
        var other = false;
        foreach (var key in Request.Query.Keys)
        {
            if (string.Equals(key, name, StringComparison.Ordinal))
            {
                exact++;
            }
            else if (string.Equals(key, name, StringComparison.OrdinalIgnoreCase))
            {
                other = true;
            }
        }

        if (values.Count > 1 || other || exact != 1)
        {
            AmbiguousAttribute = "query parameter " + name;
            return false;
        }

        value = values[0];
        return value is not null;
    }

    /// <summary>Set when policy read a header or query parameter that the request sends more than once (or, for
    /// query parameters, in another letter case): policy and upstream could read different values, so the gateway
    /// refuses the request instead of guessing.</summary>
    public string? AmbiguousAttribute { get; private set; }

    public long StartTimestamp { get; init; }
    public string? CanonicalPath { get; set; }
    public string? RouteId { get; set; }
    public WorkloadIdentity? Identity { get; set; }
    public AuthResult Auth { get; set; }
    /// <summary>The credential the identity came from (decides whether <c>Authorization</c> may be forwarded).</summary>
    public CredentialKind Credential { get; set; }
    public Decision? Decision { get; set; }
    /// <summary>The reason code of the outcome: a rejection, an authentication failure, a decision, an upstream error.</summary>
    public string? Reason { get; set; }
    public string Outcome { get; set; } = "reject";
    public double AuthSeconds { get; set; }
    public double PolicySeconds { get; set; }
    /// <summary>When forwarding began (meaningful only when <see cref="Forwarded"/>).</summary>
    public long UpstreamStartTimestamp { get; set; }
    /// <summary>Authenticated and allowed: handed to YARP. Forwarding errors are mapped only then.</summary>
    public bool Forwarded { get; set; }
}

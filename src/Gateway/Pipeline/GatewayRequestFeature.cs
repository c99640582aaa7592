using Gateway.Identity;
using PolicyCore.Model;

namespace Gateway.Pipeline;

/// <summary>What the gateway learned about one request, stage by stage; read by the audit record and transforms.</summary>
internal sealed class GatewayRequestFeature : IRequestAttributes
{
    /// <summary>The request, for header and query conditions in policy (read in place, nothing copied).</summary>
    public Microsoft.AspNetCore.Http.HttpRequest? Request { get; set; }

    public bool TryGetHeader(string name, out string? value)
    {
        value = null;
        if (Request is null || !Request.Headers.TryGetValue(name, out var values) || values.Count == 0)
        {
            return false;
        }

        if (values.Count > 1)
        {
            AmbiguousAttribute = "header " + name;
            return false;
        }

        value = values[0];
        return value is not null;
    }

    public bool TryGetQuery(string name, out string? value)
    {
        value = null;
        if (Request is null || !Request.Query.TryGetValue(name, out var values) || values.Count == 0)
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
    public Decision? Decision { get; set; }
    /// <summary>The reason code of the outcome: a rejection, an authentication failure, a decision, an upstream error.</summary>
    public string? Reason { get; set; }
    public string Outcome { get; set; } = "reject";
    public double AuthSeconds { get; set; }
    public double PolicySeconds { get; set; }
    /// <summary>When forwarding began (0 when the request was not forwarded).</summary>
    public long UpstreamStartTimestamp { get; set; }
}

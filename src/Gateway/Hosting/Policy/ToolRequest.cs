using System.Globalization;
using PolicyCore.Model;

namespace Gateway.Hosting.Policy;

/// <summary>
/// A request as the policy tools describe it (test files, <c>explain</c> options, <c>diff --requests</c> lines): what
/// the user wrote, turned into a <see cref="RequestContext"/> the way the gateway would build it.
/// </summary>
internal sealed class ToolRequest
{
    public required string Subject { get; init; }
    public string? Issuer { get; init; }
    public string AuthMethod { get; init; } = "jwt";
    /// <summary>The credential is bound to its holder (mTLS, certificate-bound or DPoP token); always true for <c>mtls</c>.</summary>
    public bool SenderConstrained { get; init; }
    public string? SpiffeId { get; init; }
    public string? TrustDomain { get; init; }
    public Dictionary<string, List<string>> Claims { get; init; } = new(StringComparer.Ordinal);
    public string Method { get; init; } = "GET";
    public string? Host { get; init; }
    public required string Path { get; init; }
    public string? Route { get; init; }
    public Dictionary<string, string>? Labels { get; init; }
    public Dictionary<string, string> Headers { get; init; } = new(StringComparer.OrdinalIgnoreCase);
    public Dictionary<string, string> Query { get; init; } = new(StringComparer.Ordinal);
    public DateTimeOffset? Time { get; init; }

    /// <summary>Adds a claim value as a token would carry it: <c>scope</c>/<c>scp</c> strings are split on spaces.</summary>
    public static void AddClaim(Dictionary<string, List<string>> claims, string name, string value)
    {
        if (!claims.TryGetValue(name, out var list))
        {
            claims[name] = list = [];
        }

        if (name is "scope" or "scp")
        {
            list.AddRange(value.Split(' ', StringSplitOptions.RemoveEmptyEntries));
        }
        else
        {
            list.Add(value);
        }
    }

    public PolicyIdentity ToIdentity()
    {
        var spiffe = SpiffeId;
        var domain = TrustDomain;
        if (spiffe is null && Subject.StartsWith("spiffe://", StringComparison.Ordinal))
        {
            spiffe = Subject;
        }

        if (domain is null && spiffe is not null && spiffe.StartsWith("spiffe://", StringComparison.Ordinal))
        {
            var rest = spiffe["spiffe://".Length..];
            var slash = rest.IndexOf('/');
            domain = (slash < 0 ? rest : rest[..slash]).ToLowerInvariant();
        }

        var claims = new Dictionary<string, string[]>(Claims.Count, StringComparer.Ordinal);
        foreach (var (k, v) in Claims)
        {
            claims[k] = [.. v];
        }

        return new PolicyIdentity(spiffe ?? Subject, Issuer, AuthMethod, spiffe, domain, claims, SenderConstrained || AuthMethod == "mtls");
    }

    /// <summary>The context the gateway would build: route resolved from the config when not given, labels from the route.</summary>
    public ResolvedRequest Resolve(RouteTable routes, DateTimeOffset now)
    {
        var method = Method.ToUpperInvariant();
        var host = NormalizeHost(Host ?? "localhost");
        RouteEntry? route = null;
        string? routeId = Route;
        if (routeId is not null)
        {
            route = routes.Find(routeId);
        }
        else
        {
            route = routes.Match(method, host, Path);
            routeId = route?.Id;
        }

        var labels = Labels ?? route?.Labels ?? new Dictionary<string, string>(StringComparer.Ordinal);
        var context = new RequestContext(
            ToIdentity(), routeId, host, method, Path, Time ?? now, labels, new ToolRequestAttributes(Headers, Query));
        return new ResolvedRequest(this, context, Route is null && routeId is not null);
    }

    public static string NormalizeHost(string host)
    {
        var h = host.Trim().ToLowerInvariant();
        if (h.StartsWith('['))
        {
            var end = h.IndexOf(']');
            return end > 0 ? h[..(end + 1)] : h;
        }

        var colon = h.LastIndexOf(':');
        return colon > 0 && h.IndexOf(':') == colon ? h[..colon] : h;
    }

    public static DateTimeOffset ParseTime(string text)
        => DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var t)
            ? t
            : throw new FormatException($"'{text}' is not a time: write ISO 8601, e.g. 2026-11-26T10:00:00Z");

    public string Describe()
        => $"{Method.ToUpperInvariant()} {Host ?? "localhost"}{Path} as {Subject}";

    /// <summary>"sender-constrained" or "bearer": how the identity's credential is tied to its holder.</summary>
    public static string Binding(PolicyIdentity identity) => identity.SenderConstrained ? "sender-constrained" : "bearer";
}

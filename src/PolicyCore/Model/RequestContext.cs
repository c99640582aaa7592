namespace PolicyCore.Model;

/// <summary>
/// One request as policy sees it: identity + action + resource + context. Read-only.
/// <see cref="Path"/> is the canonical path: exactly the path the upstream will receive.
/// </summary>
public sealed class RequestContext
{
    public RequestContext(
        PolicyIdentity? identity,
        string? routeId,
        string host,
        string method,
        string path,
        DateTimeOffset time,
        IReadOnlyDictionary<string, string>? routeLabels = null,
        IRequestAttributes? attributes = null)
    {
        Identity = identity;
        RouteId = routeId;
        Host = host;
        Method = method;
        Path = path;
        Time = time;
        RouteLabels = routeLabels ?? EmptyLabels;
        Attributes = attributes;
    }

    private static readonly IReadOnlyDictionary<string, string> EmptyLabels = new Dictionary<string, string>();

    /// <summary>Null only for anonymous requests (policy can never allow those: every rule needs an identity match).</summary>
    public PolicyIdentity? Identity { get; }
    public string? RouteId { get; }
    /// <summary>Host without port, lower case.</summary>
    public string Host { get; }
    /// <summary>Upper-case HTTP method.</summary>
    public string Method { get; }
    public string Path { get; }
    public DateTimeOffset Time { get; }
    /// <summary>The route's labels (YARP route metadata), e.g. <c>zone</c>, <c>namespace</c>. Names are case-sensitive.</summary>
    public IReadOnlyDictionary<string, string> RouteLabels { get; }

    /// <summary>
    /// Headers and query parameters, when the caller supplies them. Null means "not available": header and query
    /// conditions then cannot be evaluated (the rule does not match and the decision says so).
    /// </summary>
    public IRequestAttributes? Attributes { get; }
}

namespace Gateway.Hosting.Policy;

/// <summary>
/// One YARP route as the policy tools see it: id, path template, hosts, methods and labels (route metadata).
/// Matches paths the way YARP's templates do, simply: literal segments (ignoring case), <c>{param}</c> (one non-empty
/// segment; constraints, defaults and <c>?</c> ignored), <c>{**catchall}</c>/<c>{*catchall}</c> (the rest, possibly empty).
/// </summary>
internal sealed class RouteEntry
{
    private readonly string[] _segments;

    public RouteEntry(string id, string? pathTemplate, IReadOnlyList<string> hosts, IReadOnlyList<string> methods, Dictionary<string, string> labels, int order)
    {
        Id = id;
        PathTemplate = pathTemplate ?? "/{**catch-all}";
        Hosts = hosts;
        Methods = methods;
        Labels = labels;
        Order = order;
        _segments = Split(PathTemplate);
    }

    public string Id { get; }
    public string PathTemplate { get; }
    /// <summary>Empty = any host.</summary>
    public IReadOnlyList<string> Hosts { get; }
    /// <summary>Upper-case; empty = any method.</summary>
    public IReadOnlyList<string> Methods { get; }
    public Dictionary<string, string> Labels { get; }
    public int Order { get; }

    /// <summary>Routing precedence: literals before parameters before catch-alls (lower sorts first).</summary>
    public int Specificity
    {
        get
        {
            var score = 0;
            foreach (var s in _segments)
            {
                score += IsCatchAll(s) ? 100 : s.Contains('{') ? 10 : 0;
            }

            return score - _segments.Length;
        }
    }

    public bool MatchesMethod(string method)
    {
        if (Methods.Count == 0)
        {
            return true;
        }

        foreach (var m in Methods)
        {
            if (string.Equals(m, method, StringComparison.OrdinalIgnoreCase))
            {
                return true;
            }
        }

        return false;
    }

    public bool MatchesHost(string host)
    {
        if (Hosts.Count == 0)
        {
            return true;
        }

        foreach (var h in Hosts)
        {
            var pattern = ToolRequest.NormalizeHost(h);
            if (pattern.StartsWith("*.", StringComparison.Ordinal)
                ? host.EndsWith(pattern[1..], StringComparison.OrdinalIgnoreCase) && host.Length > pattern.Length - 1
                : string.Equals(pattern, host, StringComparison.OrdinalIgnoreCase))
            {
                return true;
            }
        }

        return false;
    }

    public bool MatchesPath(string path)
    {
        var parts = Split(path);
        for (var i = 0; i < _segments.Length; i++)
        {
            var t = _segments[i];
            if (IsCatchAll(t))
            {
                return true;
            }

            if (i >= parts.Length)
            {
                return IsOptional(t) && i == _segments.Length - 1;
            }

            if (t.Contains('{'))
            {
                if (parts[i].Length == 0)
                {
                    return false;
                }
            }
            else if (!string.Equals(t, parts[i], StringComparison.OrdinalIgnoreCase))
            {
                return false;
            }
        }

        return parts.Length == _segments.Length;
    }

    /// <summary>A concrete path this route matches (parameters become <c>x</c>), for reasoning over rules.</summary>
    public string RepresentativePath()
    {
        var parts = new List<string>();
        foreach (var s in _segments)
        {
            parts.Add(s.Contains('{') ? "x" : s);
        }

        return "/" + string.Join('/', parts);
    }

    private static bool IsCatchAll(string segment) => segment.StartsWith("{*", StringComparison.Ordinal);

    private static bool IsOptional(string segment) => segment.EndsWith("?}", StringComparison.Ordinal) || IsCatchAll(segment);

    private static string[] Split(string path)
    {
        var p = path.Trim();
        p = p.TrimStart('/');
        if (p.EndsWith('/'))
        {
            p = p[..^1];
        }

        return p.Length == 0 ? [] : p.Split('/');
    }
}

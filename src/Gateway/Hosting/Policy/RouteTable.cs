using Gateway.Configuration;

namespace Gateway.Hosting.Policy;

/// <summary>The config's YARP routes, for resolving a request's route and labels without a running gateway.</summary>
internal sealed class RouteTable
{
    public static readonly RouteTable Empty = new([]);

    public RouteTable(IReadOnlyList<RouteEntry> routes) => Routes = routes;

    public IReadOnlyList<RouteEntry> Routes { get; }

    public static RouteTable From(LoadedConfig config)
    {
        var routes = new List<RouteEntry>();
        foreach (var r in config.Routes)
        {
            var labels = new Dictionary<string, string>(StringComparer.Ordinal);
            if (r.Metadata is not null)
            {
                foreach (var (k, v) in r.Metadata)
                {
                    labels[k] = v;
                }
            }

            var methods = new List<string>();
            foreach (var m in r.Match.Methods ?? [])
            {
                methods.Add(m.ToUpperInvariant());
            }

            routes.Add(new RouteEntry(r.RouteId, r.Match.Path, [.. r.Match.Hosts ?? []], methods, labels, r.Order ?? 0));
        }

        routes.Sort((a, b) => string.CompareOrdinal(a.Id, b.Id));
        return new RouteTable(routes);
    }

    public RouteEntry? Find(string id)
    {
        foreach (var r in Routes)
        {
            if (r.Id == id)
            {
                return r;
            }
        }

        return null;
    }

    /// <summary>The route YARP would pick: matching method, host and path; lowest Order, then most specific template.</summary>
    public RouteEntry? Match(string method, string host, string path)
    {
        RouteEntry? best = null;
        foreach (var r in Routes)
        {
            if (!r.MatchesMethod(method) || !r.MatchesHost(host) || !r.MatchesPath(path))
            {
                continue;
            }

            if (best is null || r.Order < best.Order || (r.Order == best.Order && Rank(r) < Rank(best)))
            {
                best = r;
            }
        }

        return best;
    }

    private static int Rank(RouteEntry r) => (r.Specificity * 4) - (r.Hosts.Count > 0 ? 2 : 0) - (r.Methods.Count > 0 ? 1 : 0);
}

using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Yarp.ReverseProxy.Configuration;

namespace Gateway.Configuration;

/// <summary>
/// Reads YARP's standard <c>ReverseProxy</c> section into route and cluster configs, and checks them with YARP's own
/// validator, so that <c>validate</c>, start-up and reload all refuse what YARP would refuse — with a position.
/// </summary>
internal static class ProxyConfigReader
{
    private static readonly Lazy<IConfigValidator> Validator = new(() =>
    {
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddReverseProxy();
#pragma warning disable ASP0000 // a private container, only for YARP's validator
        return services.BuildServiceProvider().GetRequiredService<IConfigValidator>();
#pragma warning restore ASP0000
    });

    public static (List<RouteConfig> Routes, List<ClusterConfig> Clusters) Read(IConfiguration configuration, Action<string, string> error)
    {
        var routes = new List<RouteConfig>();
        var clusters = new List<ClusterConfig>();
        var proxy = configuration.GetSection("ReverseProxy");
        foreach (var section in proxy.GetSection("Clusters").GetChildren())
        {
            try
            {
                var cluster = (section.Get<ClusterConfig>() ?? new ClusterConfig()) with { ClusterId = section.Key };
                foreach (var e in Validator.Value.ValidateClusterAsync(cluster).AsTask().GetAwaiter().GetResult())
                {
                    error(section.Path, $"cluster '{section.Key}': {e.Message}");
                }

                clusters.Add(cluster);
            }
            catch (InvalidOperationException ex)
            {
                error(section.Path, $"cluster '{section.Key}' cannot be read: {ex.InnerException?.Message ?? ex.Message}");
            }
        }

        foreach (var section in proxy.GetSection("Routes").GetChildren())
        {
            try
            {
                var route = (section.Get<RouteConfig>() ?? new RouteConfig()) with { RouteId = section.Key };
                route = route with { Match = route.Match ?? new RouteMatch() };
                foreach (var e in Validator.Value.ValidateRouteAsync(route).AsTask().GetAwaiter().GetResult())
                {
                    error(section.Path + ":Match", $"route '{section.Key}': {e.Message}");
                }

                routes.Add(route);
            }
            catch (InvalidOperationException ex)
            {
                error(section.Path, $"route '{section.Key}' cannot be read: {ex.InnerException?.Message ?? ex.Message}");
            }
        }

        return (routes, clusters);
    }
}

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
                var unsupported = UnsupportedSettings(route).ToList();
                foreach (var (setting, why) in unsupported)
                {
                    error(section.Path + ":" + setting, $"route '{section.Key}': {setting} is not supported: {why}");
                }

                // YARP would add "policy 'x' not found" for the same settings, which suggests the wrong fix.
                var yarpErrors = unsupported.Count > 0 ? [] : Validator.Value.ValidateRouteAsync(route).AsTask().GetAwaiter().GetResult();
                foreach (var e in yarpErrors)
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

    /// <summary>
    /// YARP route settings that only work with an ASP.NET Core middleware the gateway does not run. Accepted, they would
    /// either do nothing (rate limiting, output caching: a user would believe a control is on when it is not) or fail
    /// every request of the route. Access is decided by the gateway's own policy, never by ASP.NET authorization.
    /// </summary>
    private static IEnumerable<(string Setting, string Why)> UnsupportedSettings(RouteConfig route)
    {
        if (route.AuthorizationPolicy is not null)
        {
            yield return ("AuthorizationPolicy", "access is decided by the gateway's policy files (Gateway:Policies), not by ASP.NET Core authorization policies");
        }

        if (route.CorsPolicy is not null)
        {
            yield return ("CorsPolicy", "the gateway does not answer CORS preflights; let the upstream handle CORS");
        }

        if (route.RateLimiterPolicy is not null)
        {
            yield return ("RateLimiterPolicy", "the gateway does not run ASP.NET Core rate limiting, so the route would not be limited");
        }

        if (route.OutputCachePolicy is not null)
        {
            yield return ("OutputCachePolicy", "the gateway never caches responses (each request is authenticated and decided on its own)");
        }

        if (route.TimeoutPolicy is not null || route.Timeout is not null)
        {
            yield return (route.TimeoutPolicy is not null ? "TimeoutPolicy" : "Timeout",
                "the gateway does not run ASP.NET Core request timeouts; set the cluster's HttpRequest:ActivityTimeout instead");
        }
    }
}

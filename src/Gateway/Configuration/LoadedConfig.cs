using Microsoft.Extensions.Configuration;
using PolicyCore;

namespace Gateway.Configuration;

/// <summary>A config file read, bound, checked, with its policy compiled: what the gateway starts from.</summary>
public sealed class LoadedConfig
{
    public required string ConfigFile { get; init; }
    public required string ConfigDirectory { get; init; }
    public required IConfigurationRoot Configuration { get; init; }
    public required GatewayOptions Options { get; init; }
    public required IReadOnlyList<string> PolicyFiles { get; init; }
    public required IReadOnlySet<string> RouteIds { get; init; }
    public IReadOnlyList<Yarp.ReverseProxy.Configuration.RouteConfig> Routes { get; init; } = [];
    public IReadOnlyList<Yarp.ReverseProxy.Configuration.ClusterConfig> Clusters { get; init; } = [];
    public PolicySet? Policy { get; init; }
    /// <summary>The SPIFFE trust bundles, loaded and checked (empty when none are configured).</summary>
    internal Identity.X509.TrustBundleSet TrustBundles { get; init; } = Identity.X509.TrustBundleSet.Empty;
    /// <summary>The API key store as loaded at start (null when API keys are off).</summary>
    internal Identity.ApiKeys.ApiKeySnapshot? ApiKeys { get; init; }
    public required IReadOnlyList<ConfigDiagnostic> Diagnostics { get; init; }

    public bool HasErrors
    {
        get
        {
            foreach (var d in Diagnostics)
            {
                if (!d.IsWarning)
                {
                    return true;
                }
            }

            return false;
        }
    }

    /// <summary>Resolves a path written in the config relative to the config file's folder.</summary>
    public string Resolve(string path) => Path.GetFullPath(Path.Combine(ConfigDirectory, path));
}

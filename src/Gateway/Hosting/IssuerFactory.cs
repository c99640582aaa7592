using Gateway.Configuration;
using Gateway.Identity;
using Gateway.Observability;
using Microsoft.Extensions.Logging;

namespace Gateway.Hosting;

/// <summary>Builds an issuer's runtime: its key source (file, URL, discovery) behind the resilient fetcher, and its
/// key manager. Used at start and on config reload.</summary>
internal sealed class IssuerFactory(GatewayHostSettings settings, GatewayMetrics metrics, ILoggerFactory loggers)
{
    public IssuerRuntime Create(IssuerOptions o, LoadedConfig config)
    {
        var http = new HttpClient(settings.KeyFetchHandler ?? new SocketsHttpHandler
        {
            PooledConnectionLifetime = TimeSpan.FromMinutes(5),
            ConnectTimeout = o.FetchTimeout,
            AllowAutoRedirect = false,
        }, disposeHandler: settings.KeyFetchHandler is null)
        {
            Timeout = Timeout.InfiniteTimeSpan,
            MaxResponseContentBufferSize = 512 * 1024,
        };
        var fetcher = new ResilientFetcher(http, o.FetchTimeout);
        KeySetSource source = o switch
        {
            { JwksFile: { } f } => new JwksFileSource(config.Resolve(f)),
            { JwksUrl: { } u } => new JwksUrlSource(new Uri(u), fetcher),
            { Discovery: { } d } => new OidcDiscoverySource(new Uri(d), o.Issuer, fetcher, requireHttps: !o.AllowInsecureHttp),
            _ => throw new InvalidOperationException("issuer without key source"),
        };
        var manager = new IssuerKeyManager(source, o.Name, o.RefreshInterval, o.MinForcedRefreshInterval,
            settings.TimeProvider, metrics, loggers.CreateLogger("Gateway.Identity.Keys"));
        return new IssuerRuntime(o, manager);
    }
}

using Gateway.Identity;
using Gateway.Observability;
using Gateway.Pipeline;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Prometheus;

namespace Gateway.Hosting;

/// <summary>The admin listener: <c>/metrics</c> (Prometheus), <c>/healthz</c> (the process is up) and <c>/readyz</c>
/// (every issuer has keys and a policy is loaded). Served only on connections accepted by the admin listener.</summary>
internal static class AdminEndpoints
{
    public const string AdminConnectionItem = "gateway.admin";

    public static bool IsAdminConnection(HttpContext context)
        => context.Features.Get<Microsoft.AspNetCore.Connections.Features.IConnectionItemsFeature>()?.Items
            .ContainsKey(AdminConnectionItem) == true;

    public static void Configure(IApplicationBuilder admin, GatewayMetrics metrics, JwtAuthenticator authenticator, PolicyStore policy)
    {
        metrics.Registry.AddBeforeCollectCallback(() => metrics.Gen2Collections.Set(GC.CollectionCount(2)));
        admin.UseMetricServer(s => s.Registry = metrics.Registry, "/metrics");
        admin.Run(async context =>
        {
            var path = context.Request.Path;
            if (path == "/healthz")
            {
                context.Response.ContentType = "text/plain";
                await context.Response.WriteAsync("ok\n").ConfigureAwait(false);
                return;
            }

            if (path == "/readyz")
            {
                var missing = new List<string>();
                foreach (var issuer in authenticator.Issuers)
                {
                    if (issuer.Keys.Current is null)
                    {
                        missing.Add("issuer " + issuer.Name + " has no keys");
                    }
                }

                if (policy.Current is null)
                {
                    missing.Add("no policy loaded");
                }

                context.Response.ContentType = "text/plain";
                context.Response.StatusCode = missing.Count == 0 ? 200 : 503;
                await context.Response.WriteAsync(missing.Count == 0 ? "ready\n" : string.Join('\n', missing) + "\n").ConfigureAwait(false);
                return;
            }

            await ProblemResponses.WriteAsync(context, 404, "not_found", "Not found").ConfigureAwait(false);
        });
    }
}

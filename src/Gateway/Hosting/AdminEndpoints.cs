using Gateway.Identity;
using Gateway.Identity.ApiKeys;
using Gateway.Observability;
using Gateway.Pipeline;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Prometheus;

namespace Gateway.Hosting;

/// <summary>The admin listener: <c>/metrics</c> (Prometheus), <c>/healthz</c> (the process is up), <c>/readyz</c>
/// (every issuer has keys and a policy is loaded) and <c>/apikeys</c> (the API keys: ids, owners, routes, times,
/// last use; never hashes or keys). Served only on connections accepted by the admin listener.</summary>
internal static class AdminEndpoints
{
    public const string AdminConnectionItem = "gateway.admin";

    public static bool IsAdminConnection(HttpContext context)
        => context.Features.Get<Microsoft.AspNetCore.Connections.Features.IConnectionItemsFeature>()?.Items
            .ContainsKey(AdminConnectionItem) == true;

    public static void Configure(IApplicationBuilder admin, GatewayMetrics metrics, JwtAuthenticator authenticator, PolicyStore policy,
        ApiKeyStore? apiKeys = null)
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

            if (path == "/apikeys")
            {
                if (!HttpMethods.IsGet(context.Request.Method) && !HttpMethods.IsHead(context.Request.Method))
                {
                    context.Response.Headers.Allow = "GET, HEAD";
                    await ProblemResponses.WriteAsync(context, 405, "method_not_allowed", "Method not allowed").ConfigureAwait(false);
                    return;
                }

                await ApiKeyView.WriteAdminAsync(context, apiKeys).ConfigureAwait(false);
                return;
            }

            await ProblemResponses.WriteAsync(context, 404, "not_found", "Not found").ConfigureAwait(false);
        });
    }
}

using System.Net;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace Gateway.Hosting;

/// <summary>A tiny upstream that answers every request with what it received (method, path, query, headers) as JSON.
/// The demo runs the gateway in front of it; integration tests use it as the real upstream.</summary>
public static class DemoUpstream
{
    public static WebApplication Build(IPAddress address, int port, Action<HttpContext>? observe = null)
    {
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { Args = GatewayHost.NoConfigWatch });
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(k => k.Listen(address, port));
        var app = builder.Build();
        app.Run(async context =>
        {
            observe?.Invoke(context);
            var headers = new SortedDictionary<string, string>(StringComparer.OrdinalIgnoreCase);
            foreach (var h in context.Request.Headers)
            {
                headers[h.Key] = h.Value.ToString();
            }

            var body = new Dictionary<string, object?>
            {
                ["upstream"] = "demo",
                ["method"] = context.Request.Method,
                ["path"] = context.Request.Path.Value,
                ["rawTarget"] = context.Features.Get<Microsoft.AspNetCore.Http.Features.IHttpRequestFeature>()?.RawTarget,
                ["query"] = context.Request.QueryString.Value,
                ["headers"] = headers,
            };
            context.Response.ContentType = "application/json";
            await context.Response.WriteAsync(JsonSerializer.Serialize(body, new JsonSerializerOptions { WriteIndented = true }) + "\n");
        });
        return app;
    }
}

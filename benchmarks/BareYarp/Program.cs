using System.Net;
using Microsoft.AspNetCore.Server.Kestrel.Core;

namespace BareYarp;

/// <summary>
/// The floor the gateway is measured against, and the upstream both stand in front of:
/// <c>bareyarp proxy --config FILE --listen 127.0.0.1:5090</c> is plain YARP with the same ReverseProxy section as the
/// gateway (no identity, no policy, no audit); <c>bareyarp upstream --listen 127.0.0.1:5081</c> answers every request
/// at once with a small fixed body. <c>--scheduling inline</c> runs requests on the socket's I/O thread, as the gateway
/// does by default (its <c>Listen.Scheduling</c>); <c>threadpool</c> (the default here) is ASP.NET Core's hand-off to the
/// thread pool.
/// </summary>
public static class Program
{
    public static async Task<int> Main(string[] args)
    {
        if (args.Length == 0)
        {
            Console.Error.WriteLine("usage: bareyarp proxy --config FILE --listen IP:PORT | bareyarp upstream --listen IP:PORT  [--scheduling threadpool|inline]");
            return 2;
        }

        var listen = IPEndPoint.Parse(Arg(args, "--listen") ?? "127.0.0.1:5090");
        var scheduling = Arg(args, "--scheduling") ?? "threadpool";
        if (scheduling is not ("threadpool" or "inline"))
        {
            Console.Error.WriteLine($"--scheduling '{scheduling}' is unknown: use threadpool or inline");
            return 2;
        }

        var inline = scheduling == "inline";
        if (inline && Environment.GetEnvironmentVariable("DOTNET_SYSTEM_NET_SOCKETS_INLINE_COMPLETIONS") is null)
        {
            // Read once, when the first socket is made: the same set-up as the gateway's Program.PrepareSocketEngine.
            Environment.SetEnvironmentVariable("DOTNET_SYSTEM_NET_SOCKETS_INLINE_COMPLETIONS", "1");
        }

        // No watch of appsettings.json (the gateway's set-up too): it would need an inotify instance, and none is used.
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { Args = ["--hostBuilder:reloadConfigOnChange=false"] });
        builder.Logging.ClearProviders();
        builder.WebHost.UseSockets(o => o.UnsafePreferInlineScheduling = inline);
        builder.WebHost.ConfigureKestrel(k =>
        {
            k.AddServerHeader = false;
            k.Listen(listen, lo => lo.Protocols = HttpProtocols.Http1);
        });

        switch (args[0])
        {
            case "proxy":
            {
                var config = Arg(args, "--config") ?? throw new ArgumentException("proxy needs --config FILE");
                builder.Configuration.AddJsonFile(Path.GetFullPath(config), optional: false);
                builder.Services.AddReverseProxy().LoadFromConfig(builder.Configuration.GetSection("ReverseProxy"));
                var app = builder.Build();
                app.MapReverseProxy();
                await app.RunAsync();
                return 0;
            }

            case "upstream":
            {
                var app = builder.Build();
                var body = "{\"ok\":true}\n"u8.ToArray();
                app.Run(context =>
                {
                    context.Response.ContentType = "application/json";
                    context.Response.ContentLength = body.Length;
                    return context.Response.Body.WriteAsync(body).AsTask();
                });
                await app.RunAsync();
                return 0;
            }

            default:
                Console.Error.WriteLine($"unknown verb '{args[0]}'");
                return 2;
        }
    }

    private static string? Arg(string[] args, string name)
    {
        var i = Array.IndexOf(args, name);
        return i >= 0 && i + 1 < args.Length ? args[i + 1] : null;
    }
}

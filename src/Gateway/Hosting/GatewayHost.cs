using System.Net;
using Gateway.Audit;
using Gateway.Configuration;
using Gateway.Forwarding;
using Gateway.Identity;
using Gateway.Identity.ApiKeys;
using Gateway.Identity.Dpop;
using Gateway.Identity.X509;
using Gateway.Observability;
using Gateway.Pipeline;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Gateway.Hosting;

/// <summary>Wires the gateway: Kestrel listeners, the request pipeline in order, YARP, key managers, audit, metrics.</summary>
public static class GatewayHost
{
    /// <summary>
    /// ASP.NET Core's default builder watches <c>appsettings.json</c> for changes with an inotify instance. The gateway
    /// reads no appsettings (its config file has its own watcher, which falls back to polling), and on a node whose
    /// inotify instance limit is used up (a common default is 128 per user) that watch would throw while the host is
    /// built: the gateway would not start at all.
    /// </summary>
    internal static readonly string[] NoConfigWatch = ["--hostBuilder:reloadConfigOnChange=false"];

    /// <summary>The TLS connection whose handshake is running in this flow: set when Kestrel configures the handshake,
    /// read by the client-certificate callback, which runs inside it.</summary>
    private static readonly AsyncLocal<TlsConnectionState?> HandshakeConnection = new();

    public static WebApplication Build(LoadedConfig config, GatewayHostSettings? settings = null)
    {
        settings ??= new GatewayHostSettings();
        if (config.HasErrors)
        {
            throw new InvalidOperationException("the config has errors; run the validate verb to see them");
        }

        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions
        {
            ContentRootPath = config.ConfigDirectory,
            EnvironmentName = Environments.Production,
            Args = NoConfigWatch,
        });
        builder.Configuration.Sources.Clear();
        builder.Configuration.AddConfiguration(config.Configuration);

        builder.Logging.ClearProviders();
        builder.Logging.SetMinimumLevel(settings.LogLevel);
        builder.Logging.AddFilter("Microsoft.AspNetCore", LogLevel.Warning);
        builder.Logging.AddFilter("Yarp", LogLevel.Warning);
        builder.Logging.AddFilter("Microsoft.AspNetCore.DataProtection", LogLevel.Error);
        // With this category enabled, ASP.NET Core starts an Activity per request (and HttpClient then injects trace
        // headers upstream): measurable per-request cost for log lines the gateway never writes. Its audit record
        // is the per-request log.
        builder.Logging.AddFilter("Microsoft.AspNetCore.Hosting.Diagnostics", LogLevel.None);
        builder.Logging.AddFilter("Microsoft.Hosting.Lifetime", LogLevel.Information);
        // stdout carries audit records only; logs go to stderr.
        builder.Logging.AddSimpleConsole(o => o.SingleLine = true);
        // The console logger queues lines for a writer thread; when the queue is full its default makes the logging
        // thread wait. Requests run on the socket event loops (Listen.Scheduling inline), so a slow stderr (a full
        // pipe, a slow log driver) would stall every connection behind one full queue. Drop the line instead: the
        // audit record, not the log, is the per-request record.
        builder.Services.Configure<Microsoft.Extensions.Logging.Console.ConsoleLoggerOptions>(o =>
        {
            o.LogToStandardErrorThreshold = LogLevel.Trace;
            o.QueueFullMode = Microsoft.Extensions.Logging.Console.ConsoleLoggerQueueFullMode.DropWrite;
        });

        var options = config.Options;
        var serverCertificates = options.Listen.Tls
            .Select(t => new ServerCertificateSource(t.Url, config.Resolve(t.CertificateFile), config.Resolve(t.KeyFile)))
            .ToList();
        // Listen.Scheduling: inline runs each request on its socket's I/O thread (Program sets the matching socket
        // engine variable before the first socket is made); threadpool is ASP.NET Core's default hand-off.
        builder.WebHost.UseSockets(o => o.UnsafePreferInlineScheduling = options.Listen.Scheduling == IoScheduling.Inline);
        builder.WebHost.ConfigureKestrel(k =>
        {
            k.AddServerHeader = false;
            k.Limits.MaxRequestHeadersTotalSize = 32 * 1024;
            k.Limits.MaxRequestHeaderCount = 100;
            if (!string.IsNullOrEmpty(options.Listen.Public))
            {
                Listen(k, options.Listen.Public, admin: false);
            }

            Listen(k, options.Listen.Admin, admin: true);
            for (var i = 0; i < options.Listen.Tls.Count; i++)
            {
                ListenTls(k, options.Listen.Tls[i], serverCertificates[i]);
            }
        });

        var metrics = new GatewayMetrics();
        var services = builder.Services;
        services.AddSingleton(config);
        services.AddSingleton(options);
        services.AddSingleton(metrics);
        services.AddSingleton(settings.TimeProvider);
        services.AddSingleton<PolicyStore>();
        services.AddHostedService<PolicyFileWatcher>();
        services.AddSingleton(sp => new AuditWriter(config, metrics, sp.GetRequiredService<ILogger<AuditWriter>>(), settings.AuditSink));
        services.AddHostedService(sp => sp.GetRequiredService<AuditWriter>());
        services.AddSingleton(sp => new TokenCache(options.TokenCache.MaxEntries, settings.TimeProvider, metrics));
        services.AddSingleton(sp => new IssuerFactory(settings, metrics, sp.GetRequiredService<ILoggerFactory>()));
        services.AddSingleton(sp => BuildAuthenticator(config, settings, sp));
        services.AddSingleton(sp => new TrustBundleStore(config.TrustBundles, options.TrustBundles, config.Resolve, config.ConfigFile,
            settings.TimeProvider, sp.GetRequiredService<ILogger<TrustBundleStore>>(), metrics));
        services.AddHostedService(sp => new TrustBundleWatcher(sp.GetRequiredService<TrustBundleStore>()));
        services.AddSingleton(new SvidValidator(settings.TimeProvider));
        services.AddSingleton(sp => new ApiKeyStore(ApiKeyStore.ResolveFile(options.ApiKeys, config.ConfigDirectory),
            new ApiKeyLoadSettings(config.RouteIds, options.ApiKeys.MaxLifetime), metrics, sp.GetRequiredService<ILogger<ApiKeyStore>>(),
            settings.TimeProvider, config.ApiKeys));
        services.AddSingleton<ApiKeyAuthenticator>();
        services.AddHostedService(sp => new ApiKeyStoreWatcher(sp.GetRequiredService<ApiKeyStore>()));
        services.AddSingleton(sp => new DpopNonces(settings.TimeProvider));
        services.AddSingleton(sp => new InMemoryDpopReplayStore(options.Dpop.ReplayCacheSize, settings.TimeProvider));
        services.AddSingleton(sp => new DpopProofValidator(options.Dpop, sp.GetRequiredService<InMemoryDpopReplayStore>(),
            sp.GetRequiredService<DpopNonces>(), settings.TimeProvider));
        services.AddSingleton(sp => new CredentialAuthenticator(sp.GetRequiredService<JwtAuthenticator>(), sp.GetRequiredService<ApiKeyAuthenticator>(),
            sp.GetRequiredService<TrustBundleStore>(), sp.GetRequiredService<SvidValidator>(), sp.GetRequiredService<DpopProofValidator>(),
            sp.GetRequiredService<DpopNonces>(), options, settings.TimeProvider));
        services.AddSingleton<AuthenticationStage>();
        services.AddSingleton<PolicyStage>();
        services.AddSingleton<GatewayState>();
        services.AddHostedService<ConfigFileWatcher>();
        services.AddHostedService<IssuerKeyHostedService>();

        if (serverCertificates.Count > 0)
        {
            services.AddHostedService(_ => new ServerCertificateWatcher(serverCertificates));
        }

        services.AddReverseProxy()
            .LoadFromMemory(config.Routes, config.Clusters)
            .AddTransforms(t => t.RequestTransforms.Add(new IdentityHeadersTransform(options.Forwarding, options.ApiKeys.Header,
                replaceExisting: t.Route.Transforms is { Count: > 0 } || !IdentityHeadersTransform.AllReserved(options.Forwarding))));

        var app = builder.Build();

        // YARP registers ASP.NET Core authorization, so WebApplication would put its AuthorizationMiddleware in front
        // of every request. The gateway never uses it (access is decided by PolicyStage; route settings that need it
        // are refused by the config loader), and it costs an async frame per request. This is the key UseAuthorization
        // itself sets to say "already added"; should it ever change, the middleware comes back as a no-op.
        ((IApplicationBuilder)app).Properties["__AuthorizationMiddlewareSet"] = true;
        var tlsLogger = app.Services.GetRequiredService<ILoggerFactory>().CreateLogger("Gateway.Tls");
        // The per-request hash loads libcrypto and checks it against known answers in its type initializer: at start,
        // not on the first request.
        System.Runtime.CompilerServices.RuntimeHelpers.RunClassConstructor(typeof(Identity.Sha256Fast).TypeHandle);
        var gatewayMetrics = app.Services.GetRequiredService<GatewayMetrics>();
        foreach (var source in serverCertificates)
        {
            source.Attach(tlsLogger, gatewayMetrics);
        }

        var authenticator = app.Services.GetRequiredService<JwtAuthenticator>();
        var policy = app.Services.GetRequiredService<PolicyStore>();
        var apiKeys = app.Services.GetRequiredService<ApiKeyStore>();
        app.MapWhen(AdminEndpoints.IsAdminConnection, admin => AdminEndpoints.Configure(admin, metrics, authenticator, policy, apiKeys));

        app.UseMiddleware<AuditMiddleware>();
        app.UseMiddleware<HygieneMiddleware>();
        app.UseRouting();
        app.MapReverseProxy(proxy =>
        {
            // Identity and policy first: nothing below runs for a refused request. Then YARP's own default stages, so
            // a cluster's SessionAffinity, LoadBalancingPolicy and passive health checks work as YARP documents them
            // (bare YARP runs the same three; the passive health stage costs an async frame per request).
            proxy.UseMiddleware<ProxyStagesMiddleware>();
            proxy.UseSessionAffinity();
            proxy.UseLoadBalancing();
            proxy.UsePassiveHealthChecks();
        });
        app.MapFallback(context =>
        {
            var feature = context.Features.Get<GatewayRequestFeature>();
            if (feature is not null)
            {
                feature.Outcome = "reject";
                feature.Reason = "no_route";
            }

            return ProblemResponses.WriteAsync(context, StatusCodes.Status404NotFound, "no_route", "Not found",
                "No route matches this request.");
        });

        return app;
    }

    private static JwtAuthenticator BuildAuthenticator(LoadedConfig config, GatewayHostSettings settings, IServiceProvider sp)
    {
        var factory = sp.GetRequiredService<IssuerFactory>();
        return new JwtAuthenticator(config.Options.Issuers.Select(o => factory.Create(o, config)).ToList(),
            sp.GetRequiredService<TokenCache>(), settings.TimeProvider, config.Options.Limits.MaxTokenLength);
    }

    /// <summary>An HTTPS listener (HTTP/1.1 and HTTP/2). Client certificates are requested in the handshake when the
    /// mode is not <c>off</c>, and accepted whatever they are: the gateway checks them itself against the trust bundle
    /// of their SPIFFE trust domain (never the system roots), so a refusal is a 401 with a reason code and an audit
    /// record rather than a handshake failure. The listener's mode travels with the connection.</summary>
    private static void ListenTls(KestrelServerOptions k, TlsListenerOptions tls, ServerCertificateSource certificate)
    {
        var uri = new Uri(tls.Url);
        var mode = tls.ClientCertificate;
        Action<Microsoft.AspNetCore.Server.Kestrel.Core.ListenOptions> configure = lo =>
        {
            lo.Protocols = HttpProtocols.Http1AndHttp2;
            lo.Use(next => connection =>
            {
                connection.Items[TlsConnectionState.Item] = new TlsConnectionState(mode);
                return next(connection);
            });
            lo.UseHttps(https =>
            {
                https.ServerCertificateSelector = (_, _) => certificate.Current;
                https.SslProtocols = System.Security.Authentication.SslProtocols.Tls12 | System.Security.Authentication.SslProtocols.Tls13;
                https.ClientCertificateMode = mode == "off"
                    ? Microsoft.AspNetCore.Server.Kestrel.Https.ClientCertificateMode.NoCertificate
                    : Microsoft.AspNetCore.Server.Kestrel.Https.ClientCertificateMode.AllowCertificate;
                // Accept any certificate in the handshake (the gateway validates it against the trust bundles after
                // it, and answers with a problem+json reason), but keep the intermediates the client sent with it:
                // candidates for that validation's chain.
                https.ClientCertificateValidation = static (certificate, chain, _) =>
                {
                    HandshakeConnection.Value?.CapturePresented(certificate, chain);
                    return true;
                };
                https.CheckCertificateRevocation = false;
                // The handshake builds a chain for the client certificate before the callback above runs; by default
                // that build downloads missing issuers from the certificate's AIA URLs: an unauthenticated client could
                // make the gateway fetch any URL (and stall the handshake). Never go to the network; the verdict is
                // ignored anyway (the gateway validates against the trust bundles after the handshake).
                // The server side likewise: the certificate and its intermediates come as a context built once per
                // (re)load without downloads, instead of the selector's bare certificate, for which every handshake
                // would build the chain again (on the I/O thread with inline scheduling) and could fetch a missing
                // issuer. The selector above stays because Kestrel requires a certificate source when it is configured.
                https.OnAuthenticate = (connection, ssl) =>
                {
                    // The connection whose handshake follows, for ClientCertificateValidation (which is not told).
                    HandshakeConnection.Value = connection.Items.TryGetValue(TlsConnectionState.Item, out var item) ? item as TlsConnectionState : null;

                    ssl.CertificateChainPolicy = new System.Security.Cryptography.X509Certificates.X509ChainPolicy
                    {
                        DisableCertificateDownloads = true,
                        RevocationMode = System.Security.Cryptography.X509Certificates.X509RevocationMode.NoCheck,
                        TrustMode = System.Security.Cryptography.X509Certificates.X509ChainTrustMode.CustomRootTrust,
                    };
                    ssl.ServerCertificateSelectionCallback = null;
                    ssl.ServerCertificate = null;
                    ssl.ServerCertificateContext = certificate.Context;
                };
            });
        };
        if (uri.Host == "localhost")
        {
            k.ListenLocalhost(uri.Port, configure);
        }
        else
        {
            k.Listen(IPAddress.Parse(uri.Host.Trim('[', ']')), uri.Port, configure);
        }
    }

    private static void Listen(KestrelServerOptions k, string url, bool admin)
    {
        var uri = new Uri(url);
        Action<Microsoft.AspNetCore.Server.Kestrel.Core.ListenOptions> configure = lo =>
        {
            // Cleartext listeners speak HTTP/1.1; HTTP/2 arrives with the TLS listeners (mTLS issue).
            lo.Protocols = HttpProtocols.Http1;
            if (admin)
            {
                lo.Use(next => connection =>
                {
                    connection.Items[AdminEndpoints.AdminConnectionItem] = true;
                    return next(connection);
                });
            }
        };
        if (uri.Host == "localhost")
        {
            k.ListenLocalhost(uri.Port, configure);
        }
        else
        {
            k.Listen(IPAddress.Parse(uri.Host.Trim('[', ']')), uri.Port, configure);
        }
    }
}

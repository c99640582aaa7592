using System.Globalization;
using System.Net;
using Gateway.Configuration;
using Gateway.Identity;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Configuration;

namespace Gateway.Hosting;

/// <summary>The gateway's command line: run, demo, token, validate.</summary>
public static class Program
{
    private const string DefaultConfig = "config/gateway.json";

    public static async Task<int> Main(string[] args)
    {
        var named = args.Length > 0 && (!args[0].StartsWith('-') || args[0] is "--help" or "-h");
        var verb = named ? args[0] : "run";
        var rest = named ? args[1..] : args;
        try
        {
            var opts = CommandLine.Parse(verb is "policy" or "apikey" ? [] : rest); // policy and apikey verbs parse their own arguments
            return verb switch
            {
                "run" => await RunAsync(opts, demo: false),
                "demo" => await RunAsync(opts, demo: true),
                "token" => Token(opts),
                "cert" => Cert(opts),
                "validate" => Validate(opts),
                "policy" => PolicyVerbs.Run(rest, Console.Out, Console.Error),
                "apikey" => ApiKeyVerbs.Run(rest, Console.Out, Console.Error),
                "help" or "--help" or "-h" => Usage(0),
                _ => Usage(2, $"unknown verb '{verb}'"),
            };
        }
        catch (CommandLineException ex)
        {
            return Usage(2, ex.Message);
        }
    }

    private static int Usage(int code, string? error = null)
    {
        var w = code == 0 ? Console.Out : Console.Error;
        if (error is not null)
        {
            w.WriteLine("error: " + error);
        }

        w.WriteLine("""
            usage: gateway VERB [options]
              run      [--config FILE]   run the gateway (default config: config/gateway.json)
              demo     [--config FILE]   run the gateway in front of a built-in demo upstream, with the dev issuer,
                                         and print (on stderr) curl lines that get 200, 401, 403 and 400
              token    --sub SUBJECT [--ttl 15m] [--aud AUDIENCE] [--claim NAME=VALUE]... [--config FILE]
                                         mint a development token from the dev issuer's key
              cert     --spiffe-id ID [--name NAME] [--config FILE]
                                         issue a development X.509-SVID from the dev CA into the dev key folder
                                         (NAME.pem and NAME-key.pem), for trying mTLS with curl
              validate [--config FILE]   check the config and the policy files without starting; exit 1 on errors
              policy   test|explain|reach|who|diff ...
                                         policy-as-code tools, no running gateway needed (gateway policy help)
              apikey   create|list|revoke ...
                                         API keys for clients that cannot do better: the store holds hashes only,
                                         a new key is printed once (gateway apikey help)
            """);
        return code;
    }

    /// <summary>Loads the config; when it enables the dev issuer, first makes sure its key exists.</summary>
    internal static LoadedConfig Load(string configFile, out DevIssuer? dev, bool createDevKey = true)
    {
        dev = null;
        var full = Path.GetFullPath(configFile);
        if (File.Exists(full))
        {
            var devOptions = new DevIssuerOptions();
            try
            {
                new ConfigurationBuilder().AddJsonFile(full, optional: false).Build()
                    .GetSection("Gateway:DevIssuer").Bind(devOptions);
            }
            catch (Exception ex) when (ex is FormatException or InvalidOperationException or InvalidDataException)
            {
                // The full load below reports it with its position.
            }

            if (devOptions.Enabled && createDevKey)
            {
                var dir = Path.GetFullPath(Path.Combine(Path.GetDirectoryName(full)!, devOptions.KeyDirectory));
                dev = DevIssuer.LoadOrCreate(dir, devOptions.Issuer, devOptions.Audience);
                DevCertificates.EnsureCreated(dir, devOptions.TrustDomain, DemoWorkloads(devOptions.TrustDomain));
                var store = Path.Combine(dir, DevCertificates.ApiKeyStoreFile);
                if (!File.Exists(store))
                {
                    File.WriteAllText(store, "{\n  \"version\": 1,\n  \"keys\": []\n}\n");
                    if (!OperatingSystem.IsWindows())
                    {
                        File.SetUnixFileMode(store, UnixFileMode.UserRead | UnixFileMode.UserWrite);
                    }
                }
            }
        }

        return GatewayConfigLoader.Load(configFile);
    }

    /// <summary>The X.509-SVIDs the dev CA issues for the demo (file name → SPIFFE id).</summary>
    internal static Dictionary<string, string> DemoWorkloads(string trustDomain) => new()
    {
        ["reporting"] = $"spiffe://{trustDomain}/ns/shop/sa/reporting",
    };

    private static bool PrintDiagnostics(LoadedConfig config)
    {
        foreach (var d in config.Diagnostics)
        {
            Console.Error.WriteLine(Policy.PolicyToolContext.Relative(d.ToString()));
        }

        return !config.HasErrors;
    }

    private static int Validate(CommandLine opts)
    {
        // Checking never writes anything: no dev key is generated here.
        var config = Load(opts.Get("config") ?? DefaultConfig, out _, createDevKey: false);
        PrintDiagnostics(config);
        var errors = config.Diagnostics.Count(d => !d.IsWarning);
        var warnings = config.Diagnostics.Count - errors;
        Console.WriteLine(errors == 0
            ? $"config OK: {Policy.PolicyToolContext.Rel(config.ConfigFile)} ({config.RouteIds.Count} routes, {config.Policy?.RuleCount ?? 0} rules, {warnings} warnings)"
            : $"config INVALID: {errors} error{(errors == 1 ? "" : "s")}, {warnings} warning{(warnings == 1 ? "" : "s")}");
        return errors == 0 ? 0 : 1;
    }

    private static int Token(CommandLine opts)
    {
        var sub = opts.Get("sub") ?? throw new CommandLineException("token needs --sub SUBJECT");
        var config = Load(opts.Get("config") ?? DefaultConfig, out var dev);
        if (dev is null)
        {
            Console.Error.WriteLine("the config does not enable the dev issuer (Gateway.DevIssuer.Enabled); no token minted");
            return 1;
        }

        var ttl = ParseDuration(opts.Get("ttl") ?? "15m");
        var claims = new Dictionary<string, object>();
        foreach (var c in opts.GetAll("claim"))
        {
            var eq = c.IndexOf('=');
            if (eq <= 0)
            {
                throw new CommandLineException($"--claim '{c}': write NAME=VALUE");
            }

            var name = c[..eq];
            var value = c[(eq + 1)..];
            claims[name] = claims.TryGetValue(name, out var prev)
                ? (prev is string[] arr ? [.. arr, value] : new[] { (string)prev, value })
                : value;
        }

        var limit = config.Options.Issuers.FirstOrDefault(i => i.Issuer == dev.Issuer)?.MaxTokenLifetime;
        if (limit is { } max && ttl > max)
        {
            Console.Error.WriteLine($"warning: --ttl {ttl} is longer than the issuer's MaxTokenLifetime {max}: the gateway will refuse this token (token_lifetime_exceeds_limit)");
        }

        Console.WriteLine(dev.Mint(sub, ttl, claims, opts.Get("aud")));
        return 0;
    }

    private static int Cert(CommandLine opts)
    {
        var spiffeId = opts.Get("spiffe-id") ?? throw new CommandLineException("cert needs --spiffe-id spiffe://TRUST-DOMAIN/PATH");
        if (!SpiffeId.TryParse(spiffeId, out var id) || id.Path.Length == 0)
        {
            throw new CommandLineException($"'{spiffeId}' is not a SPIFFE id of a workload: write spiffe://TRUST-DOMAIN/PATH");
        }

        var config = Load(opts.Get("config") ?? DefaultConfig, out var dev);
        if (dev is null)
        {
            Console.Error.WriteLine("the config does not enable the dev issuer (Gateway.DevIssuer.Enabled); no certificate issued");
            return 1;
        }

        if (id.TrustDomain != config.Options.DevIssuer.TrustDomain)
        {
            Console.Error.WriteLine($"the dev CA issues SVIDs of trust domain '{config.Options.DevIssuer.TrustDomain}' only");
            return 1;
        }

        var name = opts.Get("name") ?? id.Path.TrimEnd('/')[(id.Path.TrimEnd('/').LastIndexOf('/') + 1)..];
        if (name.Length == 0 || !name.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_'))
        {
            throw new CommandLineException($"'{name}' is not a file name: use letters, digits, '-' and '_' (--name NAME)");
        }

        var (certificate, key) = DevCertificates.IssueSvid(DevDirectory(config), name, spiffeId);
        Console.WriteLine(Path.GetRelativePath(Environment.CurrentDirectory, certificate));
        Console.WriteLine(Path.GetRelativePath(Environment.CurrentDirectory, key));
        return 0;
    }

    private static string DevDirectory(LoadedConfig config)
        => Path.GetFullPath(Path.Combine(config.ConfigDirectory, config.Options.DevIssuer.KeyDirectory));

    /// <summary>For <c>Listen.Scheduling: inline</c>, .NET's socket engine must also run completions on its event
    /// threads instead of queueing them to the thread pool, or every socket event still costs a hand-off. The engine
    /// reads the variable once, when the process makes its first socket, so it is set here, before any listener starts
    /// (the demo upstream included). A value the operator set (<c>0</c> turns it off) is left alone.</summary>
    /// <returns>A warning when the environment contradicts the setting, else null.</returns>
    internal static string? PrepareSocketEngine(string scheduling)
    {
        var set = Environment.GetEnvironmentVariable(IoScheduling.InlineCompletionsVariable);
        if (scheduling == IoScheduling.Inline && set is null)
        {
            Environment.SetEnvironmentVariable(IoScheduling.InlineCompletionsVariable, "1");
            return null;
        }

        return scheduling == IoScheduling.ThreadPool && set == "1"
            ? $"warning: Listen.Scheduling is threadpool but {IoScheduling.InlineCompletionsVariable}=1 is set: socket completions (upstream responses included) still run on the I/O threads; unset it for a pure thread-pool gateway"
            : null;
    }

    private static async Task<int> RunAsync(CommandLine opts, bool demo)
    {
        var config = Load(opts.Get("config") ?? DefaultConfig, out var dev);
        if (!PrintDiagnostics(config))
        {
            Console.Error.WriteLine("refusing to start: fix the errors above (gateway validate shows them too)");
            return 2;
        }

        if (PrepareSocketEngine(config.Options.Listen.Scheduling) is { } warning)
        {
            Console.Error.WriteLine(warning);
        }

        WebApplication? upstream = null;
        if (demo)
        {
            var address = config.Configuration["ReverseProxy:Clusters:demo:Destinations:d1:Address"];
            if (dev is null || address is null || !Uri.TryCreate(address, UriKind.Absolute, out var upstreamUri))
            {
                Console.Error.WriteLine("demo needs the dev issuer enabled and a cluster 'demo' with destination 'd1' (see config/gateway.json)");
                return 2;
            }

            upstream = DemoUpstream.Build(IPAddress.Loopback, upstreamUri.Port);
            if (!await TryStartAsync(upstream, "the demo upstream"))
            {
                return 1;
            }
        }

        var app = GatewayHost.Build(config);
        if (!await TryStartAsync(app, "the gateway"))
        {
            if (upstream is not null)
            {
                await upstream.StopAsync();
            }

            return 1;
        }
        if (demo)
        {
            PrintDemo(config, dev!, opts.Get("config"));
        }

        await app.WaitForShutdownAsync();
        if (upstream is not null)
        {
            await upstream.StopAsync();
        }

        return 0;
    }

    /// <summary>Starts a host; a listener that cannot bind (port in use, no permission) or a certificate that cannot be
    /// loaded is one clear line on stderr and exit code 1, not an unhandled exception (a stack trace and an abort).</summary>
    private static async Task<bool> TryStartAsync(WebApplication app, string what)
    {
        try
        {
            await app.StartAsync();
            return true;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or InvalidOperationException
            or System.Security.Cryptography.CryptographicException or System.Net.Sockets.SocketException)
        {
            var hint = ex is IOException && ex.InnerException is Microsoft.AspNetCore.Connections.AddressInUseException
                ? " (another process listens there: stop it or change Gateway.Listen in the config)"
                : "";
            Console.Error.WriteLine($"{what} could not start: {ex.Message}{hint}");
            await app.DisposeAsync();
            return false;
        }
    }

    private static void PrintDemo(LoadedConfig config, DevIssuer dev, string? configArg)
    {
        var configOption = configArg is null ? "" : $" --config {configArg}";
        var url = config.Options.Listen.Public.TrimEnd('/');
        var ok = dev.Mint("spiffe://demo.local/ns/shop/sa/frontend", TimeSpan.FromMinutes(30), new Dictionary<string, object> { ["scope"] = "orders.read" });
        var other = dev.Mint("spiffe://demo.local/ns/shop/sa/batch", TimeSpan.FromMinutes(30));
        Console.Error.WriteLine($"""

            Gateway on {url}{string.Concat(config.Options.Listen.Tls.Select(t => " and " + t.Url))} (admin, metrics, health: {config.Options.Listen.Admin}), demo upstream behind it.
            Audit records are written to stdout, logs to stderr. Ctrl+C stops.

            200 — the frontend workload may read orders:
              curl -i -H "Authorization: Bearer {ok}" {url}/orders/42

            401 — no token (or a bad one):
              curl -i {url}/orders/42

            403 — a valid identity the policy does not allow here:
              curl -i -H "Authorization: Bearer {other}" {url}/orders/42

            403 — deny beats allow (admin paths are denied to every workload):
              curl -i -H "Authorization: Bearer {ok}" {url}/orders/admin/export

            400 — an ambiguous path is refused, never guessed at:
              curl -i --path-as-is -H "Authorization: Bearer {ok}" "{url}/orders/%2e%2e/admin"

            Mint other tokens: dotnet run --project src/Gateway -- token{configOption} --sub spiffe://demo.local/ns/shop/sa/frontend --claim scope=orders.read
            {StrongIdentityDemo(config, ok, configOption)}

            """);
    }

    /// <summary>The demo lines for mTLS, sender-constrained requests and API keys (when the config has them).</summary>
    private static string StrongIdentityDemo(LoadedConfig config, string bearer, string configOption)
    {
        var url = config.Options.Listen.Public.TrimEnd('/');
        var dev = Path.GetRelativePath(Environment.CurrentDirectory, DevDirectory(config));
        var lines = new System.Text.StringBuilder();
        var tls = config.Options.Listen.Tls.FirstOrDefault(t => t.ClientCertificate != "off");
        if (tls is not null && config.TrustBundles.Count > 0)
        {
            var https = tls.Url.TrimEnd('/');
            var curl = $"curl -i --cacert {dev}/{DevCertificates.CaFile} --cert {dev}/reporting.pem --key {dev}/reporting-key.pem";
            lines.Append($"""

                200 — the reporting service proves who it is with its X.509-SVID (mTLS), no token:
                  {curl} {https}/orders/42

                403 sender_constraint_required — changing an order with a plain bearer token (it could be a copy):
                  curl -i -X PUT -H "Authorization: Bearer {bearer}" {url}/orders/42

                200 — the same change over mTLS: the credential is bound to its holder:
                  {curl} -X PUT {https}/orders/42

                Issue other dev SVIDs, e.g. for the batch job (the policy lets it read inventory, with any credential):
                  dotnet run --project src/Gateway -- cert{configOption} --spiffe-id spiffe://demo.local/ns/shop/sa/batch
                  curl -i --cacert {dev}/{DevCertificates.CaFile} --cert {dev}/batch.pem --key {dev}/batch-key.pem {https}/inventory/7
                (A frontend SVID can change an order but not read one: reading needs the orders.read scope, which only
                its token carries.)

                """);
        }

        if (config.Options.ApiKeys.StoreFile is not null)
        {
            lines.Append($"""

                API keys for legacy machines (the key is printed once; the store keeps only its hash):
                  dotnet run --project src/Gateway -- apikey create{configOption} --owner legacy-billing --expires 7d --routes inventory
                  curl -i -H "X-Api-Key: KEY" {url}/inventory/stock/sku-1      200: the policy lets this key read stock levels
                  curl -i -H "X-Api-Key: KEY" {url}/inventory/items/sku-1      403: and nothing else
                  dotnet run --project src/Gateway -- apikey revoke{configOption} ID   the running gateway refuses it within seconds
                  (ID: printed by create on stderr, shown by apikey list; it is the part of the key between gk_ and the next _)

                """);
        }

        return lines.ToString();
    }

    internal static TimeSpan ParseDuration(string s)
    {
        var max = TimeSpan.FromDays(1);
        TimeSpan? result = null;
        if (s.Length >= 2 && double.TryParse(s[..^1], NumberStyles.Float, CultureInfo.InvariantCulture, out var n)
            && n > 0 && double.IsFinite(n))
        {
            var seconds = s[^1] switch
            {
                's' => n,
                'm' => n * 60,
                'h' => n * 3600,
                _ => double.NaN,
            };
            if (!double.IsNaN(seconds))
            {
                result = seconds <= max.TotalSeconds ? TimeSpan.FromSeconds(seconds) : max + TimeSpan.FromTicks(1);
            }
        }
        else if (s.Contains(':') && TimeSpan.TryParse(s, CultureInfo.InvariantCulture, out var t))
        {
            result = t;
        }

        if (result is null || result <= TimeSpan.Zero)
        {
            throw new CommandLineException($"'{s}' is not a duration: write 30s, 15m, 1h or hh:mm:ss");
        }

        if (result > max)
        {
            throw new CommandLineException($"'{s}' is longer than a day: development tokens are short-lived");
        }

        return result.Value;
    }
}

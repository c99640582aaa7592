using System.Globalization;
using LoadTool.Load;

namespace LoadTool.Cli;

/// <summary>Parses <c>loadtool run [options]</c>. Every problem is a <see cref="CommandLineException"/> naming the option.</summary>
internal static class OptionsParser
{
    private static readonly HashSet<string> Flags = ["--quiet"];

    private static readonly HashSet<string> Known =
    [
        "--target", "--path", "--method", "--header", "--mode", "--rate", "--rate-from", "--rate-to", "--concurrency",
        "--max-in-flight", "--warmup", "--duration", "--requests", "--timeout", "--rounds", "--baseline", "--spin-us",
        "--sign-key", "--issuer", "--audience", "--identities", "--trust-domain", "--subject", "--claim",
        "--token-lifetime", "--token-file", "--bad-percent", "--forbidden-path", "--report-dir", "--threshold", "--quiet",
        "--watch-metric",
    ];

    public static LoadToolOptions Parse(IReadOnlyList<string> args)
    {
        var o = new LoadToolOptions { CommandLine = string.Join(' ', args) };
        bool durationSet = false, requestsSet = false, rateSet = false;
        for (var i = 0; i < args.Count; i++)
        {
            var arg = args[i];
            string name, value;
            var eq = arg.IndexOf('=', StringComparison.Ordinal);
            if (arg.StartsWith("--", StringComparison.Ordinal) && eq > 0)
            {
                name = arg[..eq];
                value = arg[(eq + 1)..];
            }
            else
            {
                name = arg;
                value = "";
                if (!Known.Contains(name))
                {
                    throw new CommandLineException($"unknown option '{arg}' (see loadtool --help)");
                }

                if (!Flags.Contains(name))
                {
                    if (i + 1 >= args.Count)
                    {
                        throw new CommandLineException($"{name} needs a value");
                    }

                    value = args[++i];
                }
            }

            if (!Known.Contains(name))
            {
                throw new CommandLineException($"unknown option '{name}' (see loadtool --help)");
            }

            switch (name)
            {
                case "--target": o.Targets.Add(ParseTarget(value, o.Targets.Count)); break;
                case "--path":
                    if (!value.StartsWith('/'))
                    {
                        throw new CommandLineException($"--path '{value}': a path starts with '/'");
                    }

                    o.Paths.Add(value);
                    break;
                case "--method": o.Method = value.Trim().ToUpperInvariant(); break;
                case "--header": o.Headers.Add(ParseHeader(value)); break;
                case "--mode":
                    o.Mode = value switch
                    {
                        "open" => LoadMode.Open,
                        "ramp" => LoadMode.Ramp,
                        "closed" => LoadMode.Closed,
                        _ => throw new CommandLineException($"--mode '{value}': use open, ramp or closed"),
                    };
                    break;
                case "--rate": o.Rate = PositiveDouble(name, value); rateSet = true; break;
                case "--rate-from": o.RateFrom = PositiveDouble(name, value); break;
                case "--rate-to": o.RateTo = PositiveDouble(name, value); break;
                case "--concurrency": o.Concurrency = PositiveInt(name, value); break;
                case "--max-in-flight": o.MaxInFlight = PositiveInt(name, value); break;
                case "--warmup": o.Warmup = DurationParser.Parse(name, value); break;
                case "--duration": o.Duration = PositiveDuration(name, value); durationSet = true; break;
                case "--requests": o.Requests = PositiveInt(name, value); requestsSet = true; break;
                case "--timeout": o.Timeout = PositiveDuration(name, value); break;
                case "--rounds": o.Rounds = PositiveInt(name, value); break;
                case "--baseline": o.Baseline = value; break;
                case "--spin-us":
                    o.SpinMicroseconds = int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var s) && s <= 10_000
                        ? s
                        : throw new CommandLineException($"--spin-us '{value}': a whole number of microseconds, 0..10000");
                    break;
                case "--sign-key": o.SignKeyFile = value; break;
                case "--issuer": o.Issuer = value; break;
                case "--audience": o.Audience = value; break;
                case "--identities": o.Identities = PositiveInt(name, value); break;
                case "--trust-domain": o.TrustDomain = value; break;
                case "--subject": o.SubjectTemplate = value; break;
                case "--claim":
                    var ceq = value.IndexOf('=', StringComparison.Ordinal);
                    if (ceq <= 0)
                    {
                        throw new CommandLineException($"--claim '{value}': write NAME=VALUE");
                    }

                    o.Claims.Add(new(value[..ceq], value[(ceq + 1)..]));
                    break;
                case "--token-lifetime": o.TokenLifetime = PositiveDuration(name, value); break;
                case "--token-file": o.TokenFile = value; break;
                case "--bad-percent":
                    o.BadPercent = double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out var bp) && bp is >= 0 and <= 100
                        ? bp
                        : throw new CommandLineException($"--bad-percent '{value}': a number from 0 to 100");
                    break;
                case "--forbidden-path":
                    o.ForbiddenPath = value.StartsWith('/') ? value : throw new CommandLineException($"--forbidden-path '{value}': a path starts with '/'");
                    break;
                case "--report-dir": o.ReportDirectory = value; break;
                case "--threshold": o.Thresholds.Add(value); break;
                case "--watch-metric": o.Watches.Add(ParseWatch(value)); break;
                case "--quiet": o.Quiet = true; break;
            }
        }

        Validate(o, durationSet, requestsSet, rateSet);
        return o;
    }

    private static void Validate(LoadToolOptions o, bool durationSet, bool requestsSet, bool rateSet)
    {
        if (o.Targets.Count == 0)
        {
            throw new CommandLineException("give at least one --target NAME=URL");
        }

        var dup = o.Targets.GroupBy(t => t.Name, StringComparer.Ordinal).FirstOrDefault(g => g.Count() > 1);
        if (dup is not null)
        {
            throw new CommandLineException($"--target: the name '{dup.Key}' is used twice");
        }

        if (o.Paths.Count == 0)
        {
            o.Paths.Add("/");
        }

        if (durationSet && requestsSet)
        {
            throw new CommandLineException("give --duration or --requests, not both");
        }

        if (!durationSet && requestsSet)
        {
            o.Duration = TimeSpan.Zero;
        }

        switch (o.Mode)
        {
            case LoadMode.Ramp:
                if (o.RateFrom <= 0 || o.RateTo <= 0)
                {
                    throw new CommandLineException("--mode ramp needs --rate-from and --rate-to");
                }

                if (requestsSet)
                {
                    throw new CommandLineException("--mode ramp is bounded by --duration (the ramp's length), not --requests");
                }

                if (rateSet)
                {
                    throw new CommandLineException("--mode ramp takes --rate-from/--rate-to, not --rate");
                }

                break;
            case LoadMode.Open:
                if (o.RateFrom > 0 || o.RateTo > 0)
                {
                    throw new CommandLineException("--rate-from/--rate-to need --mode ramp");
                }

                break;
            case LoadMode.Closed:
                if (rateSet || o.RateFrom > 0 || o.RateTo > 0)
                {
                    throw new CommandLineException("--mode closed runs at fixed --concurrency; it takes no rate");
                }

                break;
        }

        if (o.Baseline is not null && o.Targets.All(t => t.Name != o.Baseline))
        {
            throw new CommandLineException($"--baseline '{o.Baseline}': no --target has that name");
        }

        foreach (var w in o.Watches)
        {
            if (o.Targets.All(t => t.Name != w.Target))
            {
                throw new CommandLineException($"--watch-metric '{w.Target}=…': no --target has that name");
            }
        }

        if (o.Watches.GroupBy(w => w.Target, StringComparer.Ordinal).FirstOrDefault(g => g.Count() > 1) is { } twice)
        {
            throw new CommandLineException($"--watch-metric: one metric per target ('{twice.Key}' has two)");
        }

        if (o.SignKeyFile is not null && o.TokenFile is not null)
        {
            throw new CommandLineException("give --sign-key or --token-file, not both");
        }

        if (o.BadPercent > 0 && o.SignKeyFile is null && o.TokenFile is null)
        {
            throw new CommandLineException("--bad-percent needs valid credentials to spoil: give --sign-key or --token-file");
        }
    }

    /// <summary><c>TARGET=URL#METRIC</c>, e.g. <c>gateway=http://127.0.0.1:9090/metrics#gateway_gc_gen2_collections</c>.</summary>
    private static WatchSpec ParseWatch(string value)
    {
        const string Form = "write TARGET=URL#METRIC, e.g. gateway=http://127.0.0.1:9090/metrics#gateway_gc_gen2_collections";
        var eq = value.IndexOf('=');
        var hash = value.LastIndexOf('#');
        if (eq <= 0 || hash < eq)
        {
            throw new CommandLineException($"--watch-metric '{value}': {Form}");
        }

        var url = value[(eq + 1)..hash];
        var metric = value[(hash + 1)..];
        if (!Uri.TryCreate(url, UriKind.Absolute, out var uri) || (uri.Scheme != Uri.UriSchemeHttp && uri.Scheme != Uri.UriSchemeHttps))
        {
            throw new CommandLineException($"--watch-metric '{value}': '{url}' is not an http(s) URL; {Form}");
        }

        var name = metric.Split('{')[0];
        if (name.Length == 0 || !(char.IsAsciiLetter(name[0]) || name[0] is '_' or ':') || !name.All(c => char.IsAsciiLetterOrDigit(c) || c is '_' or ':')
            || (metric.Contains('{') && !metric.EndsWith('}')))
        {
            throw new CommandLineException($"--watch-metric '{value}': '{metric}' is not a Prometheus metric name (optionally with {{labels}}); {Form}");
        }

        return new WatchSpec(value[..eq], uri, metric);
    }

    private static TargetSpec ParseTarget(string value, int index)
    {
        var eq = value.IndexOf('=', StringComparison.Ordinal);
        var name = eq > 0 ? value[..eq] : (index == 0 ? "target" : $"target{index + 1}");
        var url = eq > 0 ? value[(eq + 1)..] : value;
        if (name.Length == 0 || !name.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.'))
        {
            throw new CommandLineException($"--target '{value}': the name may use letters, digits, '-', '_' and '.'");
        }

        if (!Uri.TryCreate(url, UriKind.Absolute, out var uri) || (uri.Scheme != Uri.UriSchemeHttp && uri.Scheme != Uri.UriSchemeHttps))
        {
            throw new CommandLineException($"--target '{value}': write NAME=http://host:port");
        }

        return new TargetSpec(name, uri);
    }

    private static KeyValuePair<string, string> ParseHeader(string value)
    {
        var colon = value.IndexOf(':', StringComparison.Ordinal);
        if (colon <= 0)
        {
            throw new CommandLineException($"--header '{value}': write 'Name: value'");
        }

        return new(value[..colon].Trim(), value[(colon + 1)..].Trim());
    }

    private static double PositiveDouble(string name, string value)
        => double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out var d) && d > 0 && double.IsFinite(d)
            ? d
            : throw new CommandLineException($"{name} '{value}': a positive number");

    private static int PositiveInt(string name, string value)
        => int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var n) && n > 0
            ? n
            : throw new CommandLineException($"{name} '{value}': a positive whole number");

    private static TimeSpan PositiveDuration(string name, string value)
    {
        var d = DurationParser.Parse(name, value);
        return d > TimeSpan.Zero ? d : throw new CommandLineException($"{name} '{value}': must be more than zero");
    }
}

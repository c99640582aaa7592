using System.Diagnostics;
using LoadTool.Cli;
using LoadTool.Identity;
using LoadTool.Load;
using LoadTool.Reporting;
using LoadTool.Thresholds;

namespace LoadTool;

/// <summary>The <c>run</c> verb end to end: parse, mint, run, report, check thresholds. Returns the exit code:
/// 0 all thresholds pass, 1 a threshold failed, 2 a usage or configuration error.</summary>
internal static class LoadToolApp
{
    public const int ExitOk = 0;
    public const int ExitThresholdFailed = 1;
    public const int ExitUsage = 2;

    public const string Usage = """
        loadtool run --target NAME=URL [--target NAME=URL]... [options]

        targets and requests
          --target NAME=URL          a system under test (repeatable; alternated A B A B each round)
          --path /p                  request path (repeatable: rotated; default /)
          --method GET               HTTP method
          --header 'K: V'            extra request header (repeatable)
        load model
          --mode open|ramp|closed    open loop at --rate; ramp from --rate-from to --rate-to; closed at --concurrency
          --rate 1000                requests/s (open)
          --rate-from N --rate-to M  requests/s at the start and end of the measured phase (ramp; warm-up runs at --rate-from)
          --concurrency 32           workers (closed)
          --max-in-flight 2000       cap on outstanding requests (open/ramp); late sends are still timed from their intended time
          --warmup 3s                warm-up per target and round (not measured)
          --duration 10s | --requests N   length of the measured phase per target and round
          --rounds 1                 rounds of A B A B …
          --baseline NAME            denominator of ratios and differences (default: the first target)
          --timeout 10s              per-request timeout (also the drain limit after a phase)
          --spin-us 100              spin only this long before a send is due; sleep before that (0 = never spin)
        identities
          --sign-key FILE            private JWK (EC or RSA) to mint workload tokens with
          --issuer URL               iss (default https://dev-issuer.gateway.local)
          --audience AUD             aud (default gateway)
          --identities N             distinct tokens to mint and rotate (default 1)
          --trust-domain TD          SPIFFE trust domain (default demo.local)
          --subject TEMPLATE         sub, with {td} and {i} (default spiffe://{td}/ns/load/sa/w{i})
          --claim NAME=VALUE         extra claim (repeatable; repeated names become arrays)
          --token-lifetime 30m       exp - iat of minted tokens
          --token-file FILE          instead of minting: tokens, one per line
          --bad-percent P            share of requests with a bad credential (expired, wrong audience, bad signature,
                                     no token, forbidden path), evenly mixed
          --forbidden-path /p        path a valid token must be refused on (enables the forbidden_path kind)
        output
          --report-dir DIR           write report.md, report.csv, report.json, report.html
          --threshold 'EXPR'         e.g. 'p99(gateway) < 5ms', 'ratio(gateway,yarp) >= 0.9', 'p99diff(gateway,yarp) <= 0.5ms',
                                     'bad_allowed == 0', 'errors(gateway) == 0' (repeatable; exit 1 if any fails)
          --quiet                    no progress line
          --watch-metric T=URL#NAME  read a Prometheus metric of target T (e.g. its gen-2 GC count) before and after
                                     each measured phase; reports the increase; threshold 'watched(T) == 0' (one per target)

        exit codes: 0 all thresholds pass, 1 a threshold failed, 2 usage or configuration error
        """;

    public static async Task<int> RunAsync(IReadOnlyList<string> args, TextWriter stdout, TextWriter stderr, CancellationToken cancellation)
    {
        LoadToolOptions options;
        List<Threshold> thresholds;
        CredentialSet credentials;
        try
        {
            options = OptionsParser.Parse(args);
            var names = options.Targets.Select(t => t.Name).ToList();
            thresholds = [.. options.Thresholds.Select(t => ThresholdParser.Parse(t, names))];
            if (thresholds.FirstOrDefault(t => t.Kind == ThresholdKind.Watched && options.Watches.All(w => w.Target != t.Targets[0])) is { } unwatched)
            {
                throw new CommandLineException($"--threshold '{unwatched.Expression}': give --watch-metric {unwatched.Targets[0]}=URL#METRIC");
            }

            credentials = CredentialSet.Build(options);
        }
        catch (CommandLineException ex)
        {
            await stderr.WriteLineAsync($"loadtool: error: {ex.Message}").ConfigureAwait(false);
            return ExitUsage;
        }

        foreach (var t in options.Targets.Where(t => !t.BaseUri.IsLoopback))
        {
            await stderr.WriteLineAsync($"loadtool: note: target '{t.Name}' ({t.BaseUri.Host}) is not a loopback address").ConfigureAwait(false);
        }

        if (credentials.Valid.Length > 0)
        {
            await stderr.WriteLineAsync($"loadtool: {credentials.Valid.Length} token(s) ready; bad kinds: {(options.BadPercent > 0 ? string.Join(", ", credentials.BadKinds.Select(BadCredentialKinds.Name)) : "none")}").ConfigureAwait(false);
        }

        var started = DateTimeOffset.UtcNow;
        var wall = Stopwatch.StartNew();
        var runner = new BenchmarkRunner(options, credentials, stderr);
        var phases = await runner.RunAsync(cancellation).ConfigureAwait(false);
        var badKinds = options.BadPercent > 0 ? credentials.BadKinds.Select(BadCredentialKinds.Name).ToList() : [];
        var report = ReportBuilder.Build(options, phases, started, wall.Elapsed.TotalSeconds, badKinds);
        foreach (var (target, watched) in runner.Watched)
        {
            report.Find(target)!.Watched = watched;
        }

        report.Thresholds.AddRange(thresholds.Select(t => ThresholdEvaluator.Evaluate(t, report)));

        TextReportWriter.Write(report, stdout);
        if (options.ReportDirectory is not null)
        {
            var files = ReportFiles.WriteAll(report, options.ReportDirectory);
            await stdout.WriteLineAsync().ConfigureAwait(false);
            await stdout.WriteLineAsync($"reports: {string.Join(", ", files)}").ConfigureAwait(false);
        }

        if (report.Thresholds.Count > 0)
        {
            await stdout.WriteLineAsync().ConfigureAwait(false);
            foreach (var t in report.Thresholds)
            {
                await stdout.WriteLineAsync($"{(t.Passed ? "PASS" : "FAIL")}  {t.Expression}  (measured {t.Actual})").ConfigureAwait(false);
            }
        }

        await stdout.FlushAsync(CancellationToken.None).ConfigureAwait(false);
        return report.Thresholds.Any(t => !t.Passed) ? ExitThresholdFailed : ExitOk;
    }
}

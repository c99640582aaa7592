using System.Text;
using BenchmarkDotNet.Attributes;
using PolicyCore;
using PolicyCore.Evaluation;
using PolicyCore.Model;

namespace Gateway.Benchmarks;

/// <summary>
/// One policy decision over realistic rule sets: N rules spread over N/10 routes, SPIFFE-id conditions, path templates.
/// Budget (DESIGN.md): p50 ≤ 2 µs, p99 ≤ 10 µs at 1,000 rules; 10,000 rules ≤ 2 × the 100-rule figure; 0 bytes.
/// </summary>
[MemoryDiagnoser]
public class PolicyEvaluationBenchmarks
{
    private PolicySet _policy = null!;
    private RequestContext _allowed = null!;
    private RequestContext _denied = null!;

    [Params(100, 1_000, 10_000)]
    public int Rules { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        var routes = Math.Max(1, Rules / 10);
        // Policy files are limited to 1 MiB each: write 1,000 rules per file, load them together.
        var dir = Directory.CreateTempSubdirectory("policy-bench-");
        var files = new List<string>();
        StringBuilder? yaml = null;
        for (var i = 0; i < Rules; i++)
        {
            if (i % 1000 == 0)
            {
                Flush();
                yaml = new StringBuilder("version: 1\nrules:\n");
            }

            var route = i % routes;
            var effect = i % 10 == 9 ? "deny" : "allow";
            var path = effect == "deny" ? $"/svc{route}/admin/**" : $"/svc{route}/items/{{id}}";
            yaml!.Append($"  - id: r{i}\n    effect: {effect}\n    match:\n      routes: [route{route}]\n      methods: [GET, POST]\n")
                .Append($"      paths: [\"{path}\"]\n    when:\n      spiffe_ids: [\"spiffe://bench.local/ns/ns{i % 50}/sa/*\"]\n");
        }

        Flush();
        var result = PolicyLoader.LoadFiles(files);
        dir.Delete(recursive: true);
        _policy = result.Policy ?? throw new InvalidOperationException(string.Join("\n", result.Diagnostics));

        void Flush()
        {
            if (yaml is null)
            {
                return;
            }

            var f = Path.Combine(dir.FullName, $"p{files.Count}.yaml");
            File.WriteAllText(f, yaml.ToString());
            files.Add(f);
        }

        var route0 = "route" + (routes - 1);
        var caller = new PolicyIdentity("spiffe://bench.local/ns/ns9/sa/api", "https://issuer.bench", "jwt",
            "spiffe://bench.local/ns/ns9/sa/api", "bench.local", null);
        _allowed = new RequestContext(caller, route0, "api.bench.local", "GET", $"/svc{routes - 1}/items/42", DateTimeOffset.UtcNow);
        _denied = new RequestContext(caller, route0, "api.bench.local", "GET", $"/svc{routes - 1}/admin/x", DateTimeOffset.UtcNow);
    }

    [Benchmark]
    public Decision Evaluate_Allowed() => PolicyEvaluator.Evaluate(_policy, _allowed);

    [Benchmark]
    public Decision Evaluate_NoMatch() => PolicyEvaluator.Evaluate(_policy, _denied);
}

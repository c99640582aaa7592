using System.Text.Json.Nodes;
using PolicyCore.Evaluation;
using PolicyCore.Model;

namespace Gateway.Hosting.Policy;

/// <summary><c>gateway policy test [DIR|FILE]</c>: runs policy test files against the config's policy, like a test runner.</summary>
internal static class PolicyTestCommand
{
    public static int Run(string[] args, TextWriter output, TextWriter error)
    {
        var a = PolicyArgs.Parse(args, ["config"], ["json"]);
        if (a.Positionals.Count > 1)
        {
            throw new CommandLineException($"policy test takes one DIR or FILE, not '{string.Join(" ", a.Positionals)}'");
        }

        var ctx = new PolicyToolContext(output, error, a.Has("json"));
        if (!ctx.LoadConfig(a.Get("config") ?? PolicyVerbs.DefaultConfig))
        {
            return 2;
        }

        var target = a.Positionals.Count == 1 ? a.Positionals[0] : Path.Combine(ctx.Config!.ConfigDirectory, "policies", "tests");
        List<string> files;
        if (File.Exists(target))
        {
            files = [target];
        }
        else if (Directory.Exists(target))
        {
            files = [.. Directory.EnumerateFiles(target, "*.*", SearchOption.AllDirectories)
                .Where(f => f.EndsWith(".yaml", StringComparison.OrdinalIgnoreCase) || f.EndsWith(".yml", StringComparison.OrdinalIgnoreCase))
                .Order(StringComparer.Ordinal)];
        }
        else
        {
            error.WriteLine($"error: no test file or folder at {target}");
            return 2;
        }

        if (files.Count == 0)
        {
            error.WriteLine($"error: no test files (*.yaml) in {PolicyToolContext.Rel(target)}");
            return 2;
        }

        var errors = new List<string>();
        var tests = new List<PolicyTestCase>();
        foreach (var f in files)
        {
            tests.AddRange(PolicyTestFileReader.Read(f, errors));
        }

        foreach (var t in tests)
        {
            if (t.Request.Route is { } r && ctx.Routes.Find(r) is null)
            {
                errors.Add($"{t.File}:{t.Line}:{t.Column}: error: test '{t.Name}': route '{r}' is not in the config (routes: {string.Join(", ", ctx.Routes.Routes.Select(x => x.Id))})");
            }

            if (t.ExpectedRule is { } rule && ctx.Policy!.FindRule(rule) is null && ctx.Policy.FindRequirement(rule) is null)
            {
                errors.Add($"{t.File}:{t.Line}:{t.Column}: error: test '{t.Name}': expected rule '{rule}' is not in the policy (neither a rule nor a route requirement)");
            }
        }

        if (errors.Count > 0)
        {
            foreach (var e in errors)
            {
                error.WriteLine(e);
            }

            error.WriteLine($"error: {errors.Count} problem(s) in the test files; no test was run");
            return 2;
        }

        var now = TimeProvider.System.GetUtcNow();
        var policy = ctx.Policy!;
        int passed = 0, failed = 0;
        var results = new JsonArray();
        string? currentFile = null;
        foreach (var t in tests)
        {
            var request = t.Request.Resolve(ctx.Routes, now);
            var explanation = PolicyEvaluator.Explain(policy, request.Context);
            var d = explanation.Decision;
            var problems = new List<string>();
            if (d.Effect != t.ExpectedEffect)
            {
                problems.Add($"decision: expected {Name(t.ExpectedEffect)}, got {Name(d.Effect)}");
            }

            if (t.ChecksRule && d.RuleId != t.ExpectedRule)
            {
                problems.Add($"rule: expected {t.ExpectedRule ?? "none"}, got {d.RuleId ?? "none"}");
            }

            if (t.ExpectedReason is { } reason && reason != d.Reason.ToCode())
            {
                problems.Add($"reason: expected {reason}, got {d.Reason.ToCode()}");
            }

            var ok = problems.Count == 0;
            if (ok)
            {
                passed++;
            }
            else
            {
                failed++;
            }

            if (ctx.Json)
            {
                var o = new JsonObject
                {
                    ["file"] = t.File,
                    ["line"] = t.Line,
                    ["name"] = t.Name,
                    ["passed"] = ok,
                    ["expected"] = new JsonObject { ["decision"] = Name(t.ExpectedEffect), ["rule"] = t.ChecksRule ? t.ExpectedRule ?? "none" : null, ["reason"] = t.ExpectedReason },
                    ["actual"] = new JsonObject { ["decision"] = Name(d.Effect), ["rule"] = d.RuleId, ["reason"] = d.Reason.ToCode() },
                };
                if (!ok)
                {
                    o["problems"] = RuleFacts.Array(problems);
                    o["explanation"] = ExplanationView.ToJson(policy, request, explanation);
                }

                results.Add(o);
                continue;
            }

            if (t.File != currentFile)
            {
                currentFile = t.File;
                output.WriteLine(t.File);
            }

            output.WriteLine($"  {(ok ? "✓" : "✗")} {t.Name}{(ok ? "" : $"  ({t.File}:{t.Line}:{t.Column})")}");
            if (!ok)
            {
                foreach (var p in problems)
                {
                    output.WriteLine("      " + p);
                }

                output.WriteLine("      why:");
                ExplanationView.WriteText(output, policy, request, explanation, "        ");
            }
        }

        if (ctx.Json)
        {
            ctx.WriteJson(new JsonObject { ["passed"] = passed, ["failed"] = failed, ["tests"] = results });
        }
        else
        {
            output.WriteLine();
            output.WriteLine($"{passed} passed, {failed} failed ({tests.Count} tests in {files.Count} file(s))");
        }

        return failed == 0 ? 0 : 1;
    }

    private static string Name(Effect e) => e == Effect.Allow ? "allow" : "deny";
}

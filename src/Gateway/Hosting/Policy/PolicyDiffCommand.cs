using System.Text.Json.Nodes;
using PolicyCore;
using PolicyCore.Evaluation;
using PolicyCore.Model;

namespace Gateway.Hosting.Policy;

/// <summary>
/// <c>gateway policy diff OLD NEW [--requests FILE] [--allow-flips]</c>: rules added, removed and changed (by id), role
/// and alias changes, and — given requests — every request whose decision flips, with both deciding rules and why.
/// Exit 1 when a decision flips (a preflight gate) unless <c>--allow-flips</c>.
/// </summary>
internal static class PolicyDiffCommand
{
    public static int Run(string[] args, TextWriter output, TextWriter error)
    {
        var a = PolicyArgs.Parse(args, ["config", "requests"], ["json", "allow-flips"]);
        if (a.Positionals.Count != 2)
        {
            throw new CommandLineException("policy diff needs OLD and NEW (policy files or folders)");
        }

        var ctx = new PolicyToolContext(output, error, a.Has("json"));
        var configFile = a.Get("config");
        if (configFile is not null || File.Exists(PolicyVerbs.DefaultConfig))
        {
            // Routes and labels for the requests; the config's own policy is not used.
            if (!ctx.LoadConfig(configFile ?? PolicyVerbs.DefaultConfig))
            {
                return 2;
            }
        }

        var old = Load(a.Positionals[0], error);
        var @new = Load(a.Positionals[1], error);
        if (old is null || @new is null)
        {
            return 2;
        }

        List<RequestLogReader.Entry>? requests = null;
        var skipped = 0;
        if (a.Get("requests") is { } requestsFile)
        {
            if (!File.Exists(requestsFile))
            {
                error.WriteLine($"error: requests file not found: {requestsFile}");
                return 2;
            }

            var errors = new List<string>();
            requests = RequestLogReader.Read(requestsFile, errors, out skipped);
            if (errors.Count > 0)
            {
                foreach (var e in errors)
                {
                    error.WriteLine(e);
                }

                return 2;
            }
        }

        var changes = CompareRules(old.Value.Policy, @new.Value.Policy);
        var definitionChanges = CompareDefinitions(PolicyDefinitions.Read(old.Value.Files), PolicyDefinitions.Read(@new.Value.Files));
        definitionChanges.AddRange(CompareRequirements(old.Value.Policy, @new.Value.Policy));
        var flips = new List<Flip>();
        var ruleOnly = 0;
        var now = TimeProvider.System.GetUtcNow();
        foreach (var entry in requests ?? [])
        {
            var r = entry.Request.Resolve(ctx.Routes, now);
            var before = PolicyEvaluator.Evaluate(old.Value.Policy, r.Context);
            var after = PolicyEvaluator.Explain(@new.Value.Policy, r.Context);
            if (before.Effect != after.Decision.Effect)
            {
                flips.Add(new Flip(entry, r, before, after.Decision, Why(old.Value.Policy, @new.Value.Policy, before, after)));
            }
            else if (before.RuleId != after.Decision.RuleId)
            {
                ruleOnly++;
            }
        }

        var blocked = flips.Count > 0 && !a.Has("allow-flips");
        if (ctx.Json)
        {
            var flipsJson = new JsonArray();
            foreach (var f in flips)
            {
                flipsJson.Add(new JsonObject
                {
                    ["line"] = f.Entry.Line,
                    ["request"] = ExplanationView.RequestJson(@new.Value.Policy, f.Request),
                    ["old"] = ExplanationView.DecisionJson(f.Old, old.Value.Policy),
                    ["new"] = ExplanationView.DecisionJson(f.New, @new.Value.Policy),
                    ["why"] = f.Why,
                });
            }

            ctx.WriteJson(new JsonObject
            {
                ["old"] = RuleFacts.Array(old.Value.Files.Select(PolicyToolContext.Rel)),
                ["new"] = RuleFacts.Array(@new.Value.Files.Select(PolicyToolContext.Rel)),
                ["added"] = RuleFacts.Array(changes.Where(c => c.Kind == "added").Select(c => c.Id)),
                ["removed"] = RuleFacts.Array(changes.Where(c => c.Kind == "removed").Select(c => c.Id)),
                ["changed"] = new JsonArray([.. changes.Where(c => c.Kind == "changed").Select(c => (JsonNode)new JsonObject
                {
                    ["id"] = c.Id,
                    ["fields"] = new JsonArray([.. c.Fields.Select(f => (JsonNode)new JsonObject { ["field"] = f.Field, ["old"] = f.Old, ["new"] = f.New })]),
                })]),
                ["definitions"] = RuleFacts.Array(definitionChanges),
                ["requests"] = requests is null ? null : new JsonObject
                {
                    ["evaluated"] = requests.Count,
                    ["skippedAnonymous"] = skipped,
                    ["flips"] = flips.Count,
                    ["sameEffectOtherRule"] = ruleOnly,
                },
                ["flips"] = flipsJson,
                ["passed"] = !blocked,
            });
            return blocked ? 1 : 0;
        }

        output.WriteLine($"policy diff {a.Positionals[0]} -> {a.Positionals[1]}");
        output.WriteLine($"rules: {changes.Count(c => c.Kind == "added")} added, {changes.Count(c => c.Kind == "removed")} removed, {changes.Count(c => c.Kind == "changed")} changed");
        foreach (var c in changes)
        {
            var mark = c.Kind switch { "added" => "+", "removed" => "-", _ => "~" };
            output.WriteLine($"  {mark} {RuleFacts.Effect(c.Rule),-13} {c.Id}  ({PolicyToolContext.Where(c.Rule)})");
            foreach (var f in c.Fields)
            {
                output.WriteLine($"        {f.Field}: {f.Old}  ->  {f.New}");
            }
        }

        foreach (var d in definitionChanges)
        {
            output.WriteLine("  ~ " + d);
        }

        if (requests is not null)
        {
            output.WriteLine();
            var audit = requests.Any(r => r.FromAudit);
            output.WriteLine($"requests: {requests.Count} evaluated{(skipped > 0 ? $" ({skipped} anonymous skipped)" : "")}, {flips.Count} flip(s), {ruleOnly} decided by another rule with the same effect"
                + (audit ? "\n  note: audit records carry no claims, headers or query: conditions on them cannot be evaluated" : ""));
            foreach (var f in flips)
            {
                var c = f.Request.Context;
                output.WriteLine($"  {c.Method} {c.Host}{c.Path} as {c.Identity!.Subject}  (line {f.Entry.Line}{(c.RouteId is null ? "" : $", route {c.RouteId}")})");
                output.WriteLine($"      old: {RuleFacts.DecisionText(f.Old, old.Value.Policy)}");
                output.WriteLine($"      new: {RuleFacts.DecisionText(f.New, @new.Value.Policy)}");
                output.WriteLine($"      why: {f.Why}");
            }

            if (blocked)
            {
                output.WriteLine($"{flips.Count} decision(s) would flip: failing (pass --allow-flips to accept them)");
            }
        }

        return blocked ? 1 : 0;
    }

    private sealed record Flip(RequestLogReader.Entry Entry, ResolvedRequest Request, Decision Old, Decision New, string Why);

    internal sealed record FieldChange(string Field, string Old, string New);

    internal sealed record RuleChange(string Kind, string Id, PolicyRule Rule, List<FieldChange> Fields);

    private static (PolicySet Policy, List<string> Files)? Load(string source, TextWriter error)
    {
        List<string> files;
        if (Directory.Exists(source))
        {
            files = [.. Directory.EnumerateFiles(source)
                .Where(f => (f.EndsWith(".yaml", StringComparison.OrdinalIgnoreCase) || f.EndsWith(".yml", StringComparison.OrdinalIgnoreCase))
                    && !f.EndsWith(".tests.yaml", StringComparison.OrdinalIgnoreCase) && !f.EndsWith(".tests.yml", StringComparison.OrdinalIgnoreCase))
                .Order(StringComparer.Ordinal)];
        }
        else
        {
            files = [source];
        }

        var result = PolicyLoader.LoadFiles(files);
        foreach (var d in result.Diagnostics)
        {
            error.WriteLine(d.ToString());
        }

        if (result.Policy is null)
        {
            error.WriteLine($"error: cannot load the policy {source}: fix the errors above");
            return null;
        }

        return (result.Policy, files);
    }

    internal static List<RuleChange> CompareRules(PolicySet old, PolicySet @new)
    {
        var result = new List<RuleChange>();
        foreach (var r in old.Rules)
        {
            if (@new.FindRule(r.Id) is null)
            {
                result.Add(new RuleChange("removed", r.Id, r, []));
            }
        }

        foreach (var r in @new.Rules)
        {
            var before = old.FindRule(r.Id);
            if (before is null)
            {
                result.Add(new RuleChange("added", r.Id, r, []));
                continue;
            }

            var fields = new List<FieldChange>();
            void Compare(string field, string a, string b)
            {
                if (a != b)
                {
                    fields.Add(new FieldChange(field, a, b));
                }
            }

            Compare("effect", RuleFacts.Effect(before), RuleFacts.Effect(r));
            Compare("routes", RuleFacts.List(before.Routes), RuleFacts.List(r.Routes));
            Compare("methods", RuleFacts.List(before.Methods), RuleFacts.List(r.Methods));
            Compare("hosts", RuleFacts.List(before.Hosts), RuleFacts.List(r.Hosts));
            Compare("paths", RuleFacts.List(before.Paths), RuleFacts.List(r.Paths));
            Compare("conditions", "[" + string.Join("; ", before.Conditions) + "]", "[" + string.Join("; ", r.Conditions) + "]");
            Compare("obligations", Obligations(before.Obligations), Obligations(r.Obligations));
            Compare("require", RuleFacts.List(before.Requirements, "-"), RuleFacts.List(r.Requirements, "-"));
            Compare("description", before.Description ?? "", r.Description ?? "");
            if (fields.Count > 0)
            {
                result.Add(new RuleChange("changed", r.Id, r, fields));
            }
        }

        return result;
    }

    private static string Obligations(RuleObligations? o)
        => o is null ? "-" : string.Join(", ", o.Headers.OrderBy(h => h.Key, StringComparer.OrdinalIgnoreCase).Select(h => $"{h.Key}: {h.Value}"))
            + (o.RateLimitClass is null ? "" : $"; rate_limit_class {o.RateLimitClass}");

    /// <summary>Route requirements added, removed or changed, keyed by id (or by their routes when they have none).</summary>
    internal static List<string> CompareRequirements(PolicySet old, PolicySet @new)
    {
        static Dictionary<string, string> Index(PolicySet policy)
        {
            var result = new Dictionary<string, string>(StringComparer.Ordinal);
            foreach (var q in policy.Requirements)
            {
                var key = q.Id ?? PolicyRequirement.SyntheticIdPrefix + string.Join(",", q.Routes);
                result.TryAdd(key, $"{(q.Mode == RuleMode.Shadow ? "shadow " : "")}require [{string.Join(", ", q.Requirements)}] on [{string.Join(", ", q.Routes)}]");
            }

            return result;
        }

        var a = Index(old);
        var b = Index(@new);
        var changes = new List<string>();
        foreach (var key in a.Keys.Union(b.Keys).Order(StringComparer.Ordinal))
        {
            a.TryGetValue(key, out var x);
            b.TryGetValue(key, out var y);
            if (x != y)
            {
                changes.Add($"requirement {key}: {x ?? "(none)"}  ->  {y ?? "(removed)"}");
            }
        }

        return changes;
    }

    private static List<string> CompareDefinitions(PolicyDefinitions old, PolicyDefinitions @new)
    {
        var result = new List<string>();
        foreach (var name in old.Roles.Keys.Union(@new.Roles.Keys).Order(StringComparer.Ordinal))
        {
            var a = old.Roles.TryGetValue(name, out var x) ? string.Join(" | ", x) : null;
            var b = @new.Roles.TryGetValue(name, out var y) ? string.Join(" | ", y) : null;
            if (a != b)
            {
                result.Add($"role {name}: {a ?? "(none)"}  ->  {b ?? "(removed)"}");
            }
        }

        foreach (var name in old.Aliases.Keys.Union(@new.Aliases.Keys).Order(StringComparer.Ordinal))
        {
            old.Aliases.TryGetValue(name, out var a);
            @new.Aliases.TryGetValue(name, out var b);
            if (a != b)
            {
                result.Add($"alias {name}: {a ?? "(none)"}  ->  {b ?? "(removed)"}");
            }
        }

        return result;
    }

    /// <summary>Why the effect flipped: the new deciding rule, or what became of the old one.</summary>
    private static string Why(PolicySet old, PolicySet @new, Decision before, PolicyExplanation after)
    {
        var d = after.Decision;
        string Fate(string ruleId)
        {
            if (@new.FindRule(ruleId) is null)
            {
                return $"rule {ruleId} was removed";
            }

            var e = after.Rules.FirstOrDefault(r => r.Rule.Id == ruleId);
            return e is null || e.Matched
                ? $"rule {ruleId} still matches"
                : $"rule {ruleId} no longer matches: {e.FailedCondition}";
        }

        if (d.Reason == DecisionReason.SenderConstraintRequired)
        {
            var what = @new.FindRequirement(d.RuleId!) is not null ? $"route requirement {d.RuleId}" : $"allow rule {d.RuleId}";
            return $"{what} now requires a sender-constrained credential, and this request has a bearer credential"
                + (old.FindRule(d.RuleId!) is null && old.FindRequirement(d.RuleId!) is null ? " (new)" : "");
        }

        if (d.Effect == Effect.Deny)
        {
            return d.RuleId is not null
                ? $"deny rule {d.RuleId} now matches" + (old.FindRule(d.RuleId) is null ? " (new rule)" : "")
                : before.RuleId is not null ? Fate(before.RuleId) + "; no allow rule matches (default deny)" : "no allow rule matches (default deny)";
        }

        var allow = $"allow rule {d.RuleId} now matches" + (d.RuleId is not null && old.FindRule(d.RuleId) is null ? " (new rule)" : "");
        return before.RuleId is not null ? $"{allow}; {Fate(before.RuleId)}" : allow;
    }
}

using System.Text.Json.Nodes;
using PolicyCore.Model;

namespace Gateway.Hosting.Policy;

/// <summary>
/// <c>gateway policy who --route R [--method M --path P]</c>: the identities, roles, aliases and patterns the enforced
/// allow rules that can apply to the route admit, and the deny rules that cover it.
/// </summary>
internal static class PolicyWhoCommand
{
    public static int Run(string[] args, TextWriter output, TextWriter error)
    {
        var a = PolicyArgs.Parse(args, ["config", "route", "method", "path", "host"], ["json"]);
        if (a.Positionals.Count > 0)
        {
            throw new CommandLineException($"unexpected argument '{a.Positionals[0]}'");
        }

        var routeId = a.Get("route") ?? throw new CommandLineException("give the route: --route ROUTE_ID");
        var method = a.Get("method")?.ToUpperInvariant();
        var path = a.Get("path");
        if (path is not null && !path.StartsWith('/'))
        {
            throw new CommandLineException($"--path '{path}' must start with '/'");
        }

        var host = a.Get("host") is { } h ? ToolRequest.NormalizeHost(h) : null;
        var ctx = new PolicyToolContext(output, error, a.Has("json"));
        if (!ctx.LoadConfig(a.Get("config") ?? PolicyVerbs.DefaultConfig))
        {
            return 2;
        }

        var route = ctx.Routes.Find(routeId)
            ?? throw new CommandLineException($"--route '{routeId}' is not in the config (routes: {string.Join(", ", ctx.Routes.Routes.Select(r => r.Id))})");
        var policy = ctx.Policy!;
        var defs = PolicyDefinitions.Read(policy.SourceFiles);
        var notes = new List<string>();
        if (path is not null && !route.MatchesPath(path))
        {
            notes.Add($"'{path}' does not match the route's template {route.PathTemplate}: the gateway would not send it to this route");
        }

        if (method is not null && !route.MatchesMethod(method))
        {
            notes.Add($"the route does not accept {method}");
        }

        var allows = Applicable(policy.Rules, route, method, path, host, Effect.Allow);
        var denies = Applicable(policy.Rules, route, method, path, host, Effect.Deny);
        var requirements = policy.Requirements.Where(r => r.Routes.Contains(route.Id)).ToList();
        if (ctx.Json)
        {
            var requirementsJson = new JsonArray();
            foreach (var q in requirements)
            {
                requirementsJson.Add(RuleFacts.RequirementRef(q, q.DeciderId(route.Id)));
            }

            ctx.WriteJson(new JsonObject
            {
                ["route"] = route.Id,
                ["pathTemplate"] = route.PathTemplate,
                ["labels"] = RuleFacts.Object(route.Labels),
                ["method"] = method,
                ["path"] = path,
                ["requirements"] = requirementsJson,
                ["allow"] = ToJson(allows, defs),
                ["deny"] = ToJson(denies, defs),
                ["notes"] = RuleFacts.Array(notes),
            });
            return 0;
        }

        output.WriteLine($"who can reach route {route.Id}  {route.PathTemplate}  labels {RuleFacts.Labels(route.Labels)}"
            + (method is null && path is null ? "" : $"  [{method ?? "any method"} {path ?? "any path"}]"));
        foreach (var n in notes)
        {
            output.WriteLine("note: " + n);
        }

        foreach (var q in requirements)
        {
            output.WriteLine($"{(q.Mode == RuleMode.Shadow ? "shadow " : "")}requirement {q.DeciderId(route.Id)} ({PolicyToolContext.Rel(q.File)}:{q.Line}:{q.Column}): "
                + $"every caller needs {string.Join("; ", q.Requirements.Select(RuleFacts.Meaning))}"
                + (q.Mode == RuleMode.Shadow ? " (shadow: reported, not enforced)" : ", whichever rule allows"));
        }

        output.WriteLine();
        if (allows.Count == 0)
        {
            output.WriteLine("nobody: no enforced allow rule applies (default deny)");
        }

        foreach (var r in allows)
        {
            Write(output, "allow", r, defs);
        }

        foreach (var r in denies)
        {
            Write(output, "except deny", r, defs);
        }

        return 0;
    }

    internal sealed record Candidate(PolicyRule Rule, List<string> Methods, List<string> Paths);

    private static List<Candidate> Applicable(IReadOnlyList<PolicyRule> rules, RouteEntry route, string? method, string? path, string? host, Effect effect)
    {
        var result = new List<Candidate>();
        foreach (var rule in rules)
        {
            if (rule.Effect != effect || rule.Mode == RuleMode.Shadow || !RuleProbe.AppliesToRoute(rule, route))
            {
                continue;
            }

            var methods = RuleProbe.Methods(rule, route, method);
            if (methods is null || RuleProbe.Host(rule, route, host) is not { } h
                || (rule.Hosts.Count > 0 && host is not null && !rule.Hosts.Any(p => HostMatches(p, h))))
            {
                continue;
            }

            List<string> paths;
            if (path is not null)
            {
                if (rule.Paths.Count > 0 && !rule.Paths.Any(p => RuleProbe.PathMatches(p, path, ignoreCase: effect == Effect.Deny)))
                {
                    continue;
                }

                paths = rule.Paths.Count == 0 ? ["*"] : [.. rule.Paths.Where(p => RuleProbe.PathMatches(p, path, effect == Effect.Deny))];
            }
            else
            {
                paths = [.. RuleProbe.Paths(rule, route).Select(p => p.Pattern)];
                if (paths.Count == 0)
                {
                    continue;
                }
            }

            result.Add(new Candidate(rule, methods, paths));
        }

        return result;
    }

    private static bool HostMatches(string pattern, string host)
        => pattern.StartsWith("*.", StringComparison.Ordinal)
            ? host.EndsWith(pattern[1..], StringComparison.OrdinalIgnoreCase) && host.Length > pattern.Length - 1
            : string.Equals(pattern, host, StringComparison.OrdinalIgnoreCase);

    private static List<string> Selectors(Candidate a, PolicyDefinitions defs)
    {
        var lines = new List<string>();
        foreach (var requirement in a.Rule.Requirements)
        {
            lines.Add($"require {requirement}: only callers with {RuleFacts.Meaning(requirement)}");
        }

        var identity = RuleFacts.IdentityConditions(a.Rule);
        if (identity.Count == 0)
        {
            lines.Add(a.Rule.Effect == Effect.Allow ? "every authenticated identity (no identity condition)" : "every identity (no identity condition)");
        }

        lines.AddRange(identity);
        foreach (var role in a.Rule.Roles)
        {
            lines.Add(defs.Roles.TryGetValue(role, out var grants)
                ? $"role {role} = " + string.Join(" | ", grants)
                : $"role {role}");
        }

        foreach (var alias in a.Rule.Identities)
        {
            lines.Add(defs.Aliases.TryGetValue(alias, out var text) ? $"alias {alias} = {text}" : $"alias {alias}");
        }

        foreach (var c in a.Rule.Conditions.Where(c => c.StartsWith("labels:", StringComparison.Ordinal)))
        {
            lines.Add(c);
        }

        foreach (var c in RuleFacts.ContextConditions(a.Rule))
        {
            lines.Add("conditional: " + c);
        }

        return lines;
    }

    private static void Write(TextWriter output, string kind, Candidate a, PolicyDefinitions defs)
    {
        output.WriteLine($"{kind} {a.Rule.Id} ({PolicyToolContext.Where(a.Rule)})  {RuleFacts.List(a.Methods)}  {string.Join(", ", a.Paths)}");
        foreach (var s in Selectors(a, defs))
        {
            output.WriteLine("    " + s);
        }
    }

    private static JsonArray ToJson(List<Candidate> rules, PolicyDefinitions defs)
    {
        var arr = new JsonArray();
        foreach (var a in rules)
        {
            var o = RuleFacts.RuleRef(a.Rule);
            o["methods"] = RuleFacts.Array(a.Methods.Count == 0 ? ["*"] : a.Methods);
            o["paths"] = RuleFacts.Array(a.Paths);
            o["identityConditions"] = RuleFacts.Array(RuleFacts.IdentityConditions(a.Rule));
            o["contextConditions"] = RuleFacts.Array(RuleFacts.ContextConditions(a.Rule));
            var roles = new JsonObject();
            foreach (var r in a.Rule.Roles)
            {
                roles[r] = RuleFacts.Array(defs.Roles.TryGetValue(r, out var g) ? g : []);
            }

            var aliases = new JsonObject();
            foreach (var al in a.Rule.Identities)
            {
                aliases[al] = defs.Aliases.TryGetValue(al, out var t) ? t : null;
            }

            o["roles"] = roles;
            o["aliases"] = aliases;
            arr.Add(o);
        }

        return arr;
    }
}

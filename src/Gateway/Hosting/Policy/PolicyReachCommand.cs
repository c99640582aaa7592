using System.Text.Json.Nodes;
using PolicyCore.Model;

namespace Gateway.Hosting.Policy;

/// <summary>
/// <c>gateway policy reach --identity S</c>: the identity's blast radius — every route, method set and path pattern its
/// enforced allow rules grant, with the deny rules that carve parts out. Shadow rules are not counted.
/// </summary>
internal static class PolicyReachCommand
{
    public static int Run(string[] args, TextWriter output, TextWriter error)
    {
        var a = PolicyArgs.Parse(args, ["config", "identity", "subject", "issuer", "auth-method", "spiffe-id", "trust-domain", "claim"], ["json"]);
        if (a.Positionals.Count > 0)
        {
            throw new CommandLineException($"unexpected argument '{a.Positionals[0]}'");
        }

        var request = PolicyExplainCommand.ReadRequest(a, requirePath: false);
        var ctx = new PolicyToolContext(output, error, a.Has("json"));
        if (!ctx.LoadConfig(a.Get("config") ?? PolicyVerbs.DefaultConfig))
        {
            return 2;
        }

        var policy = ctx.Policy!;
        var identity = request.ToIdentity();
        var routes = new JsonArray();
        var reachable = 0;
        if (!ctx.Json)
        {
            output.WriteLine($"reach of {ExplanationView.Identity(policy, identity)}");
            output.WriteLine();
        }

        var unreachable = new List<string>();
        foreach (var route in ctx.Routes.Routes)
        {
            var grants = Collect(policy, identity, route, Effect.Allow);
            if (grants.Count == 0)
            {
                unreachable.Add(route.Id);
                continue;
            }

            reachable++;
            var denies = Collect(policy, identity, route, Effect.Deny);
            if (ctx.Json)
            {
                routes.Add(new JsonObject
                {
                    ["route"] = route.Id,
                    ["pathTemplate"] = route.PathTemplate,
                    ["labels"] = RuleFacts.Object(route.Labels),
                    ["grants"] = ToJson(grants),
                    ["denies"] = ToJson(denies),
                });
                continue;
            }

            output.WriteLine($"route {route.Id}  {route.PathTemplate}  labels {RuleFacts.Labels(route.Labels)}");
            foreach (var g in grants)
            {
                Write(output, "  allow ", g);
            }

            foreach (var d in denies)
            {
                Write(output, "    except deny ", d);
            }

            output.WriteLine();
        }

        if (ctx.Json)
        {
            ctx.WriteJson(new JsonObject
            {
                ["identity"] = new JsonObject
                {
                    ["subject"] = identity.Subject,
                    ["spiffeId"] = identity.SpiffeId,
                    ["trustDomain"] = identity.TrustDomain,
                    ["issuer"] = identity.Issuer,
                    ["authMethod"] = identity.AuthMethod,
                    ["roles"] = RuleFacts.Array(policy.RolesOf(identity)),
                },
                ["routes"] = routes,
                ["unreachableRoutes"] = RuleFacts.Array(unreachable),
            });
        }
        else
        {
            if (unreachable.Count > 0)
            {
                output.WriteLine($"not reachable: {string.Join(", ", unreachable)}");
            }

            output.WriteLine($"{reachable} of {ctx.Routes.Routes.Count} route(s) reachable (shadow rules not counted; 'conditional' = depends on time, headers or query)");
        }

        return 0;
    }

    internal sealed record Grant(PolicyRule Rule, List<string> Methods, List<string> Paths, Reach Reach, string? Conditions);

    private static List<Grant> Collect(PolicyCore.PolicySet policy, PolicyIdentity identity, RouteEntry route, Effect effect)
    {
        var result = new List<Grant>();
        foreach (var rule in policy.Rules)
        {
            if (rule.Effect != effect || rule.Mode == RuleMode.Shadow || !RuleProbe.AppliesToRoute(rule, route))
            {
                continue;
            }

            var methods = RuleProbe.Methods(rule, route);
            var host = RuleProbe.Host(rule, route);
            var paths = RuleProbe.Paths(rule, route);
            if (methods is null || host is null || paths.Count == 0)
            {
                continue;
            }

            var method = methods.Count > 0 ? methods[0] : "GET";
            var best = Reach.No;
            string? why = null;
            var granted = new List<string>();
            foreach (var (pattern, sample) in paths)
            {
                var r = RuleProbe.Evaluate(policy, rule, identity, route, method, host, sample, out var w);
                if (r != Reach.No)
                {
                    granted.Add(pattern == "*" ? $"* ({route.PathTemplate})" : pattern);
                    best = best == Reach.Yes ? Reach.Yes : r;
                    why ??= w;
                }
            }

            if (granted.Count > 0)
            {
                result.Add(new Grant(rule, methods, granted, best, best == Reach.Conditional ? why : null));
            }
        }

        return result;
    }

    private static void Write(TextWriter output, string prefix, Grant g)
    {
        output.WriteLine($"{prefix}{RuleFacts.List(g.Methods),-10} {string.Join(", ", g.Paths)}   by {g.Rule.Id} ({PolicyToolContext.Where(g.Rule)})");
        if (g.Reach == Reach.Conditional)
        {
            output.WriteLine($"{new string(' ', prefix.Length)}  conditional: {g.Conditions}");
        }
    }

    private static JsonArray ToJson(List<Grant> grants)
    {
        var a = new JsonArray();
        foreach (var g in grants)
        {
            var o = RuleFacts.RuleRef(g.Rule);
            o["methods"] = RuleFacts.Array(g.Methods.Count == 0 ? ["*"] : g.Methods);
            o["paths"] = RuleFacts.Array(g.Paths);
            o["conditional"] = g.Reach == Reach.Conditional;
            o["conditions"] = RuleFacts.Array(g.Rule.Conditions);
            if (g.Conditions is not null)
            {
                o["dependsOn"] = g.Conditions;
            }

            a.Add(o);
        }

        return a;
    }
}

using System.Text.Json.Nodes;
using PolicyCore.Model;

namespace Gateway.Hosting.Policy;

/// <summary>
/// <c>gateway policy reach --identity S</c>: the identity's blast radius — every route, method set and path pattern its
/// enforced allow rules grant, with the deny rules that carve parts out. Shadow rules are not counted. A route requirement
/// or a rule's <c>require</c> the identity does not meet (a plain bearer credential where a sender-constrained one is
/// required) is shown, and such grants do not count as reachable.
/// </summary>
internal static class PolicyReachCommand
{
    public static int Run(string[] args, TextWriter output, TextWriter error)
    {
        var a = PolicyArgs.Parse(args, ["config", "identity", "subject", "issuer", "auth-method", "spiffe-id", "trust-domain", "claim"], ["json", "sender-constrained"]);
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
        var needsBinding = new List<string>();
        foreach (var route in ctx.Routes.Routes)
        {
            var grants = Collect(policy, identity, route, Effect.Allow);
            if (grants.Count == 0)
            {
                unreachable.Add(route.Id);
                continue;
            }

            var blockedBy = identity.SenderConstrained ? null : RuleFacts.RouteRequirements(policy, route.Id).FirstOrDefault();
            var usable = blockedBy is null && grants.Exists(g => g.Reach != Reach.SenderConstraintRequired);
            if (usable)
            {
                reachable++;
            }
            else
            {
                needsBinding.Add(route.Id);
            }

            var denies = Collect(policy, identity, route, Effect.Deny);
            if (ctx.Json)
            {
                routes.Add(new JsonObject
                {
                    ["route"] = route.Id,
                    ["pathTemplate"] = route.PathTemplate,
                    ["labels"] = RuleFacts.Object(route.Labels),
                    ["reachable"] = usable,
                    ["requirement"] = blockedBy is null ? null : RuleFacts.RequirementRef(blockedBy, blockedBy.DeciderId(route.Id)),
                    ["grants"] = ToJson(grants),
                    ["denies"] = ToJson(denies),
                });
                continue;
            }

            output.WriteLine($"route {route.Id}  {route.PathTemplate}  labels {RuleFacts.Labels(route.Labels)}");
            if (blockedBy is not null)
            {
                output.WriteLine($"  requirement {blockedBy.DeciderId(route.Id)} ({PolicyToolContext.Rel(blockedBy.File)}:{blockedBy.Line}:{blockedBy.Column}): "
                    + $"every caller needs {RuleFacts.Meaning("sender_constrained")}; this one is a plain bearer credential: denied (sender_constraint_required)");
            }

            foreach (var g in grants)
            {
                Write(output, "  allow ", g);
                if (blockedBy is not null && g.Reach != Reach.SenderConstraintRequired)
                {
                    output.WriteLine("          only with a sender-constrained credential (route requirement)");
                }
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
                    ["senderConstrained"] = identity.SenderConstrained,
                    ["roles"] = RuleFacts.Array(policy.RolesOf(identity)),
                },
                ["routes"] = routes,
                ["unreachableRoutes"] = RuleFacts.Array(unreachable),
                ["senderConstraintRequiredRoutes"] = RuleFacts.Array(needsBinding),
            });
        }
        else
        {
            if (unreachable.Count > 0)
            {
                output.WriteLine($"not reachable: {string.Join(", ", unreachable)}");
            }

            if (needsBinding.Count > 0)
            {
                output.WriteLine($"not reachable with this bearer credential (a sender-constrained one would): {string.Join(", ", needsBinding)}");
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
                result.Add(new Grant(rule, methods, granted, best, best is Reach.Conditional or Reach.SenderConstraintRequired ? why : null));
            }
        }

        return result;
    }

    private static void Write(TextWriter output, string prefix, Grant g)
    {
        output.WriteLine($"{prefix}{RuleFacts.List(g.Methods),-10} {string.Join(", ", g.Paths)}   by {g.Rule.Id} ({PolicyToolContext.Where(g.Rule)}){RuleFacts.RequireSuffix(g.Rule)}");
        if (g.Reach == Reach.Conditional)
        {
            output.WriteLine($"{new string(' ', prefix.Length)}  conditional: {g.Conditions}");
        }
        else if (g.Reach == Reach.SenderConstraintRequired)
        {
            output.WriteLine($"{new string(' ', prefix.Length)}  only with a sender-constrained credential ({g.Conditions})");
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
            o["requirementMet"] = g.Reach != Reach.SenderConstraintRequired;
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

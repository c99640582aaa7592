using PolicyCore.Evaluation;

namespace Gateway.Hosting.Policy;

/// <summary><c>gateway policy explain</c>: one request's decision, deciding rule, every matching rule and near misses.</summary>
internal static class PolicyExplainCommand
{
    public static int Run(string[] args, TextWriter output, TextWriter error)
    {
        var a = PolicyArgs.Parse(
            args,
            ["config", "subject", "identity", "issuer", "auth-method", "spiffe-id", "trust-domain", "claim", "method", "host", "path", "route", "label", "header", "query", "time"],
            ["json", "all", "sender-constrained"]);
        if (a.Positionals.Count > 0)
        {
            throw new CommandLineException($"unexpected argument '{a.Positionals[0]}'");
        }

        var request = ReadRequest(a, requirePath: true);
        var ctx = new PolicyToolContext(output, error, a.Has("json"));
        if (!ctx.LoadConfig(a.Get("config") ?? PolicyVerbs.DefaultConfig))
        {
            return 2;
        }

        if (request.Route is { } route && ctx.Routes.Find(route) is null)
        {
            throw new CommandLineException($"--route '{route}' is not in the config (routes: {string.Join(", ", ctx.Routes.Routes.Select(r => r.Id))})");
        }

        var resolved = request.Resolve(ctx.Routes, TimeProvider.System.GetUtcNow());
        var explanation = PolicyEvaluator.Explain(ctx.Policy, resolved.Context);
        if (ctx.Json)
        {
            ctx.WriteJson(ExplanationView.ToJson(ctx.Policy!, resolved, explanation));
        }
        else
        {
            ExplanationView.WriteText(output, ctx.Policy!, resolved, explanation, all: a.Has("all"));
        }

        return 0;
    }

    /// <summary>The identity and request options shared by explain and reach.</summary>
    internal static ToolRequest ReadRequest(PolicyArgs a, bool requirePath)
    {
        var subject = a.Get("subject") ?? a.Get("identity")
            ?? throw new CommandLineException("give the caller: --subject SUBJECT (a SPIFFE id or a token subject)");
        var path = a.Get("path");
        if (requirePath && path is null)
        {
            throw new CommandLineException("give the request path: --path /orders/42");
        }

        if (path is not null && !path.StartsWith('/'))
        {
            throw new CommandLineException($"--path '{path}' must start with '/'");
        }

        var claims = new Dictionary<string, List<string>>(StringComparer.Ordinal);
        foreach (var (k, v) in a.Pairs("claim"))
        {
            ToolRequest.AddClaim(claims, k, v);
        }

        DateTimeOffset? time = null;
        if (a.Get("time") is { } t)
        {
            try
            {
                time = ToolRequest.ParseTime(t);
            }
            catch (FormatException ex)
            {
                throw new CommandLineException("--time " + ex.Message);
            }
        }

        var auth = a.Get("auth-method") ?? "jwt";
        if (auth is not ("jwt" or "mtls" or "api_key"))
        {
            throw new CommandLineException($"--auth-method '{auth}': write jwt, mtls or api_key");
        }

        return new ToolRequest
        {
            Subject = subject,
            Issuer = a.Get("issuer"),
            AuthMethod = auth,
            SenderConstrained = a.Has("sender-constrained") || auth == "mtls",
            SpiffeId = a.Get("spiffe-id"),
            TrustDomain = a.Get("trust-domain"),
            Claims = claims,
            Method = a.Get("method") ?? "GET",
            Host = a.Get("host"),
            Path = path ?? "/",
            Route = a.Get("route"),
            Labels = a.GetAll("label").Count == 0 ? null : a.Pairs("label").ToDictionary(p => p.Key, p => p.Value, StringComparer.Ordinal),
            Headers = a.Pairs("header").GroupBy(p => p.Key, StringComparer.OrdinalIgnoreCase)
                .ToDictionary(g => g.Key, g => string.Join(", ", g.Select(p => p.Value)), StringComparer.OrdinalIgnoreCase),
            Query = a.Pairs("query").GroupBy(p => p.Key, StringComparer.Ordinal)
                .ToDictionary(g => g.Key, g => g.First().Value, StringComparer.Ordinal),
            Time = time,
        };
    }
}

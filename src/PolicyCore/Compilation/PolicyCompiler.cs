using PolicyCore.Model;
using PolicyCore.Syntax;

namespace PolicyCore.Compilation;

/// <summary>Builds the immutable, indexed <see cref="PolicySet"/> from syntax trees that passed validation.</summary>
internal static class PolicyCompiler
{
    public static PolicySet Compile(IReadOnlyList<PolicyFileSyntax> files, IReadOnlyList<string> sourceFiles, long revision)
    {
        var rules = new List<CompiledRule>();
        foreach (var file in files)
        {
            foreach (var rule in file.Rules)
            {
                rules.Add(CompileRule(rule, rules.Count));
            }
        }

        return new PolicySet(revision, [.. sourceFiles], [.. rules]);
    }

    private static CompiledRule CompileRule(RuleSyntax rule, int order)
    {
        var id = rule.Id?.Value ?? throw Bug(rule, "id");
        var effect = rule.Effect?.Value switch
        {
            "allow" => Effect.Allow,
            "deny" => Effect.Deny,
            _ => throw Bug(rule, "effect"),
        };

        var match = rule.Match;
        var routes = match is null ? [] : Distinct(match.Routes, upper: false);
        var methods = match is null ? [] : Distinct(match.Methods, upper: true);
        var hosts = new List<HostPattern>();
        var paths = new List<PathPattern>();
        if (match is not null)
        {
            foreach (var host in match.Hosts)
            {
                hosts.Add(HostPattern.TryParse(host.Value, out var pattern, out _) ? pattern : throw Bug(rule, "hosts"));
            }

            foreach (var path in match.Paths)
            {
                var compiled = PathPattern.TryParse(path.Value, out var pattern, out _) ? pattern : throw Bug(rule, "paths");
                paths.Add(effect == Effect.Deny ? compiled.IgnoringCase() : compiled);
            }
        }

        return new CompiledRule(
            id, effect, order, rule.File, rule.Position.Line, rule.Position.Column,
            routes, methods, [.. hosts], [.. paths], CompileConditions(rule));
    }

    private static RuleCondition[] CompileConditions(RuleSyntax rule)
    {
        var when = rule.When;
        if (when is null)
        {
            return [];
        }

        var conditions = new List<RuleCondition>();

        // Cheap exact checks first, patterns next, claims last.
        if (when.AuthMethods.Count > 0)
        {
            conditions.Add(new StringSetCondition(IdentityAttribute.AuthMethod, Distinct(when.AuthMethods, upper: false), StringComparison.Ordinal));
        }

        if (when.TrustDomains.Count > 0)
        {
            conditions.Add(new StringSetCondition(IdentityAttribute.TrustDomain, Distinct(when.TrustDomains, upper: false), StringComparison.OrdinalIgnoreCase));
        }

        if (when.Issuers.Count > 0)
        {
            conditions.Add(new StringSetCondition(IdentityAttribute.Issuer, Distinct(when.Issuers, upper: false), StringComparison.Ordinal));
        }

        if (when.SpiffeIds.Count > 0)
        {
            var patterns = new IdentityPattern[when.SpiffeIds.Count];
            for (var i = 0; i < patterns.Length; i++)
            {
                patterns[i] = IdentityPattern.TryParseSpiffeId(when.SpiffeIds[i].Value, out var p, out _) ? p : throw Bug(rule, "spiffe_ids");
            }

            conditions.Add(new SpiffeIdCondition(patterns));
        }

        if (when.Subjects.Count > 0)
        {
            var patterns = new IdentityPattern[when.Subjects.Count];
            for (var i = 0; i < patterns.Length; i++)
            {
                patterns[i] = IdentityPattern.TryParseSubject(when.Subjects[i].Value, out var p, out _) ? p : throw Bug(rule, "subjects");
            }

            conditions.Add(new SubjectCondition(patterns));
        }

        foreach (var claim in when.Claims)
        {
            var name = claim.Name?.Value ?? throw Bug(rule, "claims.name");
            if (claim.EqualsValue is not null)
            {
                conditions.Add(new ClaimCondition(name, ClaimOperator.Equal, [claim.EqualsValue.Value]));
            }
            else if (claim.Contains is not null)
            {
                conditions.Add(new ClaimCondition(name, ClaimOperator.Contains, [claim.Contains.Value]));
            }
            else if (claim.ContainsAny is { Count: > 0 })
            {
                conditions.Add(new ClaimCondition(name, ClaimOperator.ContainsAny, Distinct(claim.ContainsAny, upper: false)));
            }
            else
            {
                throw Bug(rule, "claims");
            }
        }

        return [.. conditions];
    }

    private static string[] Distinct(IReadOnlyList<YamlScalar> values, bool upper)
    {
        var result = new List<string>(values.Count);
        foreach (var value in values)
        {
            var text = upper ? value.Value.ToUpperInvariant() : value.Value;
            if (!result.Contains(text))
            {
                result.Add(text);
            }
        }

        return [.. result];
    }

    private static InvalidOperationException Bug(RuleSyntax rule, string field)
        => new($"Compiling an unvalidated rule at {rule.File}:{rule.Position}: field '{field}'. Validate before compiling.");
}

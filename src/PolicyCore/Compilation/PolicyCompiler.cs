using PolicyCore.Model;
using PolicyCore.Syntax;

namespace PolicyCore.Compilation;

/// <summary>Builds the immutable, indexed <see cref="PolicySet"/> from syntax trees that passed validation.</summary>
internal sealed class PolicyCompiler
{
    private readonly Dictionary<string, NamedBlockSyntax> _roles = new(StringComparer.Ordinal);
    private readonly Dictionary<string, NamedBlockSyntax> _aliases = new(StringComparer.Ordinal);
    private readonly Dictionary<string, RuleCondition[][]> _compiledRoles = new(StringComparer.Ordinal);
    private readonly Dictionary<string, RuleCondition[][]> _compiledAliases = new(StringComparer.Ordinal);
    private SpiffePathLayout? _layout;

    public static PolicySet Compile(IReadOnlyList<PolicyFileSyntax> files, IReadOnlyList<string> sourceFiles, long revision)
        => new PolicyCompiler().Run(files, sourceFiles, revision);

    private PolicySet Run(IReadOnlyList<PolicyFileSyntax> files, IReadOnlyList<string> sourceFiles, long revision)
    {
        foreach (var file in files)
        {
            foreach (var role in file.Roles)
            {
                _roles.TryAdd(role.Name.Value, role);
            }

            foreach (var alias in file.Identities)
            {
                _aliases.TryAdd(alias.Name.Value, alias);
            }

            if (file.SpiffePath is { } layoutText && _layout is null)
            {
                _layout = SpiffePathLayout.TryParse(layoutText.Value, out var layout, out _) ? layout : throw Bug(file.File, "spiffe_path");
            }
        }

        var rules = new List<CompiledRule>();
        var requirements = new List<PolicyRequirement>();
        var routeRequirements = new List<RouteRequirement>();
        foreach (var file in files)
        {
            var fileShadow = file.Mode?.Value == "shadow";
            foreach (var rule in file.Rules)
            {
                rules.Add(CompileRule(rule, rules.Count, fileShadow));
            }

            foreach (var requirement in file.Requirements)
            {
                var info = CompileRequirement(requirement, requirements.Count, fileShadow, out var flags);
                requirements.Add(info);
                foreach (var route in info.Routes)
                {
                    routeRequirements.Add(new RouteRequirement(route, info.Order, flags, info.Mode == RuleMode.Shadow, info));
                }
            }
        }

        var roles = new Dictionary<string, RuleCondition[][]>(StringComparer.Ordinal);
        foreach (var name in _roles.Keys)
        {
            roles[name] = RoleGrants(name, 0);
        }

        return new PolicySet(revision, [.. sourceFiles], [.. rules], roles, [.. requirements], [.. routeRequirements]);
    }

    private static PolicyRequirement CompileRequirement(RequirementSyntax requirement, int order, bool fileShadow, out RequirementFlags flags)
    {
        flags = Flags(requirement.Require, requirement.File);
        var mode = fileShadow || requirement.Mode?.Value == "shadow" ? RuleMode.Shadow : RuleMode.Enforce;
        return new PolicyRequirement(
            requirement.Id?.Value, Distinct(requirement.Routes, upper: false), RequirementNames.ToNames(flags), mode, requirement.Description?.Value,
            requirement.File, requirement.Position.Line, requirement.Position.Column, order);
    }

    private static RequirementFlags Flags(IReadOnlyList<YamlScalar> names, string file)
    {
        var flags = RequirementFlags.None;
        foreach (var name in names)
        {
            flags |= RequirementNames.TryParse(name.Value, out var flag) ? flag : throw Bug(file, "require");
        }

        return flags;
    }

    private CompiledRule CompileRule(RuleSyntax rule, int order, bool fileShadow)
    {
        var id = rule.Id?.Value ?? throw Bug(rule.File, "id");
        var effect = rule.Effect?.Value switch
        {
            "allow" => Effect.Allow,
            "deny" => Effect.Deny,
            _ => throw Bug(rule.File, "effect"),
        };
        var mode = fileShadow || rule.Mode?.Value == "shadow" ? RuleMode.Shadow : RuleMode.Enforce;

        var match = rule.Match;
        var routes = match is null ? [] : Distinct(match.Routes, upper: false);
        var methods = match is null ? [] : Distinct(match.Methods, upper: true);
        var hosts = new List<HostPattern>();
        var paths = new List<PathPattern>();
        var conditions = new List<RuleCondition>();
        var labels = new Dictionary<string, IReadOnlyList<string>>(StringComparer.Ordinal);
        if (match is not null)
        {
            foreach (var host in match.Hosts)
            {
                hosts.Add(HostPattern.TryParse(host.Value, out var pattern, out _) ? pattern : throw Bug(rule.File, "hosts"));
            }

            foreach (var path in match.Paths)
            {
                var compiled = PathPattern.TryParse(path.Value, out var pattern, out _) ? pattern : throw Bug(rule.File, "paths");
                paths.Add(effect == Effect.Deny ? compiled.IgnoringCase() : compiled);
            }

            foreach (var label in match.Labels)
            {
                var values = Distinct(label.Values, upper: false);
                labels[label.Name.Value] = Array.AsReadOnly(values);
                conditions.Add(new LabelCondition(label.Name.Value, values));
            }
        }

        if (rule.When is { } when)
        {
            conditions.AddRange(CompileBlock(when, rule.File));
        }

        RuleObligations? obligations = null;
        if (rule.Obligations is { } o && (o.Headers.Count > 0 || o.RateLimitClass is not null))
        {
            var headers = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
            foreach (var (name, value) in o.Headers)
            {
                headers[name.Value] = value.Value;
            }

            obligations = new RuleObligations(headers, o.RateLimitClass?.Value);
        }

        var requirements = Flags(rule.Require, rule.File);
        if (requirements != RequirementFlags.None && effect != Effect.Allow)
        {
            throw Bug(rule.File, "require");
        }

        RuleCondition[] compiledConditions = [.. conditions];
        var descriptions = new string[compiledConditions.Length];
        for (var i = 0; i < descriptions.Length; i++)
        {
            descriptions[i] = compiledConditions[i].Describe();
        }

        var info = new PolicyRule(
            id, effect, mode, rule.Description?.Value, rule.File, rule.Position.Line, rule.Position.Column, order, routes, methods,
            [.. hosts.Select(h => h.Text)], [.. paths.Select(p => p.Text)], labels,
            rule.When is null ? [] : Distinct(rule.When.Roles, upper: false),
            rule.When is null ? [] : Distinct(rule.When.Identities, upper: false),
            descriptions, obligations, RequirementNames.ToNames(requirements));

        return new CompiledRule(
            id, effect, order, rule.File, rule.Position.Line, rule.Position.Column,
            routes, methods, [.. hosts], [.. paths], compiledConditions, mode, obligations, info, requirements);
    }

    /// <summary>One condition block: cheap exact checks first, patterns next, claims, labels and the rest last.</summary>
    private RuleCondition[] CompileBlock(WhenSyntax when, string file)
    {
        var conditions = new List<RuleCondition>();
        if (when.SenderConstrained is { } senderConstrained)
        {
            conditions.Add(new SenderConstrainedCondition(senderConstrained.Value == "true"));
        }

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
                patterns[i] = IdentityPattern.TryParseSpiffeId(when.SpiffeIds[i].Value, out var p, out _) ? p : throw Bug(file, "spiffe_ids");
            }

            conditions.Add(new SpiffeIdCondition(patterns));
        }

        if (when.Subjects.Count > 0)
        {
            var patterns = new IdentityPattern[when.Subjects.Count];
            for (var i = 0; i < patterns.Length; i++)
            {
                patterns[i] = IdentityPattern.TryParseSubject(when.Subjects[i].Value, out var p, out _) ? p : throw Bug(file, "subjects");
            }

            conditions.Add(new SubjectCondition(patterns));
        }

        foreach (var claim in when.Claims)
        {
            var name = claim.Name?.Value ?? throw Bug(file, "claims.name");
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
                throw Bug(file, "claims");
            }
        }

        foreach (var label in when.Labels)
        {
            conditions.Add(new LabelCondition(label.Name.Value, Distinct(label.Values, upper: false)));
        }

        foreach (var attribute in when.Attributes)
        {
            var source = attribute.Identity is { } text && AttributeSource.TryParse(text.Value, _layout, out var s, out _) ? s : throw Bug(file, "attributes");
            conditions.Add(attribute.EqualsLabel is { } label
                ? new AttributeCondition(source, label.Value, [])
                : new AttributeCondition(source, null, attribute.EqualsValue is { } v ? [v.Value] : Distinct(attribute.In ?? [], upper: false)));
        }

        if (when.Identities.Count > 0)
        {
            var names = Distinct(when.Identities, upper: false);
            var grants = new List<RuleCondition[]>();
            foreach (var name in names)
            {
                grants.AddRange(AliasGrants(name));
            }

            conditions.Add(new SelectorCondition("identities", names, [.. grants]));
        }

        if (when.Roles.Count > 0)
        {
            var names = Distinct(when.Roles, upper: false);
            var grants = new List<RuleCondition[]>();
            foreach (var name in names)
            {
                grants.AddRange(RoleGrants(name, 0));
            }

            conditions.Add(new SelectorCondition("roles", names, [.. grants]));
        }

        foreach (var header in when.Headers)
        {
            conditions.Add(CompileValue(header, true, file));
        }

        foreach (var query in when.Query)
        {
            conditions.Add(CompileValue(query, false, file));
        }

        if (when.Time is { } time)
        {
            conditions.Add(CompileTime(time, file));
        }

        if (when.Not is { } not)
        {
            conditions.Add(new CombinatorCondition(CombinatorKind.Not, [CompileBlock(not, file)]));
        }

        if (when.Any is { } any)
        {
            conditions.Add(new CombinatorCondition(CombinatorKind.Any, [.. any.Select(b => CompileBlock(b, file))]));
        }

        if (when.All is { } all)
        {
            conditions.Add(new CombinatorCondition(CombinatorKind.All, [.. all.Select(b => CompileBlock(b, file))]));
        }

        return [.. conditions];
    }

    private static RequestValueCondition CompileValue(ValueConditionSyntax value, bool header, string file)
    {
        var name = value.Name?.Value ?? throw Bug(file, header ? "headers.name" : "query.name");
        if (value.Present is { } present)
        {
            return new RequestValueCondition(header, name, [], present.Value == "true");
        }

        return new RequestValueCondition(header, name, value.EqualsValue is { } v ? [v.Value] : Distinct(value.In ?? [], upper: false), null);
    }

    private static TimeWindowCondition CompileTime(TimeWindowSyntax time, string file)
    {
        var mask = 0;
        foreach (var day in time.Days)
        {
            mask |= TimeWindowCondition.TryParseDays(day.Value, out var m) ? m : throw Bug(file, "time.days");
        }

        if (mask == 0)
        {
            mask = TimeWindowCondition.AllDays;
        }

        var from = 0;
        var to = 24 * 60;
        if (time.From is { } f && !TimeWindowCondition.TryParseClock(f.Value, false, out from))
        {
            throw Bug(file, "time.from");
        }

        if (time.To is { } t && !TimeWindowCondition.TryParseClock(t.Value, true, out to))
        {
            throw Bug(file, "time.to");
        }

        var zone = TimeZoneInfo.Utc;
        if (time.TimeZone is { } z && !TimeWindowCondition.TryFindZone(z.Value, out zone))
        {
            throw Bug(file, "time.time_zone");
        }

        var text = $"days {(time.Days.Count == 0 ? "any" : RuleCondition.List(time.Days.Select(d => d.Value)))}, "
            + $"{time.From?.Value ?? "00:00"}-{time.To?.Value ?? "24:00"} {zone.Id}";
        return new TimeWindowCondition(text, mask, from, to, zone);
    }

    private RuleCondition[][] AliasGrants(string name)
    {
        if (_compiledAliases.TryGetValue(name, out var cached))
        {
            return cached;
        }

        var alias = _aliases.TryGetValue(name, out var a) ? a : throw Bug("(policy)", $"identities.{name}");
        var grants = alias.Grants.Select(g => CompileBlock(g, alias.File)).ToArray();
        _compiledAliases[name] = grants;
        return grants;
    }

    private RuleCondition[][] RoleGrants(string name, int depth)
    {
        if (_compiledRoles.TryGetValue(name, out var cached))
        {
            return cached;
        }

        if (depth > 64)
        {
            throw Bug("(policy)", $"roles.{name} (cycle)");
        }

        var role = _roles.TryGetValue(name, out var r) ? r : throw Bug("(policy)", $"roles.{name}");
        var grants = new List<RuleCondition[]>();
        foreach (var grant in role.Grants)
        {
            // A grant naming other roles: inline them, ANDed with the grant's own conditions.
            var own = CompileBlock(WithoutRoles(grant), role.File);
            if (grant.Roles.Count == 0)
            {
                grants.Add(own);
                continue;
            }

            var nested = new List<RuleCondition[]>();
            foreach (var inner in Distinct(grant.Roles, upper: false))
            {
                nested.AddRange(RoleGrants(inner, depth + 1));
            }

            grants.Add([.. own, new SelectorCondition("roles", Distinct(grant.Roles, upper: false), [.. nested])]);
        }

        var result = grants.ToArray();
        _compiledRoles[name] = result;
        return result;
    }

    private static WhenSyntax WithoutRoles(WhenSyntax grant)
    {
        if (grant.Roles.Count == 0)
        {
            return grant;
        }

        var copy = new WhenSyntax(grant.Position)
        {
            Subjects = grant.Subjects,
            SpiffeIds = grant.SpiffeIds,
            TrustDomains = grant.TrustDomains,
            Issuers = grant.Issuers,
            AuthMethods = grant.AuthMethods,
            Identities = grant.Identities,
        };
        copy.Claims.AddRange(grant.Claims);
        return copy;
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

    private static InvalidOperationException Bug(string file, string field)
        => new($"Compiling an unvalidated policy ({file}): field '{field}'. Validate before compiling.");
}

using PolicyCore.Compilation;
using PolicyCore.Diagnostics;
using PolicyCore.Syntax;

namespace PolicyCore.Validation;

/// <summary>
/// Checks the values of all files loaded together and reports every problem: version, ids (syntax and uniqueness
/// across files), effects, modes, routes, hosts, methods, paths, identity patterns, claim, label, attribute, time,
/// header and query conditions, roles and identity aliases (references, cycles), obligations; plus warnings
/// (including allow rules a broader deny makes unreachable).
/// </summary>
internal sealed partial class PolicyValidator
{
    public const int MaxRuleIdLength = 128;
    private static readonly string[] Effects = ["allow", "deny"];
    private static readonly string[] Modes = ["enforce", "shadow"];
    private static readonly string[] KnownAuthMethods = ["jwt", "mtls", "api_key"];

    private readonly DiagnosticBag _diagnostics;
    private readonly IReadOnlySet<string>? _knownRouteIds;
    /// <summary>Rule ids and route requirement ids (one namespace: both name the decider of a decision).</summary>
    private readonly Dictionary<string, (string File, YamlScalar Id)> _ruleIds = new(StringComparer.Ordinal);
    private readonly Dictionary<string, NamedBlockSyntax> _roles = new(StringComparer.Ordinal);
    private readonly Dictionary<string, NamedBlockSyntax> _aliases = new(StringComparer.Ordinal);
    private readonly HashSet<string> _usedRoles = new(StringComparer.Ordinal);
    private readonly HashSet<string> _usedAliases = new(StringComparer.Ordinal);
    private SpiffePathLayout? _layout;
    private (string File, YamlScalar Text)? _layoutSource;

    private PolicyValidator(DiagnosticBag diagnostics, IReadOnlySet<string>? knownRouteIds)
    {
        _diagnostics = diagnostics;
        _knownRouteIds = knownRouteIds;
    }

    public static void Validate(IReadOnlyList<PolicyFileSyntax> files, IReadOnlySet<string>? knownRouteIds, DiagnosticBag diagnostics)
    {
        var validator = new PolicyValidator(diagnostics, knownRouteIds);
        foreach (var file in files)
        {
            validator.CollectDefinitions(file);
        }

        foreach (var file in files)
        {
            validator.ValidateDefinitions(file);
        }

        validator.CheckRoleCycles();
        foreach (var file in files)
        {
            validator.ValidateFile(file);
        }

        validator.WarnUnused();
        if (!diagnostics.HasErrors)
        {
            ReachabilityAnalysis.Run(files, diagnostics);
        }
    }

    private void ValidateFile(PolicyFileSyntax file)
    {
        if (file.Version is { } version && version.Value is not ("1" or "2"))
        {
            _diagnostics.Error(
                DiagnosticCodes.UnsupportedVersion, file.File, version.Position,
                $"unsupported policy version '{version.Value}'; this engine reads versions 1 and 2", "write 'version: 2' (or 'version: 1' for files without version 2 constructs)");
        }
        else if (file.Version?.Value == "1")
        {
            foreach (var key in file.VersionTwoKeys)
            {
                _diagnostics.Error(
                    DiagnosticCodes.RequiresVersionTwo, file.File, key.Position,
                    $"'{key.Value}' is part of policy language version 2, but this file says 'version: 1'",
                    "change the file's first line to 'version: 2' (every version 1 file is also valid version 2)");
            }
        }

        if (file.Mode is { } mode)
        {
            ValidateMode(file.File, mode);
        }

        if (file.RulesPosition is { } rulesPosition && file.Rules.Count == 0 && file.Roles.Count == 0 && file.Identities.Count == 0
            && file.Requirements.Count == 0)
        {
            _diagnostics.Warning(
                DiagnosticCodes.EmptyRules, file.File, rulesPosition, "this file has no rules, so it allows nothing",
                "add rules, or remove the file from the policy list");
        }

        // Requirements first: they usually stand above the rules, so a duplicate id is reported at the later one.
        foreach (var requirement in file.Requirements)
        {
            ValidateRequirement(requirement);
        }

        foreach (var rule in file.Rules)
        {
            ValidateRule(rule);
        }
    }

    private void ValidateRule(RuleSyntax rule)
    {
        var file = rule.File;
        if (rule.Id is { } id)
        {
            ValidateId(file, id, "rule id");
        }

        if (rule.Effect is { } effect && Array.IndexOf(Effects, effect.Value) < 0)
        {
            _diagnostics.Error(
                DiagnosticCodes.InvalidEffect, file, effect.Position, $"invalid effect '{effect.Value}': it must be 'allow' or 'deny'",
                Suggestions.Hint(effect.Value, Effects));
        }

        if (rule.Mode is { } mode)
        {
            ValidateMode(file, mode);
        }

        if (rule.Match is { } match)
        {
            ValidateMatch(file, match);
        }

        if (rule.When is { } when)
        {
            ValidateWhen(file, when, WhenContext.Rule);
        }

        if (rule.Obligations is { } obligations)
        {
            ValidateObligations(file, rule, obligations);
        }

        if (rule.RequireKey is { } requireKey)
        {
            if (rule.Effect?.Value == "deny")
            {
                _diagnostics.Error(
                    DiagnosticCodes.RequirementOnDeny, file, requireKey.Position,
                    "'require' belongs to allow rules: on a deny rule it would make the deny apply only to callers that meet it, "
                    + "so an unbound (plain bearer) credential would escape the deny",
                    "write the condition in 'when' instead (e.g. 'when: { sender_constrained: false }' denies plain bearer credentials), "
                    + "or require a bound credential for the whole route with a top-level 'requirements:' entry");
            }

            ValidateRequirementNames(file, rule.Require);
        }

        // Only an allow rule without conditions widens access to everyone; a deny without conditions
        // ("nobody reaches /admin") is a normal, safe rule.
        if ((rule.When is null || rule.When.IsEmpty) && rule.Effect?.Value == "allow" && !(rule.When?.HadError ?? false))
        {
            _diagnostics.Warning(
                DiagnosticCodes.RuleWithoutConditions, file, rule.When?.Position ?? rule.Position,
                (rule.Id is null ? "this rule" : $"rule '{rule.Id.Value}'") + " has no 'when' conditions, so it matches every authenticated identity",
                "add a 'when' block (spiffe_ids, subjects, issuers, claims...) unless this is intended");
        }
    }

    /// <summary>A rule or requirement id: its syntax, and unique across rules and requirements of all files.</summary>
    private void ValidateId(string file, YamlScalar id, string kind)
    {
        if (!IsValidRuleId(id.Value))
        {
            _diagnostics.Error(
                DiagnosticCodes.InvalidRuleId, file, id.Position, $"invalid {kind} '{id.Value}'",
                $"use 1-{MaxRuleIdLength} characters from A-Z, a-z, 0-9, '.', '_' and '-'");
        }

        if (_ruleIds.TryGetValue(id.Value, out var first))
        {
            _diagnostics.Error(
                DiagnosticCodes.DuplicateRuleId, file, id.Position,
                $"duplicate rule id '{id.Value}': first defined at {first.File}:{first.Id.Position.Line}:{first.Id.Position.Column}, "
                + $"defined again at {file}:{id.Position.Line}:{id.Position.Column}",
                "rule and requirement ids must be unique across all policy files loaded together (a decision names one of them); rename one of them");
        }
        else
        {
            _ruleIds.Add(id.Value, (file, id));
        }
    }

    private void ValidateRequirement(RequirementSyntax requirement)
    {
        var file = requirement.File;
        if (requirement.Id is { } id)
        {
            ValidateId(file, id, "requirement id");
        }

        if (requirement.Mode is { } mode)
        {
            ValidateMode(file, mode);
        }

        if (requirement.Routes.Count == 0 && !requirement.HadError)
        {
            _diagnostics.Error(
                DiagnosticCodes.MissingField, file, requirement.RoutesKey?.Position ?? requirement.Position,
                requirement.RoutesKey is null ? "a route requirement is missing the required field 'routes'" : "the 'routes' of a route requirement are empty",
                "name the routes it protects, e.g. 'routes: [payments]'");
        }

        foreach (var route in requirement.Routes)
        {
            ValidateRoute(file, route);
        }

        if (requirement.Require.Count == 0 && !requirement.HadError)
        {
            _diagnostics.Error(
                DiagnosticCodes.MissingField, file, requirement.RequireKey?.Position ?? requirement.Position,
                requirement.RequireKey is null ? "a route requirement is missing the required field 'require'" : "the 'require' of a route requirement is empty",
                "say what every request on the routes must meet, e.g. 'require: [sender_constrained]'");
        }

        ValidateRequirementNames(file, requirement.Require);
    }

    private void ValidateRequirementNames(string file, IReadOnlyList<YamlScalar> names)
    {
        foreach (var name in names)
        {
            if (!RequirementNames.TryParse(name.Value, out _))
            {
                _diagnostics.Error(
                    DiagnosticCodes.UnknownRequirement, file, name.Position, $"unknown requirement '{name.Value}'",
                    Suggestions.Hint(name.Value, RequirementNames.All));
            }
        }
    }

    private void ValidateRoute(string file, YamlScalar route)
    {
        if (route.Value.Length == 0)
        {
            _diagnostics.Error(DiagnosticCodes.UnknownRoute, file, route.Position, "a route id must not be empty", "write a route id from the gateway configuration");
        }
        else if (_knownRouteIds is not null && !_knownRouteIds.Contains(route.Value))
        {
            var closest = Suggestions.Closest(route.Value, _knownRouteIds);
            _diagnostics.Error(
                DiagnosticCodes.UnknownRoute, file, route.Position, $"unknown route id '{route.Value}': no gateway route has this id",
                closest is not null ? $"did you mean '{closest}'?" : "use a route id from the gateway's route configuration");
        }
    }

    private void ValidateMatch(string file, MatchSyntax match)
    {
        foreach (var route in match.Routes)
        {
            ValidateRoute(file, route);
        }

        foreach (var host in match.Hosts)
        {
            if (!HostPattern.TryParse(host.Value, out _, out var error))
            {
                _diagnostics.Error(
                    DiagnosticCodes.InvalidHostPattern, file, host.Position, $"invalid host pattern '{host.Value}': {error}",
                    "use an exact host ('api.example.org') or a subdomain wildcard ('*.example.org'), without port");
            }
        }

        foreach (var method in match.Methods)
        {
            if (!IsValidMethod(method.Value))
            {
                _diagnostics.Error(
                    DiagnosticCodes.InvalidMethod, file, method.Position, $"invalid HTTP method '{method.Value}'",
                    "use a method name made of letters, such as GET, POST, PUT, PATCH, DELETE");
            }
        }

        foreach (var path in match.Paths)
        {
            if (!PathPattern.TryParse(path.Value, out _, out var error))
            {
                _diagnostics.Error(
                    DiagnosticCodes.InvalidPathPattern, file, path.Position, $"invalid path pattern '{path.Value}': {error}",
                    "use '/exact', '/prefix/**', '/a/*' or '/a/{id}'");
            }
        }

        ValidateLabels(file, match.Labels);
    }

    private void ValidateWhen(string file, WhenSyntax when, WhenContext where)
    {
        foreach (var subject in when.Subjects)
        {
            if (!IdentityPattern.TryParseSubject(subject.Value, out _, out var error))
            {
                IdentityError(file, subject, $"invalid subject pattern '{subject.Value}': {error}",
                    "use an exact subject, '*' for one path segment, or a final '/**'");
            }
        }

        foreach (var spiffeId in when.SpiffeIds)
        {
            if (!IdentityPattern.TryParseSpiffeId(spiffeId.Value, out _, out var error))
            {
                IdentityError(file, spiffeId, $"invalid SPIFFE id pattern '{spiffeId.Value}': {error}",
                    "e.g. 'spiffe://example.org/ns/payments/sa/*' or 'spiffe://example.org/ns/payments/**'");
            }
        }

        foreach (var trustDomain in when.TrustDomains)
        {
            if (!IdentityPattern.IsTrustDomain(trustDomain.Value.ToLowerInvariant()))
            {
                IdentityError(file, trustDomain, $"invalid trust domain '{trustDomain.Value}'",
                    "write the bare trust domain, e.g. 'example.org' (no scheme, path or wildcard)");
            }
        }

        foreach (var issuer in when.Issuers)
        {
            if (issuer.Value.Length == 0)
            {
                IdentityError(file, issuer, "an issuer must not be empty", "write the issuer exactly as in the token's 'iss' claim");
            }
        }

        foreach (var authMethod in when.AuthMethods)
        {
            if (authMethod.Value.Length == 0)
            {
                IdentityError(file, authMethod, "an auth method must not be empty", "use jwt, mtls or api_key");
            }
            else if (Array.IndexOf(KnownAuthMethods, authMethod.Value) < 0)
            {
                _diagnostics.Warning(
                    DiagnosticCodes.UnknownAuthMethod, file, authMethod.Position,
                    $"the gateway never produces the auth method '{authMethod.Value}', so this condition never matches",
                    Suggestions.Hint(authMethod.Value, KnownAuthMethods));
            }
        }

        foreach (var claim in when.Claims)
        {
            ValidateClaim(file, claim);
        }

        ValidateExtended(file, when, where);
    }

    private void ValidateClaim(string file, ClaimConditionSyntax claim)
    {
        if (claim.HadTypeError)
        {
            return; // PC1005 already says what is wrong
        }

        if (claim.Name is null || claim.Name.Value.Length == 0)
        {
            _diagnostics.Error(
                DiagnosticCodes.InvalidClaimCondition, file, claim.Name?.Position ?? claim.Position, "a claim condition needs a 'name'",
                "write '- name: <claim>' followed by one of equals, contains, contains_any");
        }

        var operators = (claim.EqualsValue is null ? 0 : 1) + (claim.Contains is null ? 0 : 1) + (claim.ContainsAny is null ? 0 : 1);
        if (operators != 1)
        {
            _diagnostics.Error(
                DiagnosticCodes.InvalidClaimCondition, file, claim.Position,
                operators == 0
                    ? $"the claim condition on '{claim.Name?.Value}' has no operator"
                    : $"the claim condition on '{claim.Name?.Value}' has {operators} operators",
                "give exactly one of 'equals: value', 'contains: value' or 'contains_any: [a, b]'; use several conditions for AND");
        }
        else if (claim.ContainsAny is { Count: 0 })
        {
            _diagnostics.Error(
                DiagnosticCodes.InvalidClaimCondition, file, claim.ContainsAnyPosition, "'contains_any' needs at least one value",
                "write 'contains_any: [a, b]'");
        }
    }

    private void IdentityError(string file, YamlScalar value, string message, string hint)
        => _diagnostics.Error(DiagnosticCodes.InvalidIdentityPattern, file, value.Position, message, hint);

    internal static bool IsValidRuleId(string id)
    {
        if (id.Length is 0 or > MaxRuleIdLength)
        {
            return false;
        }

        foreach (var c in id)
        {
            if (!(char.IsAsciiLetterOrDigit(c) || c is '.' or '_' or '-'))
            {
                return false;
            }
        }

        return true;
    }

    internal static bool IsValidMethod(string method)
    {
        if (method.Length is 0 or > 32)
        {
            return false;
        }

        foreach (var c in method)
        {
            if (!char.IsAsciiLetter(c))
            {
                return false;
            }
        }

        return true;
    }
}

using PolicyCore.Compilation;
using PolicyCore.Diagnostics;
using PolicyCore.Syntax;

namespace PolicyCore.Validation;

/// <summary>Version 2 checks: roles, identity aliases, the SPIFFE layout, labels, attributes, context conditions, obligations.</summary>
internal sealed partial class PolicyValidator
{
    /// <summary>Header names that carry identity (or are stripped by the gateway) and are never policy inputs or obligations.</summary>
    private static readonly string[] IdentityHeaders =
    [
        "authorization", "proxy-authorization", "cookie", "set-cookie", "dpop", "x-api-key", "forwarded", "x-forwarded-for",
        "x-forwarded-host", "x-forwarded-proto", "x-forwarded-user", "x-forwarded-email", "x-forwarded-groups",
        "x-forwarded-access-token", "x-real-ip", "x-client-cert", "x-ssl-client-cert", "x-forwarded-client-cert",
    ];

    /// <summary>Headers an obligation must not set: framing, hop-by-hop and routing headers.</summary>
    private static readonly string[] ReservedObligationHeaders =
    [
        "host", "content-length", "transfer-encoding", "connection", "keep-alive", "te", "trailer", "upgrade",
        "proxy-connection", "content-type", "expect",
    ];

    private enum WhenContext
    {
        Rule,
        Grant,
        Alias,
    }

    private void CollectDefinitions(PolicyFileSyntax file)
    {
        Collect(file.Roles, _roles, "role");
        Collect(file.Identities, _aliases, "identity alias");
        if (file.SpiffePath is { } text)
        {
            if (!SpiffePathLayout.TryParse(text.Value, out var layout, out var error))
            {
                _diagnostics.Error(
                    DiagnosticCodes.InvalidSpiffePath, file.File, text.Position, $"invalid spiffe_path '{text.Value}': {error}",
                    "name the segments of your SPIFFE ids, e.g. 'spiffe_path: /ns/{namespace}/sa/{service_account}'");
            }
            else if (_layoutSource is { } first && first.Text.Value != text.Value)
            {
                _diagnostics.Error(
                    DiagnosticCodes.InvalidSpiffePath, file.File, text.Position,
                    $"spiffe_path '{text.Value}' differs from '{first.Text.Value}' declared at {first.File}:{first.Text.Position}",
                    "all policy files loaded together share one SPIFFE layout: declare it once, or identically");
            }
            else if (_layout is null)
            {
                _layout = layout;
                _layoutSource = (file.File, text);
            }
        }
    }

    private void Collect(List<NamedBlockSyntax> definitions, Dictionary<string, NamedBlockSyntax> target, string kind)
    {
        foreach (var definition in definitions)
        {
            var name = definition.Name;
            if (!IsValidRuleId(name.Value))
            {
                _diagnostics.Error(
                    DiagnosticCodes.InvalidName, definition.File, name.Position, $"invalid {kind} name '{name.Value}'",
                    $"use 1-{MaxRuleIdLength} characters from A-Z, a-z, 0-9, '.', '_' and '-'");
            }

            if (target.TryGetValue(name.Value, out var first))
            {
                _diagnostics.Error(
                    DiagnosticCodes.DuplicateName, definition.File, name.Position,
                    $"duplicate {kind} '{name.Value}': first defined at {first.File}:{first.Name.Position}",
                    $"{kind} names must be unique across all policy files loaded together; rename or merge them");
            }
            else
            {
                target.Add(name.Value, definition);
            }
        }
    }

    private void ValidateDefinitions(PolicyFileSyntax file)
    {
        foreach (var role in file.Roles)
        {
            if (role.Grants.Count == 0 && !role.HadError)
            {
                _diagnostics.Error(
                    DiagnosticCodes.EmptySelector, file.File, role.GrantsPosition, $"role '{role.Name.Value}' has no grants, so nobody holds it",
                    "add 'grants:' with at least one identity selector, e.g. '- spiffe_ids: [...]'");
            }

            foreach (var grant in role.Grants)
            {
                ValidateSelector(file.File, grant, $"a grant of role '{role.Name.Value}'", WhenContext.Grant);
            }
        }

        foreach (var alias in file.Identities)
        {
            foreach (var grant in alias.Grants)
            {
                ValidateSelector(file.File, grant, $"identity '{alias.Name.Value}'", WhenContext.Alias);
            }
        }
    }

    private void ValidateSelector(string file, WhenSyntax block, string what, WhenContext where)
    {
        if (block.IsEmpty && !block.HadError)
        {
            _diagnostics.Error(
                DiagnosticCodes.EmptySelector, file, block.Position, $"{what} has no identity fields, so it would select every identity",
                "give spiffe_ids, subjects, trust_domains, issuers, auth_methods or claims");
        }

        ValidateWhen(file, block, where);
    }

    private void CheckRoleCycles()
    {
        var state = new Dictionary<string, int>(StringComparer.Ordinal); // 1 = on the stack, 2 = done
        var stack = new List<string>();
        foreach (var name in _roles.Keys)
        {
            Visit(name);
        }

        void Visit(string name)
        {
            if (state.TryGetValue(name, out var s))
            {
                if (s == 1)
                {
                    var start = stack.IndexOf(name);
                    var cycle = string.Join(" -> ", stack.GetRange(start, stack.Count - start)) + " -> " + name;
                    var role = _roles[name];
                    _diagnostics.Error(
                        DiagnosticCodes.RoleCycle, role.File, role.Name.Position, $"roles refer to each other in a cycle: {cycle}",
                        "a role may include other roles, but never itself through a chain; remove one of the references");
                }

                return;
            }

            if (!_roles.TryGetValue(name, out var definition))
            {
                return; // unknown: reported where it is used
            }

            state[name] = 1;
            stack.Add(name);
            foreach (var grant in definition.Grants)
            {
                foreach (var inner in grant.Roles)
                {
                    Visit(inner.Value);
                }
            }

            stack.RemoveAt(stack.Count - 1);
            state[name] = 2;
        }
    }

    private void WarnUnused()
    {
        foreach (var (name, role) in _roles)
        {
            if (!_usedRoles.Contains(name))
            {
                _diagnostics.Warning(
                    DiagnosticCodes.UnusedDefinition, role.File, role.Name.Position, $"role '{name}' is defined but no rule or role uses it",
                    "use it in a rule ('when: { roles: [" + name + "] }') or remove it");
            }
        }

        foreach (var (name, alias) in _aliases)
        {
            if (!_usedAliases.Contains(name))
            {
                _diagnostics.Warning(
                    DiagnosticCodes.UnusedDefinition, alias.File, alias.Name.Position, $"identity '{name}' is defined but no rule or role uses it",
                    "use it in a rule ('when: { identities: [" + name + "] }') or remove it");
            }
        }
    }

    private void ValidateMode(string file, YamlScalar mode)
    {
        if (Array.IndexOf(Modes, mode.Value) < 0)
        {
            _diagnostics.Error(
                DiagnosticCodes.InvalidMode, file, mode.Position, $"invalid mode '{mode.Value}': it must be 'enforce' or 'shadow'",
                Suggestions.Hint(mode.Value, Modes));
        }
    }

    private void ValidateLabels(string file, List<LabelConditionSyntax> labels)
    {
        foreach (var label in labels)
        {
            if (!IsLabelName(label.Name.Value))
            {
                _diagnostics.Error(
                    DiagnosticCodes.InvalidName, file, label.Name.Position, $"invalid label name '{label.Name.Value}'",
                    "use the route metadata key exactly, without spaces, e.g. 'zone' or 'namespace'");
            }

            if (label.Values.Count == 0)
            {
                _diagnostics.Error(
                    DiagnosticCodes.InvalidLabelCondition, file, label.Name.Position, $"the label condition '{label.Name.Value}' has no value",
                    $"write '{label.Name.Value}: value' or '{label.Name.Value}: [a, b]'");
            }
        }
    }

    private static bool IsLabelName(string name)
    {
        if (name.Length is 0 or > 128)
        {
            return false;
        }

        foreach (var c in name)
        {
            if (char.IsWhiteSpace(c) || char.IsControl(c))
            {
                return false;
            }
        }

        return true;
    }

    private void ValidateExtended(string file, WhenSyntax when, WhenContext where)
    {
        foreach (var role in when.Roles)
        {
            _usedRoles.Add(role.Value);
            if (!_roles.ContainsKey(role.Value))
            {
                var closest = Suggestions.Closest(role.Value, _roles.Keys);
                _diagnostics.Error(
                    DiagnosticCodes.UnknownRole, file, role.Position, $"unknown role '{role.Value}': no policy file defines it",
                    closest is not null ? $"did you mean '{closest}'?" : "define it under the top-level 'roles:' of a policy file loaded together with this one");
            }
        }

        foreach (var alias in when.Identities)
        {
            _usedAliases.Add(alias.Value);
            if (!_aliases.ContainsKey(alias.Value))
            {
                var closest = Suggestions.Closest(alias.Value, _aliases.Keys);
                _diagnostics.Error(
                    DiagnosticCodes.UnknownIdentity, file, alias.Position, $"unknown identity '{alias.Value}': no policy file defines it",
                    closest is not null ? $"did you mean '{closest}'?" : "define it under the top-level 'identities:' of a policy file loaded together with this one");
            }
        }

        if (where != WhenContext.Rule)
        {
            return; // grants and aliases hold identity fields only (the parser enforced that)
        }

        if (when.SenderConstrained is { } senderConstrained && senderConstrained.Value is not ("true" or "false"))
        {
            _diagnostics.Error(
                DiagnosticCodes.WrongType, file, senderConstrained.Position, $"'sender_constrained' must be true or false, not '{senderConstrained.Value}'",
                "write 'sender_constrained: true' (the credential is bound to its holder) or 'sender_constrained: false' (a plain bearer credential)");
        }

        ValidateLabels(file, when.Labels);
        foreach (var attribute in when.Attributes)
        {
            ValidateAttribute(file, attribute);
        }

        if (when.Time is { } time)
        {
            ValidateTime(file, time);
        }

        foreach (var header in when.Headers)
        {
            ValidateValue(file, header, header: true);
        }

        foreach (var query in when.Query)
        {
            ValidateValue(file, query, header: false);
        }

        if (when.Not is { } not)
        {
            ValidateBlock(file, not, "'not'");
        }

        if (when.Any is { } any)
        {
            ValidateBlocks(file, any, when.AnyPosition, "any");
        }

        if (when.All is { } all)
        {
            ValidateBlocks(file, all, when.AllPosition, "all");
        }
    }

    private void ValidateBlocks(string file, List<WhenSyntax> blocks, SourcePosition position, string name)
    {
        if (blocks.Count == 0)
        {
            _diagnostics.Error(
                DiagnosticCodes.InvalidCombinator, file, position, $"'{name}' has no condition blocks",
                $"give at least one block, e.g. '{name}: [ {{ spiffe_ids: [...] }}, {{ roles: [...] }} ]', or remove it");
        }

        foreach (var block in blocks)
        {
            ValidateBlock(file, block, $"an item of '{name}'");
        }
    }

    private void ValidateBlock(string file, WhenSyntax block, string what)
    {
        if (block.IsEmpty && !block.HadError)
        {
            _diagnostics.Error(
                DiagnosticCodes.InvalidCombinator, file, block.Position, $"{what} is an empty condition block",
                "an empty block is always true; write the conditions it should test, or remove it");
        }

        ValidateWhen(file, block, WhenContext.Rule);
    }

    private void ValidateAttribute(string file, AttributeConditionSyntax attribute)
    {
        if (attribute.HadTypeError)
        {
            return;
        }

        if (attribute.Identity is not { } identity)
        {
            _diagnostics.Error(
                DiagnosticCodes.InvalidAttributeCondition, file, attribute.Position, "an attribute condition needs 'identity'",
                "write '- identity: spiffe.namespace' (or trust_domain, issuer, subject, spiffe_id, claim.NAME) and 'equals_label: namespace'");
        }
        else if (!AttributeSource.TryParse(identity.Value, _layout, out _, out var error))
        {
            _diagnostics.Error(
                DiagnosticCodes.InvalidAttributeCondition, file, identity.Position, error,
                identity.Value.StartsWith("spiffe.", StringComparison.Ordinal)
                    ? "declare the segments with a top-level 'spiffe_path: /ns/{namespace}/sa/{service_account}', then use 'spiffe.namespace'"
                    : "use subject, issuer, trust_domain, auth_method, spiffe_id, spiffe.SEGMENT or claim.NAME");
        }

        var operators = (attribute.EqualsLabel is null ? 0 : 1) + (attribute.EqualsValue is null ? 0 : 1) + (attribute.In is null ? 0 : 1);
        if (operators != 1)
        {
            _diagnostics.Error(
                DiagnosticCodes.InvalidAttributeCondition, file, attribute.Position,
                $"the attribute condition on '{attribute.Identity?.Value}' has {operators} operators",
                "give exactly one of 'equals_label: LABEL', 'equals: value' or 'in: [a, b]'");
        }
        else if (attribute.In is { Count: 0 })
        {
            _diagnostics.Error(DiagnosticCodes.InvalidAttributeCondition, file, attribute.InPosition, "'in' needs at least one value", "write 'in: [a, b]'");
        }
        else if (attribute.EqualsLabel is { } label && !IsLabelName(label.Value))
        {
            _diagnostics.Error(DiagnosticCodes.InvalidName, file, label.Position, $"invalid label name '{label.Value}'", "use the route metadata key exactly, e.g. 'namespace'");
        }
    }

    private void ValidateTime(string file, TimeWindowSyntax time)
    {
        if (time.Days.Count == 0 && time.From is null && time.To is null)
        {
            _diagnostics.Error(
                DiagnosticCodes.InvalidTimeWindow, file, time.Position, "the time window has neither days nor hours, so it is always true",
                "give 'days: [mon-fri]' and/or 'from: \"08:00\"' and 'to: \"18:00\"'");
        }

        foreach (var day in time.Days)
        {
            if (!TimeWindowCondition.TryParseDays(day.Value, out _))
            {
                _diagnostics.Error(
                    DiagnosticCodes.InvalidTimeWindow, file, day.Position, $"invalid day '{day.Value}'",
                    "use mon, tue, wed, thu, fri, sat, sun or a range such as mon-fri");
            }
        }

        var from = 0;
        var to = 24 * 60;
        var clocksValid = true;
        if (time.From is { } f && !TimeWindowCondition.TryParseClock(f.Value, false, out from))
        {
            clocksValid = false;
            _diagnostics.Error(DiagnosticCodes.InvalidTimeWindow, file, f.Position, $"invalid time '{f.Value}'", "write 24-hour time as \"HH:MM\", e.g. \"08:00\" (quoted)");
        }

        if (time.To is { } t && !TimeWindowCondition.TryParseClock(t.Value, true, out to))
        {
            clocksValid = false;
            _diagnostics.Error(DiagnosticCodes.InvalidTimeWindow, file, t.Position, $"invalid time '{t.Value}'", "write 24-hour time as \"HH:MM\", e.g. \"18:00\" or \"24:00\" (quoted)");
        }

        if (clocksValid && from == to)
        {
            _diagnostics.Error(
                DiagnosticCodes.InvalidTimeWindow, file, (time.From ?? time.To)!.Position, "'from' equals 'to': the window is empty",
                "omit from/to for the whole day; a window that wraps midnight has 'to' earlier than 'from'");
        }

        if (time.TimeZone is { } zone && !TimeWindowCondition.TryFindZone(zone.Value, out _))
        {
            _diagnostics.Error(
                DiagnosticCodes.InvalidTimeWindow, file, zone.Position, $"unknown time zone '{zone.Value}'",
                "use an IANA time zone name such as 'Europe/Berlin', 'America/New_York' or 'UTC'");
        }
    }

    private void ValidateValue(string file, ValueConditionSyntax value, bool header)
    {
        var what = header ? "header" : "query";
        if (value.HadTypeError)
        {
            return;
        }

        if (value.Name is not { } name || name.Value.Length == 0)
        {
            _diagnostics.Error(
                DiagnosticCodes.InvalidRequestCondition, file, value.Position, $"a {what} condition needs a 'name'",
                $"write '- name: {(header ? "X-Env" : "dry_run")}' and one of equals, in, present");
        }
        else if (header && !IsToken(name.Value))
        {
            _diagnostics.Error(
                DiagnosticCodes.InvalidRequestCondition, file, name.Position, $"invalid header name '{name.Value}'",
                "a header name is letters, digits and !#$%&'*+-.^_`|~");
        }
        else if (header && IsIdentityHeader(name.Value))
        {
            _diagnostics.Error(
                DiagnosticCodes.IdentityHeaderRefused, file, name.Position,
                $"the header '{name.Value}' carries identity or is stripped by the gateway, so it is not a policy input",
                "decide on the verified identity instead: spiffe_ids, subjects, issuers, claims, roles");
        }
        else if (!header && !IsLabelName(name.Value))
        {
            _diagnostics.Error(DiagnosticCodes.InvalidRequestCondition, file, name.Position, $"invalid query parameter name '{name.Value}'", "write the parameter name without spaces");
        }

        var operators = (value.EqualsValue is null ? 0 : 1) + (value.In is null ? 0 : 1) + (value.Present is null ? 0 : 1);
        if (operators != 1)
        {
            _diagnostics.Error(
                DiagnosticCodes.InvalidRequestCondition, file, value.Position, $"the {what} condition on '{value.Name?.Value}' has {operators} operators",
                "give exactly one of 'equals: value', 'in: [a, b]' or 'present: true|false'");
        }
        else if (value.In is { Count: 0 })
        {
            _diagnostics.Error(DiagnosticCodes.InvalidRequestCondition, file, value.InPosition, "'in' needs at least one value", "write 'in: [a, b]'");
        }
        else if (value.Present is { } present && present.Value is not ("true" or "false"))
        {
            _diagnostics.Error(DiagnosticCodes.InvalidRequestCondition, file, present.Position, $"'present' must be true or false, not '{present.Value}'", "write 'present: true' or 'present: false'");
        }
    }

    private void ValidateObligations(string file, RuleSyntax rule, ObligationsSyntax obligations)
    {
        if (rule.Effect?.Value == "deny")
        {
            _diagnostics.Error(
                DiagnosticCodes.InvalidObligations, file, obligations.Position, "obligations belong to allow rules; a deny forwards nothing",
                "move the obligations to the allow rule that grants the access, or remove them");
        }

        foreach (var (name, value) in obligations.Headers)
        {
            if (!IsToken(name.Value))
            {
                _diagnostics.Error(DiagnosticCodes.InvalidObligations, file, name.Position, $"invalid header name '{name.Value}'", "a header name is letters, digits and !#$%&'*+-.^_`|~");
            }
            else if (IsIdentityHeader(name.Value))
            {
                _diagnostics.Error(
                    DiagnosticCodes.IdentityHeaderRefused, file, name.Position,
                    $"an obligation must not set '{name.Value}': identity headers are set by the gateway from the verified identity only",
                    "use another header name, e.g. 'X-Tenant'");
            }
            else if (Array.IndexOf(ReservedObligationHeaders, name.Value.ToLowerInvariant()) >= 0)
            {
                _diagnostics.Error(
                    DiagnosticCodes.InvalidObligations, file, name.Position, $"an obligation must not set the framing or routing header '{name.Value}'",
                    "use an application header, e.g. 'X-Tenant'");
            }

            foreach (var c in value.Value)
            {
                if (char.IsControl(c))
                {
                    _diagnostics.Error(DiagnosticCodes.InvalidObligations, file, value.Position, $"the value of '{name.Value}' contains a control character", "header values are a single line of visible text");
                    break;
                }
            }
        }

        if (obligations.RateLimitClass is { } rateLimitClass && !IsValidRuleId(rateLimitClass.Value))
        {
            _diagnostics.Error(
                DiagnosticCodes.InvalidObligations, file, rateLimitClass.Position, $"invalid rate_limit_class '{rateLimitClass.Value}'",
                $"use 1-{MaxRuleIdLength} characters from A-Z, a-z, 0-9, '.', '_' and '-'");
        }
    }

    /// <summary>Authorization, Cookie, DPoP, X-Workload-* and the forwarding headers (with '_' read as '-', ignoring case).</summary>
    internal static bool IsIdentityHeader(string name)
    {
        var normalized = name.Replace('_', '-').ToLowerInvariant();
        return normalized.StartsWith("x-workload-", StringComparison.Ordinal) || Array.IndexOf(IdentityHeaders, normalized) >= 0;
    }

    private static bool IsToken(string name)
    {
        if (name.Length is 0 or > 256)
        {
            return false;
        }

        foreach (var c in name)
        {
            if (!(char.IsAsciiLetterOrDigit(c) || "!#$%&'*+-.^_`|~".Contains(c, StringComparison.Ordinal)))
            {
                return false;
            }
        }

        return true;
    }
}

using PolicyCore.Diagnostics;
using PolicyCore.Validation;

namespace PolicyCore.Syntax;

/// <summary>
/// Turns a YAML tree into the policy syntax tree. Reports shape problems only: missing required fields (PC1003),
/// unknown fields (PC1004) and wrong types (PC1005). Value checks are the validator's job.
/// </summary>
internal sealed class PolicySyntaxParser
{
    private static readonly string[] RootFields = ["version", "mode", "spiffe_path", "roles", "identities", "requirements", "rules"];
    private static readonly string[] RuleFields = ["id", "description", "effect", "mode", "require", "match", "when", "obligations"];
    private static readonly string[] RequirementFields = ["id", "description", "mode", "routes", "require"];
    private static readonly string[] MatchFields = ["routes", "hosts", "methods", "paths", "labels"];
    private static readonly string[] WhenFields =
    [
        "subjects", "spiffe_ids", "trust_domains", "issuers", "auth_methods", "claims", "roles", "identities", "labels",
        "attributes", "time", "headers", "query", "sender_constrained", "not", "any", "all",
    ];

    /// <summary>A role grant: identity fields, aliases and other roles.</summary>
    private static readonly string[] GrantFields = ["subjects", "spiffe_ids", "trust_domains", "issuers", "auth_methods", "claims", "roles", "identities"];

    /// <summary>An identity alias: identity fields only (aliases do not nest).</summary>
    private static readonly string[] AliasFields = ["description", "subjects", "spiffe_ids", "trust_domains", "issuers", "auth_methods", "claims"];
    private static readonly string[] RoleFields = ["description", "grants"];
    private static readonly string[] ClaimFields = ["name", "equals", "contains", "contains_any"];
    private static readonly string[] AttributeFields = ["identity", "equals_label", "equals", "in"];
    private static readonly string[] TimeFields = ["days", "from", "to", "time_zone"];
    private static readonly string[] ValueFields = ["name", "equals", "in", "present"];
    private static readonly string[] ObligationFields = ["headers", "rate_limit_class"];

    /// <summary>Keys that need <c>version: 2</c> wherever they appear.</summary>
    private static readonly string[] VersionTwoWhenFields = ["roles", "identities", "labels", "attributes", "time", "headers", "query", "sender_constrained", "not", "any", "all"];

    /// <summary>How deep <c>not</c>/<c>any</c>/<c>all</c> may nest.</summary>
    public const int MaxConditionDepth = 8;

    private readonly string _file;
    private readonly DiagnosticBag _diagnostics;
    private PolicyFileSyntax _syntax = null!;

    private PolicySyntaxParser(string file, DiagnosticBag diagnostics)
    {
        _file = file;
        _diagnostics = diagnostics;
    }

    public static PolicyFileSyntax Parse(string file, YamlNode? root, DiagnosticBag diagnostics)
        => new PolicySyntaxParser(file, diagnostics).ParseFile(root);

    private PolicyFileSyntax ParseFile(YamlNode? root)
    {
        var syntax = new PolicyFileSyntax(_file);
        _syntax = syntax;
        if (root is null || root is YamlScalar { IsNull: true })
        {
            _diagnostics.Error(
                DiagnosticCodes.MissingField, _file, root?.Position ?? SourcePosition.Start, "the policy file is empty: 'version' is required",
                "start the file with 'version: 1' and a 'rules:' list");
            return syntax;
        }

        if (root is not YamlMapping mapping)
        {
            WrongType(root, "the policy file", "a mapping with 'version' and 'rules'");
            return syntax;
        }

        syntax.Position = mapping.Position;
        var hasRules = false;
        foreach (var (key, value) in Fields(mapping, RootFields, "the policy file"))
        {
            switch (key.Value)
            {
                case "version":
                    syntax.Version = Scalar(key, value);
                    break;
                case "rules":
                    hasRules = true;
                    syntax.RulesPosition = key.Position;
                    ParseRules(syntax, key, value);
                    break;
                case "mode":
                    syntax.VersionTwoKeys.Add(key);
                    syntax.Mode = Scalar(key, value);
                    break;
                case "spiffe_path":
                    syntax.VersionTwoKeys.Add(key);
                    syntax.SpiffePath = Scalar(key, value);
                    break;
                case "roles":
                    syntax.VersionTwoKeys.Add(key);
                    ParseNamed(syntax.Roles, key, value, role: true);
                    break;
                case "identities":
                    syntax.VersionTwoKeys.Add(key);
                    ParseNamed(syntax.Identities, key, value, role: false);
                    break;
                case "requirements":
                    syntax.VersionTwoKeys.Add(key);
                    ParseRequirements(syntax, key, value);
                    break;
            }
        }

        if (syntax.Version is null)
        {
            RequireField(mapping, "version", "the policy file", "add 'version: 1' at the top of the file");
        }

        if (!hasRules && syntax.Roles.Count == 0 && syntax.Identities.Count == 0 && syntax.Requirements.Count == 0)
        {
            Missing(mapping.Position, "rules", "the policy file", "add a 'rules:' list (it may be empty: 'rules: []')");
        }

        return syntax;
    }

    private void ParseRules(PolicyFileSyntax syntax, YamlScalar key, YamlNode value)
    {
        if (value is YamlScalar { IsNull: true })
        {
            return;
        }

        if (value is not YamlSequence sequence)
        {
            WrongType(value, $"'{key.Value}'", "a list of rules (each item starting with '- id: ...')");
            return;
        }

        foreach (var item in sequence.Items)
        {
            if (item is not YamlMapping ruleMapping)
            {
                WrongType(item, "a rule", "a mapping with 'id', 'effect' and optional 'match' and 'when'");
                continue;
            }

            syntax.Rules.Add(ParseRule(ruleMapping));
        }
    }

    private void ParseRequirements(PolicyFileSyntax syntax, YamlScalar key, YamlNode value)
    {
        foreach (var mapping in MappingItems(key, value, "a route requirement ('- routes: [payments]' with 'require: [sender_constrained]')"))
        {
            var requirement = new RequirementSyntax(_file, mapping.Position);
            foreach (var (field, fieldValue) in Fields(mapping, RequirementFields, "a route requirement"))
            {
                switch (field.Value)
                {
                    case "id": requirement.Id = Scalar(field, fieldValue); break;
                    case "description": requirement.Description = Scalar(field, fieldValue); break;
                    case "mode": requirement.Mode = Scalar(field, fieldValue); break;
                    case "routes":
                        requirement.RoutesKey = field;
                        requirement.Routes = ScalarList(field, fieldValue);
                        requirement.HadError |= fieldValue is not (YamlSequence or YamlScalar { IsNull: true });
                        break;
                    case "require":
                        requirement.RequireKey = field;
                        requirement.Require = ScalarList(field, fieldValue);
                        requirement.HadError |= fieldValue is not (YamlSequence or YamlScalar { IsNull: true });
                        break;
                }
            }

            syntax.Requirements.Add(requirement);
        }
    }

    private RuleSyntax ParseRule(YamlMapping mapping)
    {
        var rule = new RuleSyntax(_file, mapping.Position);
        foreach (var (key, value) in Fields(mapping, RuleFields, "a rule"))
        {
            switch (key.Value)
            {
                case "id":
                    rule.Id = Scalar(key, value);
                    break;
                case "description":
                    rule.Description = Scalar(key, value);
                    break;
                case "effect":
                    rule.Effect = Scalar(key, value);
                    break;
                case "match":
                    rule.Match = ParseMatch(key, value);
                    break;
                case "when":
                    rule.When = ParseWhen(key, value, WhenFields, "'when'", depth: 1);
                    break;
                case "mode":
                    _syntax.VersionTwoKeys.Add(key);
                    rule.Mode = Scalar(key, value);
                    break;
                case "obligations":
                    _syntax.VersionTwoKeys.Add(key);
                    rule.Obligations = ParseObligations(key, value);
                    break;
                case "require":
                    _syntax.VersionTwoKeys.Add(key);
                    rule.RequireKey = key;
                    rule.Require = ScalarList(key, value);
                    break;
            }
        }

        var where = rule.Id is null ? "this rule" : $"rule '{rule.Id.Value}'";
        if (rule.Id is null)
        {
            RequireField(mapping, "id", where, "give the rule a unique id, e.g. 'id: payments-read'");
        }

        if (rule.Effect is null)
        {
            RequireField(mapping, "effect", where, "add 'effect: allow' or 'effect: deny'");
        }

        return rule;
    }

    private MatchSyntax? ParseMatch(YamlScalar key, YamlNode value)
    {
        if (value is YamlScalar { IsNull: true })
        {
            return null;
        }

        if (value is not YamlMapping mapping)
        {
            WrongType(value, "'match'", "a mapping with routes, hosts, methods and/or paths");
            return null;
        }

        var match = new MatchSyntax(key.Position);
        foreach (var (field, fieldValue) in Fields(mapping, MatchFields, "'match'"))
        {
            if (field.Value == "labels")
            {
                _syntax.VersionTwoKeys.Add(field);
                ParseLabels(match.Labels, field, fieldValue);
                continue;
            }

            var list = ScalarList(field, fieldValue);
            switch (field.Value)
            {
                case "routes": match.Routes = list; break;
                case "hosts": match.Hosts = list; break;
                case "methods": match.Methods = list; break;
                case "paths": match.Paths = list; break;
            }
        }

        return match;
    }

    private WhenSyntax ParseWhen(YamlScalar key, YamlNode value, string[] fields, string where, int depth)
    {
        var when = new WhenSyntax(key.Position);
        if (value is YamlScalar { IsNull: true })
        {
            return when;
        }

        if (value is not YamlMapping mapping)
        {
            when.HadError = true;
            WrongType(value, where, "a mapping of conditions such as spiffe_ids, issuers or claims");
            return when;
        }

        ParseBlockFields(when, mapping, fields, where, depth);
        return when;
    }

    private void ParseBlockFields(WhenSyntax when, YamlMapping mapping, string[] fields, string where, int depth)
    {
        foreach (var (field, fieldValue) in Fields(mapping, fields, where))
        {
            if (Array.IndexOf(VersionTwoWhenFields, field.Value) >= 0)
            {
                _syntax.VersionTwoKeys.Add(field);
            }

            switch (field.Value)
            {
                case "subjects": when.Subjects = ScalarList(field, fieldValue); break;
                case "spiffe_ids": when.SpiffeIds = ScalarList(field, fieldValue); break;
                case "trust_domains": when.TrustDomains = ScalarList(field, fieldValue); break;
                case "issuers": when.Issuers = ScalarList(field, fieldValue); break;
                case "auth_methods": when.AuthMethods = ScalarList(field, fieldValue); break;
                case "claims": ParseClaims(when, field, fieldValue); break;
                case "roles": when.Roles = ScalarList(field, fieldValue); break;
                case "identities": when.Identities = ScalarList(field, fieldValue); break;
                case "labels": ParseLabels(when.Labels, field, fieldValue); break;
                case "attributes": ParseAttributes(when, field, fieldValue); break;
                case "time": when.Time = ParseTime(field, fieldValue); break;
                case "headers": ParseValues(when.Headers, field, fieldValue, "header"); break;
                case "query": ParseValues(when.Query, field, fieldValue, "query parameter"); break;
                case "sender_constrained":
                    when.SenderConstrained = Scalar(field, fieldValue);
                    if (when.SenderConstrained is null)
                    {
                        when.HadError = true;
                        if (fieldValue is YamlScalar)
                        {
                            WrongType(fieldValue, "'sender_constrained'", "true or false");
                        }
                    }

                    break;
                case "not":
                    if (Deep(field, depth))
                    {
                        when.HadError = true;
                        break;
                    }

                    when.Not = ParseWhen(field, fieldValue, WhenFields, "'not'", depth + 1);
                    when.HadError |= when.Not.HadError;
                    break;
                case "any":
                case "all":
                {
                    if (field.Value == "any")
                    {
                        when.AnyPosition = field.Position;
                    }
                    else
                    {
                        when.AllPosition = field.Position;
                    }

                    if (Deep(field, depth))
                    {
                        when.HadError = true;
                        break;
                    }

                    var blocks = ParseBlockList(field, fieldValue, depth + 1);
                    if (blocks is null)
                    {
                        when.HadError = true;
                    }
                    else if (field.Value == "any")
                    {
                        when.Any = blocks;
                    }
                    else
                    {
                        when.All = blocks;
                    }

                    break;
                }
            }
        }
    }

    private bool Deep(YamlScalar key, int depth)
    {
        if (depth < MaxConditionDepth)
        {
            return false;
        }

        _diagnostics.Error(
            DiagnosticCodes.InvalidCombinator, _file, key.Position, $"'not', 'any' and 'all' nest deeper than {MaxConditionDepth} levels",
            "flatten the condition; deeply nested conditions are hard to review");
        return true;
    }

    private List<WhenSyntax>? ParseBlockList(YamlScalar key, YamlNode value, int depth)
    {
        if (value is YamlScalar { IsNull: true })
        {
            return [];
        }

        if (value is not YamlSequence sequence)
        {
            WrongType(value, $"'{key.Value}'", "a list of condition blocks ('- { spiffe_ids: [...] }')");
            return null;
        }

        var blocks = new List<WhenSyntax>(sequence.Items.Count);
        foreach (var item in sequence.Items)
        {
            var block = new WhenSyntax(item.Position);
            if (item is YamlMapping mapping)
            {
                ParseBlockFields(block, mapping, WhenFields, $"an item of '{key.Value}'", depth);
            }
            else
            {
                block.HadError = true;
                WrongType(item, $"an item of '{key.Value}'", "a mapping of conditions");
            }

            blocks.Add(block);
        }

        return blocks;
    }

    private void ParseNamed(List<NamedBlockSyntax> target, YamlScalar key, YamlNode value, bool role)
    {
        if (value is YamlScalar { IsNull: true })
        {
            return;
        }

        if (value is not YamlMapping mapping)
        {
            WrongType(value, $"'{key.Value}'", role ? "a mapping of role names to { grants: [...] }" : "a mapping of alias names to identity fields");
            return;
        }

        foreach (var entry in mapping.Entries)
        {
            var named = new NamedBlockSyntax(_file, entry.Key) { GrantsPosition = entry.Key.Position };
            var where = role ? $"role '{entry.Key.Value}'" : $"identity '{entry.Key.Value}'";
            if (entry.Value is not YamlMapping body)
            {
                named.HadError = true;
                WrongType(entry.Value, where, role ? "a mapping with 'grants'" : "a mapping of identity fields (spiffe_ids, subjects, ...)");
                target.Add(named);
                continue;
            }

            if (role)
            {
                foreach (var (field, fieldValue) in Fields(body, RoleFields, where))
                {
                    if (field.Value == "description")
                    {
                        named.Description = Scalar(field, fieldValue);
                        continue;
                    }

                    named.GrantsPosition = field.Position;
                    if (fieldValue is YamlScalar { IsNull: true })
                    {
                        continue;
                    }

                    if (fieldValue is not YamlSequence grants)
                    {
                        named.HadError = true;
                        WrongType(fieldValue, "'grants'", "a list of identity selectors ('- spiffe_ids: [...]')");
                        continue;
                    }

                    foreach (var item in grants.Items)
                    {
                        var grant = new WhenSyntax(item.Position);
                        if (item is YamlMapping grantMapping)
                        {
                            ParseBlockFields(grant, grantMapping, GrantFields, "a role grant", depth: 1);
                        }
                        else
                        {
                            grant.HadError = true;
                            WrongType(item, "a role grant", "a mapping of identity fields (spiffe_ids, subjects, issuers, claims, identities, roles)");
                        }

                        named.Grants.Add(grant);
                    }
                }
            }
            else
            {
                var grant = new WhenSyntax(body.Position);
                foreach (var (field, fieldValue) in Fields(body, AliasFields, where))
                {
                    if (field.Value == "description")
                    {
                        named.Description = Scalar(field, fieldValue);
                        continue;
                    }

                    ParseSingleField(grant, field, fieldValue);
                }

                named.Grants.Add(grant);
            }

            target.Add(named);
        }
    }

    private void ParseSingleField(WhenSyntax block, YamlScalar field, YamlNode value)
    {
        switch (field.Value)
        {
            case "subjects": block.Subjects = ScalarList(field, value); break;
            case "spiffe_ids": block.SpiffeIds = ScalarList(field, value); break;
            case "trust_domains": block.TrustDomains = ScalarList(field, value); break;
            case "issuers": block.Issuers = ScalarList(field, value); break;
            case "auth_methods": block.AuthMethods = ScalarList(field, value); break;
            case "claims": ParseClaims(block, field, value); break;
        }
    }

    private void ParseLabels(List<LabelConditionSyntax> target, YamlScalar key, YamlNode value)
    {
        if (value is YamlScalar { IsNull: true })
        {
            return;
        }

        if (value is not YamlMapping mapping)
        {
            WrongType(value, $"'{key.Value}'", "a mapping of label names to values, e.g. { zone: prod }");
            return;
        }

        foreach (var entry in mapping.Entries)
        {
            IReadOnlyList<YamlScalar> values = entry.Value switch
            {
                YamlScalar { IsNull: true } => [],
                YamlScalar scalar => [scalar],
                YamlSequence => ScalarList(entry.Key, entry.Value),
                _ => WrongTypeEmpty(entry.Value, $"the label '{entry.Key.Value}'", "a value or a list of values"),
            };
            target.Add(new LabelConditionSyntax(entry.Key, values));
        }
    }

    private IReadOnlyList<YamlScalar> WrongTypeEmpty(YamlNode node, string what, string expected)
    {
        WrongType(node, what, expected);
        return [];
    }

    private void ParseAttributes(WhenSyntax when, YamlScalar key, YamlNode value)
    {
        foreach (var mapping in MappingItems(key, value, "an attribute condition ('- identity: spiffe.namespace' with 'equals_label: namespace')"))
        {
            var condition = new AttributeConditionSyntax(mapping.Position);
            foreach (var (field, fieldValue) in Fields(mapping, AttributeFields, "an attribute condition"))
            {
                switch (field.Value)
                {
                    case "identity":
                        condition.Identity = Scalar(field, fieldValue);
                        condition.HadTypeError |= condition.Identity is null && fieldValue is not YamlScalar;
                        break;
                    case "equals_label":
                        condition.EqualsLabel = Scalar(field, fieldValue);
                        condition.HadTypeError |= condition.EqualsLabel is null && fieldValue is not YamlScalar;
                        break;
                    case "equals":
                        condition.EqualsValue = Scalar(field, fieldValue);
                        condition.HadTypeError |= condition.EqualsValue is null && fieldValue is not YamlScalar;
                        break;
                    case "in":
                        condition.InPosition = field.Position;
                        condition.In = ListOrTypeError(field, fieldValue, condition);
                        break;
                }
            }

            when.Attributes.Add(condition);
        }
    }

    private IReadOnlyList<YamlScalar>? ListOrTypeError(YamlScalar field, YamlNode value, AttributeConditionSyntax condition)
    {
        if (value is YamlSequence or YamlScalar { IsNull: true })
        {
            return ScalarList(field, value);
        }

        condition.HadTypeError = true;
        WrongType(value, $"'{field.Value}'", "a list of values, e.g. [a, b]");
        return null;
    }

    private TimeWindowSyntax? ParseTime(YamlScalar key, YamlNode value)
    {
        if (value is YamlScalar { IsNull: true })
        {
            return new TimeWindowSyntax(key.Position);
        }

        if (value is not YamlMapping mapping)
        {
            WrongType(value, "'time'", "a mapping with days, from, to and time_zone");
            return null;
        }

        var time = new TimeWindowSyntax(key.Position);
        foreach (var (field, fieldValue) in Fields(mapping, TimeFields, "'time'"))
        {
            switch (field.Value)
            {
                case "days": time.Days = ScalarList(field, fieldValue); break;
                case "from": time.From = Scalar(field, fieldValue); break;
                case "to": time.To = Scalar(field, fieldValue); break;
                case "time_zone": time.TimeZone = Scalar(field, fieldValue); break;
            }
        }

        return time;
    }

    private void ParseValues(List<ValueConditionSyntax> target, YamlScalar key, YamlNode value, string what)
    {
        foreach (var mapping in MappingItems(key, value, $"a {what} condition ('- name: X-Env' with 'equals: canary')"))
        {
            var condition = new ValueConditionSyntax(mapping.Position);
            foreach (var (field, fieldValue) in Fields(mapping, ValueFields, $"a {what} condition"))
            {
                switch (field.Value)
                {
                    case "name":
                        condition.Name = Scalar(field, fieldValue);
                        condition.HadTypeError |= condition.Name is null && fieldValue is not YamlScalar;
                        break;
                    case "equals":
                        condition.EqualsValue = Scalar(field, fieldValue);
                        condition.HadTypeError |= condition.EqualsValue is null && fieldValue is not YamlScalar;
                        break;
                    case "present":
                        condition.Present = Scalar(field, fieldValue);
                        condition.HadTypeError |= condition.Present is null && fieldValue is not YamlScalar;
                        break;
                    case "in":
                        condition.InPosition = field.Position;
                        if (fieldValue is YamlSequence or YamlScalar { IsNull: true })
                        {
                            condition.In = ScalarList(field, fieldValue);
                        }
                        else
                        {
                            condition.HadTypeError = true;
                            WrongType(fieldValue, "'in'", "a list of values, e.g. [a, b]");
                        }

                        break;
                }
            }

            target.Add(condition);
        }
    }

    private ObligationsSyntax? ParseObligations(YamlScalar key, YamlNode value)
    {
        if (value is YamlScalar { IsNull: true })
        {
            return null;
        }

        if (value is not YamlMapping mapping)
        {
            WrongType(value, "'obligations'", "a mapping with 'headers' and/or 'rate_limit_class'");
            return null;
        }

        var obligations = new ObligationsSyntax(key.Position);
        foreach (var (field, fieldValue) in Fields(mapping, ObligationFields, "'obligations'"))
        {
            if (field.Value == "rate_limit_class")
            {
                obligations.RateLimitClass = Scalar(field, fieldValue);
                continue;
            }

            if (fieldValue is YamlScalar { IsNull: true })
            {
                continue;
            }

            if (fieldValue is not YamlMapping headers)
            {
                WrongType(fieldValue, "'headers'", "a mapping of header names to values, e.g. { X-Tenant: payments }");
                continue;
            }

            foreach (var entry in headers.Entries)
            {
                if (entry.Value is YamlScalar scalar)
                {
                    obligations.Headers.Add(new KeyValuePair<YamlScalar, YamlScalar>(entry.Key, scalar));
                }
                else
                {
                    WrongType(entry.Value, $"the header '{entry.Key.Value}'", "a single value");
                }
            }
        }

        return obligations;
    }

    /// <summary>The mapping items of a list (null → none); wrong shapes are reported.</summary>
    private List<YamlMapping> MappingItems(YamlScalar key, YamlNode value, string itemShape)
    {
        var result = new List<YamlMapping>();
        if (value is YamlScalar { IsNull: true })
        {
            return result;
        }

        if (value is not YamlSequence sequence)
        {
            WrongType(value, $"'{key.Value}'", $"a list, each item {itemShape}");
            return result;
        }

        foreach (var item in sequence.Items)
        {
            if (item is YamlMapping mapping)
            {
                result.Add(mapping);
            }
            else
            {
                WrongType(item, $"an item of '{key.Value}'", itemShape);
            }
        }

        return result;
    }

    private void ParseClaims(WhenSyntax when, YamlScalar key, YamlNode value)
    {
        if (value is YamlScalar { IsNull: true })
        {
            return;
        }

        if (value is not YamlSequence sequence)
        {
            WrongType(value, $"'{key.Value}'", "a list of claim conditions ('- name: scope' with 'contains: ...')");
            return;
        }

        foreach (var item in sequence.Items)
        {
            if (item is not YamlMapping mapping)
            {
                WrongType(item, "a claim condition", "a mapping with 'name' and one of 'equals', 'contains', 'contains_any'");
                continue;
            }

            var claim = new ClaimConditionSyntax(mapping.Position);
            foreach (var (field, fieldValue) in Fields(mapping, ClaimFields, "a claim condition"))
            {
                switch (field.Value)
                {
                    case "name":
                        claim.Name = Scalar(field, fieldValue);
                        break;
                    case "equals":
                        claim.EqualsValue = Scalar(field, fieldValue);
                        claim.HadTypeError |= claim.EqualsValue is null && fieldValue is not YamlScalar;
                        break;
                    case "contains":
                        claim.Contains = Scalar(field, fieldValue);
                        claim.HadTypeError |= claim.Contains is null && fieldValue is not YamlScalar;
                        break;
                    case "contains_any":
                        claim.ContainsAnyPosition = field.Position;
                        if (fieldValue is YamlSequence or YamlScalar { IsNull: true })
                        {
                            claim.ContainsAny = ScalarList(field, fieldValue);
                        }
                        else
                        {
                            claim.HadTypeError = true;
                            WrongType(fieldValue, "'contains_any'", "a list of values, e.g. [a, b]");
                        }

                        break;
                }
            }

            when.Claims.Add(claim);
        }
    }

    /// <summary>The known fields of a mapping; unknown ones are reported (with a suggestion) and skipped.</summary>
    private IEnumerable<(YamlScalar Key, YamlNode Value)> Fields(YamlMapping mapping, string[] known, string where)
    {
        foreach (var entry in mapping.Entries)
        {
            if (Array.IndexOf(known, entry.Key.Value) >= 0)
            {
                yield return (entry.Key, entry.Value);
                continue;
            }

            _diagnostics.Error(
                DiagnosticCodes.UnknownField, _file, entry.Key.Position, $"unknown field '{entry.Key.Value}' in {where}",
                Suggestions.Hint(entry.Key.Value, known));
        }
    }

    /// <summary>A scalar value, or null (empty values count as absent; lists and mappings are reported).</summary>
    private YamlScalar? Scalar(YamlScalar key, YamlNode value)
    {
        if (value is YamlScalar scalar)
        {
            return scalar.IsNull ? null : scalar;
        }

        WrongType(value, $"'{key.Value}'", "a single value");
        return null;
    }

    /// <summary>A list of scalars; an empty value is an empty list. A bare scalar is reported: lists must be lists.</summary>
    private IReadOnlyList<YamlScalar> ScalarList(YamlScalar key, YamlNode value)
    {
        if (value is YamlScalar { IsNull: true })
        {
            return [];
        }

        if (value is not YamlSequence sequence)
        {
            var example = value is YamlScalar scalar ? $"[{scalar.Value}]" : "[a, b]";
            _diagnostics.Error(
                DiagnosticCodes.WrongType, _file, value.Position, $"'{key.Value}' must be a list, but it is {value.KindName}",
                $"write it as a list, e.g. '{key.Value}: {example}'");
            return [];
        }

        var items = new List<YamlScalar>(sequence.Items.Count);
        foreach (var item in sequence.Items)
        {
            if (item is YamlScalar itemScalar)
            {
                items.Add(itemScalar);
            }
            else
            {
                WrongType(item, $"an item of '{key.Value}'", "a single value");
            }
        }

        return items;
    }

    private void WrongType(YamlNode node, string what, string expected)
        => _diagnostics.Error(
            DiagnosticCodes.WrongType, _file, node.Position, $"{what} must be {expected}, but it is {node.KindName}",
            $"change it to {expected}");

    private void Missing(SourcePosition position, string field, string where, string hint)
        => _diagnostics.Error(DiagnosticCodes.MissingField, _file, position, $"{where} is missing the required field '{field}'", hint);

    /// <summary>Reports PC1003 when the field is absent (at the mapping) or empty (at its key). Wrong types were reported already.</summary>
    private void RequireField(YamlMapping mapping, string field, string where, string hint)
    {
        foreach (var entry in mapping.Entries)
        {
            if (entry.Key.Value == field)
            {
                if (entry.Value is YamlScalar { IsNull: true })
                {
                    _diagnostics.Error(DiagnosticCodes.MissingField, _file, entry.Key.Position, $"the field '{field}' of {where} is empty", hint);
                }

                return;
            }
        }

        Missing(mapping.Position, field, where, hint);
    }
}

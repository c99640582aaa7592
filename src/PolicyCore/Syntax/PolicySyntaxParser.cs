using PolicyCore.Diagnostics;
using PolicyCore.Validation;

namespace PolicyCore.Syntax;

/// <summary>
/// Turns a YAML tree into the policy syntax tree. Reports shape problems only: missing required fields (PC1003),
/// unknown fields (PC1004) and wrong types (PC1005). Value checks are the validator's job.
/// </summary>
internal sealed class PolicySyntaxParser
{
    private static readonly string[] RootFields = ["version", "rules"];
    private static readonly string[] RuleFields = ["id", "description", "effect", "match", "when"];
    private static readonly string[] MatchFields = ["routes", "hosts", "methods", "paths"];
    private static readonly string[] WhenFields = ["subjects", "spiffe_ids", "trust_domains", "issuers", "auth_methods", "claims"];
    private static readonly string[] ClaimFields = ["name", "equals", "contains", "contains_any"];

    private readonly string _file;
    private readonly DiagnosticBag _diagnostics;

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
            }
        }

        if (syntax.Version is null)
        {
            RequireField(mapping, "version", "the policy file", "add 'version: 1' at the top of the file");
        }

        if (!hasRules)
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
                    rule.When = ParseWhen(key, value);
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

    private WhenSyntax ParseWhen(YamlScalar key, YamlNode value)
    {
        var when = new WhenSyntax(key.Position);
        if (value is YamlScalar { IsNull: true })
        {
            return when;
        }

        if (value is not YamlMapping mapping)
        {
            WrongType(value, "'when'", "a mapping of conditions such as spiffe_ids, issuers or claims");
            return when;
        }

        foreach (var (field, fieldValue) in Fields(mapping, WhenFields, "'when'"))
        {
            switch (field.Value)
            {
                case "subjects": when.Subjects = ScalarList(field, fieldValue); break;
                case "spiffe_ids": when.SpiffeIds = ScalarList(field, fieldValue); break;
                case "trust_domains": when.TrustDomains = ScalarList(field, fieldValue); break;
                case "issuers": when.Issuers = ScalarList(field, fieldValue); break;
                case "auth_methods": when.AuthMethods = ScalarList(field, fieldValue); break;
                case "claims": ParseClaims(when, field, fieldValue); break;
            }
        }

        return when;
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

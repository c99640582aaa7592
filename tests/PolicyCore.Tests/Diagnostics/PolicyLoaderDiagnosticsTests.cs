using PolicyCore.Diagnostics;
using PolicyCore.Tests.Support;

namespace PolicyCore.Tests.Diagnostics;

public class PolicyLoaderDiagnosticsTests
{
    private const string Head = "version: 1\nrules:\n  - id: r1\n    effect: allow\n    when:\n      subjects: [svc-a]\n";

    private static string Y(params string[] lines) => string.Join('\n', lines) + "\n";

    public static TheoryData<string, string, string, int, int> ErrorCases => new()
    {
        { "YamlSyntax_UnterminatedQuote", Y("version: 1", "rules:", "  - id: \"abc"), DiagnosticCodes.YamlSyntax, 3, 9 },
        { "MissingField_Effect", Y("version: 1", "rules:", "  - id: r1", "    when:", "      subjects: [a]"), DiagnosticCodes.MissingField, 3, 5 },
        { "MissingField_Version", Y("rules: []"), DiagnosticCodes.MissingField, 1, 1 },
        { "MissingField_EmptyId", Y("version: 1", "rules:", "  - id:", "    effect: allow"), DiagnosticCodes.MissingField, 3, 5 },
        { "UnknownField_InRule", Head + Y("    efect: deny"), DiagnosticCodes.UnknownField, 7, 5 },
        { "UnknownField_InWhen", Head + Y("      spiffe_id: [\"spiffe://example.org/a\"]"), DiagnosticCodes.UnknownField, 7, 7 },
        { "WrongType_MatchIsScalar", Head + Y("    match: routes"), DiagnosticCodes.WrongType, 7, 12 },
        { "WrongType_MethodsNotList", Head + Y("    match:", "      methods: GET"), DiagnosticCodes.WrongType, 8, 16 },
        { "InvalidEffect_Permit", Y("version: 1", "rules:", "  - id: r1", "    effect: permit"), DiagnosticCodes.InvalidEffect, 4, 13 },
        { "DuplicateRuleId_SameFile", Head + Y("  - id: r1", "    effect: deny", "    when:", "      subjects: [b]"), DiagnosticCodes.DuplicateRuleId, 7, 9 },
        { "InvalidPathPattern_DoubleStarInMiddle", Head + Y("    match:", "      paths: [\"/a/**/b\"]"), DiagnosticCodes.InvalidPathPattern, 8, 15 },
        { "InvalidPathPattern_NoLeadingSlash", Head + Y("    match:", "      paths: [payments]"), DiagnosticCodes.InvalidPathPattern, 8, 15 },
        { "InvalidPathPattern_PartialWildcard", Head + Y("    match:", "      paths: [\"/a*\"]"), DiagnosticCodes.InvalidPathPattern, 8, 15 },
        { "InvalidIdentityPattern_NotSpiffe", Head + Y("      spiffe_ids: [\"http://x\"]"), DiagnosticCodes.InvalidIdentityPattern, 7, 20 },
        { "InvalidIdentityPattern_WildcardTrustDomain", Head + Y("      spiffe_ids: [\"spiffe://*.org/a\"]"), DiagnosticCodes.InvalidIdentityPattern, 7, 20 },
        { "InvalidIdentityPattern_DoubleStarInMiddle", Head + Y("      spiffe_ids: [\"spiffe://example.org/**/x\"]"), DiagnosticCodes.InvalidIdentityPattern, 7, 20 },
        { "InvalidMethod_Digit", Head + Y("    match:", "      methods: [GE7]"), DiagnosticCodes.InvalidMethod, 8, 17 },
        { "UnsupportedVersion_Three", Y("version: 3", "rules: []"), DiagnosticCodes.UnsupportedVersion, 1, 10 },
        { "InvalidRuleId_Space", Y("version: 1", "rules:", "  - id: \"bad id!\"", "    effect: allow"), DiagnosticCodes.InvalidRuleId, 3, 9 },
        { "InvalidHostPattern_Port", Head + Y("    match:", "      hosts: [\"api.example.org:443\"]"), DiagnosticCodes.InvalidHostPattern, 8, 15 },
        { "InvalidHostPattern_InnerWildcard", Head + Y("    match:", "      hosts: [\"api.*.org\"]"), DiagnosticCodes.InvalidHostPattern, 8, 15 },
        { "InvalidClaimCondition_NoOperator", Head + Y("      claims:", "        - name: scope"), DiagnosticCodes.InvalidClaimCondition, 8, 11 },
        { "InvalidClaimCondition_TwoOperators", Head + Y("      claims:", "        - name: scope", "          equals: a", "          contains: b"), DiagnosticCodes.InvalidClaimCondition, 8, 11 },
        { "InvalidClaimCondition_NoName", Head + Y("      claims:", "        - equals: a"), DiagnosticCodes.InvalidClaimCondition, 8, 11 },
        { "DuplicateKey_Effect", Head + Y("    effect: deny"), DiagnosticCodes.DuplicateKey, 7, 5 },
        { "UnsupportedYaml_Alias", Head + Y("    description: *x"), DiagnosticCodes.UnsupportedYaml, 7, 18 },
    };

    [Theory]
    [MemberData(nameof(ErrorCases))]
    public void LoadText_InvalidInput_ReportsCodeAtPosition(string name, string yaml, string code, int line, int column)
    {
        var result = PolicyLoader.LoadText("p.yaml", yaml);

        var diagnostic = PolicyTestHelpers.Single(result, code);
        Assert.False(result.Succeeded, name);
        Assert.Null(result.Policy);
        Assert.Equal(DiagnosticSeverity.Error, diagnostic.Severity);
        Assert.Equal("p.yaml", diagnostic.File);
        Assert.Equal((line, column), (diagnostic.Line, diagnostic.Column));
        Assert.False(string.IsNullOrWhiteSpace(diagnostic.Hint));
    }

    public static TheoryData<string, string, string, int, int> WarningCases => new()
    {
        { "RuleWithoutConditions_NoWhen", Y("version: 1", "rules:", "  - id: r1", "    effect: allow"), DiagnosticCodes.RuleWithoutConditions, 3, 5 },
        { "RuleWithoutConditions_EmptyWhen", Y("version: 1", "rules:", "  - id: r1", "    effect: allow", "    when: {}"), DiagnosticCodes.RuleWithoutConditions, 5, 5 },
        { "EmptyRules_EmptyList", Y("version: 1", "rules: []"), DiagnosticCodes.EmptyRules, 2, 1 },
        { "UnknownAuthMethod_Oauth", Head + Y("      auth_methods: [oauth]"), DiagnosticCodes.UnknownAuthMethod, 7, 22 },
    };

    [Theory]
    [MemberData(nameof(WarningCases))]
    public void LoadText_Questionable_WarnsButSucceeds(string name, string yaml, string code, int line, int column)
    {
        var result = PolicyLoader.LoadText("p.yaml", yaml);

        var diagnostic = PolicyTestHelpers.Single(result, code);
        Assert.True(result.Succeeded, name + ": " + string.Join("; ", result.Diagnostics));
        Assert.Equal(DiagnosticSeverity.Warning, diagnostic.Severity);
        Assert.Equal((line, column), (diagnostic.Line, diagnostic.Column));
    }

    [Fact]
    public void LoadText_UnterminatedFlowList_ReportsYamlSyntaxWithoutThrowing()
    {
        var result = PolicyLoader.LoadText("p.yaml", "version: 1\nrules: [\n");

        Assert.Equal(DiagnosticCodes.YamlSyntax, Assert.Single(result.Diagnostics).Code);
    }

    [Fact]
    public void LoadText_UnknownField_SuggestsClosestName()
    {
        var result = PolicyLoader.LoadText("p.yaml", Head + "    efect: deny\n");

        Assert.Equal("did you mean 'effect'?", PolicyTestHelpers.Single(result, DiagnosticCodes.UnknownField).Hint);
    }

    [Fact]
    public void LoadText_InvalidEffect_SuggestsAllow()
    {
        var result = PolicyLoader.LoadText("p.yaml", "version: 1\nrules:\n  - id: r1\n    effect: alow\n");

        Assert.Equal("did you mean 'allow'?", PolicyTestHelpers.Single(result, DiagnosticCodes.InvalidEffect).Hint);
    }

    [Fact]
    public void LoadText_UnknownRoute_ReportsWithSuggestionOnlyWhenRoutesKnown()
    {
        var yaml = Head + "    match:\n      routes: [paymnts]\n";

        var withRoutes = PolicyLoader.LoadText("p.yaml", yaml, knownRouteIds: new HashSet<string> { "payments", "orders" });
        var withoutRoutes = PolicyLoader.LoadText("p.yaml", yaml);

        var diagnostic = PolicyTestHelpers.Single(withRoutes, DiagnosticCodes.UnknownRoute);
        Assert.Equal((8, 16), (diagnostic.Line, diagnostic.Column));
        Assert.Equal("did you mean 'payments'?", diagnostic.Hint);
        Assert.True(withoutRoutes.Succeeded);
    }

    [Fact]
    public void LoadText_ManyErrorsInOneFile_ReportsAllInPositionOrder()
    {
        var yaml = Y(
            "version: 1",
            "rules:",
            "  - id: \"bad id\"",
            "    effect: permit",
            "    match:",
            "      methods: [\"G T\"]",
            "      paths: [\"x\"]",
            "  - id: r2",
            "    effect: deny",
            "    colour: red");

        var result = PolicyLoader.LoadText("p.yaml", yaml);

        var codes = new List<string>();
        foreach (var d in result.Diagnostics)
        {
            if (d.Severity == DiagnosticSeverity.Error)
            {
                codes.Add(d.Code);
            }
        }

        Assert.Equal([DiagnosticCodes.InvalidRuleId, DiagnosticCodes.InvalidEffect, DiagnosticCodes.InvalidMethod, DiagnosticCodes.InvalidPathPattern, DiagnosticCodes.UnknownField], codes);
        Assert.Null(result.Policy);
    }

    [Fact]
    public void LoadText_TooLarge_ReportsInputLimit()
    {
        var yaml = "version: 1\nrules: []\n# " + new string('x', PolicyLoader.MaxFileBytes) + "\n";

        var result = PolicyLoader.LoadText("p.yaml", yaml);

        var diagnostic = PolicyTestHelpers.Single(result, DiagnosticCodes.InputLimitExceeded);
        Assert.Equal((1, 1), (diagnostic.Line, diagnostic.Column));
    }

    [Fact]
    public void LoadText_DeeplyNested_ReportsInputLimit()
    {
        var yaml = "version: 1\nrules:\n  - id: r1\n    effect: allow\n    description: " + new string('[', 200) + new string(']', 200) + "\n";

        var result = PolicyLoader.LoadText("p.yaml", yaml);

        Assert.Equal(DiagnosticCodes.InputLimitExceeded, PolicyTestHelpers.Single(result, DiagnosticCodes.InputLimitExceeded).Code);
        Assert.False(result.Succeeded);
    }

    [Fact]
    public void Diagnostic_ToString_UsesCompilerFormat()
    {
        var diagnostic = new Diagnostic("PC1003", DiagnosticSeverity.Error, "a.yaml", 3, 5, "rule is missing 'effect'", "add 'effect: allow'");

        Assert.Equal("a.yaml:3:5: error PC1003: rule is missing 'effect'. hint: add 'effect: allow'", diagnostic.ToString());
    }

    [Fact]
    public void LoadText_EmptyFile_ReportsMissingVersion()
    {
        var result = PolicyLoader.LoadText("p.yaml", "# only a comment\n");

        Assert.Equal(DiagnosticCodes.MissingField, Assert.Single(result.Diagnostics).Code);
    }

    [Fact]
    public void LoadText_SchemaCommentAndFullRule_Succeeds()
    {
        var yaml = Y(
            "# yaml-language-server: $schema=../schema/policy.schema.json",
            "version: 1",
            "rules:",
            "  - id: payments-read",
            "    description: free text",
            "    effect: allow",
            "    match:",
            "      routes: [payments]",
            "      hosts: [api.example.org, \"*.example.org\"]",
            "      methods: [get, POST]",
            "      paths: [\"/payments\", \"/payments/**\", \"/payments/{id}\", \"/payments/{id}/refunds\"]",
            "    when:",
            "      subjects: [\"spiffe://example.org/ns/payments/sa/*\", svc-billing]",
            "      spiffe_ids: [\"spiffe://example.org/ns/*/sa/reader\"]",
            "      trust_domains: [example.org]",
            "      issuers: [\"https://issuer.example.org\"]",
            "      auth_methods: [jwt]",
            "      claims:",
            "        - name: scope",
            "          contains: payments.read",
            "        - name: env",
            "          equals: prod",
            "        - name: groups",
            "          contains_any: [a, b]");

        var result = PolicyLoader.LoadText("p.yaml", yaml, 7, new HashSet<string> { "payments" });

        Assert.True(result.Succeeded, string.Join("; ", result.Diagnostics));
        Assert.Empty(result.Diagnostics);
        Assert.Equal(7, result.Policy!.Revision);
        Assert.Equal(["payments-read"], result.Policy.RuleIds);
        Assert.Equal(["p.yaml"], result.Policy.SourceFiles);
    }
}

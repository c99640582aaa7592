using PolicyCore.Diagnostics;
using PolicyCore.Tests.Support;

namespace PolicyCore.Tests.Diagnostics;

/// <summary>Diagnostics for <c>require</c>, top-level <c>requirements</c> and <c>when.sender_constrained</c>.</summary>
public class RequirementDiagnosticsTests
{
    private const string Head = "version: 2\nrules:\n  - id: r1\n    effect: allow\n    when:\n      subjects: [svc-a]\n";

    private static string Y(params string[] lines) => string.Join('\n', lines) + "\n";

    public static TheoryData<string, string, string, int, int> ErrorCases => new()
    {
        { "UnknownRequirement_OnRule", Head + Y("    require: [sender_constraint]"), DiagnosticCodes.UnknownRequirement, 7, 15 },
        { "UnknownRequirement_OnRoute", Y("version: 2", "requirements:", "  - routes: [payments]", "    require: [mtls]", "rules: []"), DiagnosticCodes.UnknownRequirement, 4, 15 },
        { "RequirementOnDeny", Y("version: 2", "rules:", "  - id: d", "    effect: deny", "    require: [sender_constrained]"), DiagnosticCodes.RequirementOnDeny, 5, 5 },
        { "RequirementOnDeny_EmptyList", Y("version: 2", "rules:", "  - id: d", "    effect: deny", "    require: []"), DiagnosticCodes.RequirementOnDeny, 5, 5 },
        { "Require_ScalarNotList", Head + Y("    require: sender_constrained"), DiagnosticCodes.WrongType, 7, 14 },
        { "Require_InVersionOne", Y("version: 1", "rules:", "  - id: r1", "    effect: allow", "    when: { subjects: [a] }", "    require: [sender_constrained]"), DiagnosticCodes.RequiresVersionTwo, 6, 5 },
        { "Requirements_InVersionOne", Y("version: 1", "requirements:", "  - routes: [p]", "    require: [sender_constrained]", "rules: []"), DiagnosticCodes.RequiresVersionTwo, 2, 1 },
        { "SenderConstrained_InVersionOne", Y("version: 1", "rules:", "  - id: r1", "    effect: deny", "    when: { sender_constrained: false }"), DiagnosticCodes.RequiresVersionTwo, 5, 13 },
        { "Requirement_MissingRoutes", Y("version: 2", "requirements:", "  - require: [sender_constrained]", "rules: []"), DiagnosticCodes.MissingField, 3, 5 },
        { "Requirement_EmptyRoutes", Y("version: 2", "requirements:", "  - routes: []", "    require: [sender_constrained]", "rules: []"), DiagnosticCodes.MissingField, 3, 5 },
        { "Requirement_EmptyRequire", Y("version: 2", "requirements:", "  - routes: [payments]", "    require: []", "rules: []"), DiagnosticCodes.MissingField, 4, 5 },
        { "Requirement_MissingRequire", Y("version: 2", "requirements:", "  - routes: [payments]", "rules: []"), DiagnosticCodes.MissingField, 3, 5 },
        { "Requirement_EmptyRouteId", Y("version: 2", "requirements:", "  - routes: [\"\"]", "    require: [sender_constrained]", "rules: []"), DiagnosticCodes.UnknownRoute, 3, 14 },
        { "Requirement_UnknownField", Y("version: 2", "requirements:", "  - routes: [p]", "    require: [sender_constrained]", "    methods: [GET]", "rules: []"), DiagnosticCodes.UnknownField, 5, 5 },
        { "Requirement_InvalidMode", Y("version: 2", "requirements:", "  - routes: [p]", "    require: [sender_constrained]", "    mode: dry-run", "rules: []"), DiagnosticCodes.InvalidMode, 5, 11 },
        { "Requirement_InvalidId", Y("version: 2", "requirements:", "  - id: \"bad id\"", "    routes: [p]", "    require: [sender_constrained]", "rules: []"), DiagnosticCodes.InvalidRuleId, 3, 9 },
        { "Requirement_NotAList", Y("version: 2", "requirements:", "  routes: [p]", "rules: []"), DiagnosticCodes.WrongType, 3, 3 },
        {
            "DuplicateId_RequirementAndRule",
            Y("version: 2", "requirements:", "  - id: r1", "    routes: [p]", "    require: [sender_constrained]", "rules:", "  - id: r1", "    effect: allow", "    when: { subjects: [a] }"),
            DiagnosticCodes.DuplicateRuleId, 7, 9
        },
        { "SenderConstrained_NotBoolean", Head + Y("      sender_constrained: maybe"), DiagnosticCodes.WrongType, 7, 27 },
        { "SenderConstrained_Empty", Head + Y("      sender_constrained:"), DiagnosticCodes.WrongType, 7, 26 },
        { "SenderConstrained_NotInGrant", Y("version: 2", "roles:", "  r: { grants: [{ sender_constrained: true }] }", "rules: []"), DiagnosticCodes.UnknownField, 3, 19 },
    };

    [Theory]
    [MemberData(nameof(ErrorCases))]
    public void LoadText_InvalidRequirement_ReportsCodeAtPosition(string name, string yaml, string code, int line, int column)
    {
        var result = PolicyLoader.LoadText("p.yaml", yaml);

        var diagnostic = PolicyTestHelpers.Single(result, code);
        Assert.False(result.Succeeded, name);
        Assert.Equal(DiagnosticSeverity.Error, diagnostic.Severity);
        Assert.True((line, column) == (diagnostic.Line, diagnostic.Column), $"{name}: {diagnostic}");
        Assert.False(string.IsNullOrWhiteSpace(diagnostic.Hint));
    }

    [Fact]
    public void LoadText_UnknownRequirement_SuggestsSenderConstrained()
    {
        var result = PolicyLoader.LoadText("p.yaml", Head + Y("    require: [sender_constraint]"));

        var diagnostic = PolicyTestHelpers.Single(result, DiagnosticCodes.UnknownRequirement);
        Assert.Equal("unknown requirement 'sender_constraint'", diagnostic.Message);
        Assert.Equal("did you mean 'sender_constrained'?", diagnostic.Hint);
    }

    [Fact]
    public void LoadText_RequireOnDeny_SaysWhyAndWhatToWriteInstead()
    {
        var result = PolicyLoader.LoadText("p.yaml", Y("version: 2", "rules:", "  - id: d", "    effect: deny", "    require: [sender_constrained]"));

        var diagnostic = PolicyTestHelpers.Single(result, DiagnosticCodes.RequirementOnDeny);
        Assert.Contains("unbound (plain bearer) credential would escape the deny", diagnostic.Message);
        Assert.Contains("'when'", diagnostic.Hint);
        Assert.Contains("sender_constrained: false", diagnostic.Hint);
        Assert.Equal("p.yaml:5:5: error PC1036: " + diagnostic.Message + ". hint: " + diagnostic.Hint, diagnostic.ToString());
    }

    [Fact]
    public void LoadText_RequirementOnUnknownRoute_ReportsPositionAndSuggestion()
    {
        var yaml = Y("version: 2", "requirements:", "  - routes: [payments, paymnets]", "    require: [sender_constrained]", "rules: []");

        var result = PolicyLoader.LoadText("p.yaml", yaml, knownRouteIds: new HashSet<string> { "payments", "orders" });

        var diagnostic = PolicyTestHelpers.Single(result, DiagnosticCodes.UnknownRoute);
        Assert.Equal((3, 24), (diagnostic.Line, diagnostic.Column));
        Assert.Equal("did you mean 'payments'?", diagnostic.Hint);
    }

    [Fact]
    public void LoadText_DuplicateRequirementIds_AcrossFiles_Reported()
    {
        var dir = Directory.CreateTempSubdirectory("policycore-req-");
        try
        {
            var a = Path.Combine(dir.FullName, "a.yaml");
            var b = Path.Combine(dir.FullName, "b.yaml");
            File.WriteAllText(a, Y("version: 2", "requirements:", "  - id: bound", "    routes: [p]", "    require: [sender_constrained]"));
            File.WriteAllText(b, Y("version: 2", "requirements:", "  - id: bound", "    routes: [q]", "    require: [sender_constrained]"));

            var result = PolicyLoader.LoadFiles([a, b]);

            var diagnostic = Assert.Single(result.Diagnostics);
            Assert.Equal((DiagnosticCodes.DuplicateRuleId, b, 3, 9), (diagnostic.Code, diagnostic.File, diagnostic.Line, diagnostic.Column));
        }
        finally
        {
            dir.Delete(recursive: true);
        }
    }

    public static TheoryData<string, string> ValidCases => new()
    {
        { "OnlyRequirements", Y("version: 2", "requirements:", "  - routes: [payments]", "    require: [sender_constrained]") },
        { "RequirementWithIdModeDescription", Y("version: 2", "requirements:", "  - id: payments-bound", "    description: High impact.", "    mode: shadow", "    routes: [payments, refunds]", "    require: [sender_constrained]", "rules: []") },
        { "AllowWithRequire", Head + Y("    require: [sender_constrained]") },
        { "AllowWithEmptyRequire", Head + Y("    require: []") },
        { "DenyOnUnbound", Y("version: 2", "rules:", "  - id: d", "    effect: deny", "    match: { paths: [\"/admin/**\"] }", "    when: { sender_constrained: false }") },
        { "SenderConstrainedInCombinator", Head + Y("      any: [{ sender_constrained: true }, { auth_methods: [mtls] }]") },
    };

    [Theory]
    [MemberData(nameof(ValidCases))]
    public void LoadText_ValidRequirement_LoadsWithoutDiagnostics(string name, string yaml)
    {
        var result = PolicyLoader.LoadText("p.yaml", yaml);

        Assert.True(result.Succeeded, name + ": " + string.Join("; ", result.Diagnostics));
        Assert.Empty(result.Diagnostics);
    }

    [Fact]
    public void LoadText_DenyOnUnboundCallers_DoesNotMakeTheBoundAllowUnreachable()
    {
        var yaml = Y(
            "version: 2", "rules:", "  - id: a", "    effect: allow", "    when: { subjects: [x] }",
            "  - id: d", "    effect: deny", "    when: { subjects: [x], sender_constrained: false }");

        var result = PolicyLoader.LoadText("p.yaml", yaml);

        Assert.True(result.Succeeded);
        Assert.DoesNotContain(result.Diagnostics, d => d.Code == DiagnosticCodes.UnreachableRule);
    }

    [Fact]
    public void LoadText_AllowWithRequireUnderBroaderDeny_StillUnreachable()
    {
        var yaml = Y(
            "version: 2", "rules:", "  - id: a", "    effect: allow", "    require: [sender_constrained]", "    match: { paths: [\"/admin/x\"] }",
            "    when: { subjects: [x] }", "  - id: d", "    effect: deny", "    match: { paths: [\"/admin/**\"] }");

        var result = PolicyLoader.LoadText("p.yaml", yaml);

        Assert.Equal((3, 9), (PolicyTestHelpers.Single(result, DiagnosticCodes.UnreachableRule).Line, PolicyTestHelpers.Single(result, DiagnosticCodes.UnreachableRule).Column));
    }
}

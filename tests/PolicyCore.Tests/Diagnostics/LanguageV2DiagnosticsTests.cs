using PolicyCore.Diagnostics;
using PolicyCore.Tests.Support;

namespace PolicyCore.Tests.Diagnostics;

public class LanguageV2DiagnosticsTests
{
    private const string Head = "version: 2\nrules:\n  - id: r1\n    effect: allow\n    when:\n      subjects: [svc-a]\n";

    private static string Y(params string[] lines) => string.Join('\n', lines) + "\n";

    public static TheoryData<string, string, string, int, int> ErrorCases => new()
    {
        { "RequiresVersionTwo_Roles", Y("version: 1", "rules:", "  - id: r1", "    effect: allow", "    when:", "      roles: [a]"), DiagnosticCodes.RequiresVersionTwo, 6, 7 },
        { "UnknownRole_Suggests", Y("version: 2", "roles:", "  reader:", "    grants: [{ subjects: [a] }]", "rules:", "  - id: r1", "    effect: allow", "    when: { roles: [raeder] }"), DiagnosticCodes.UnknownRole, 8, 21 },
        { "UnknownIdentity", Head + Y("      identities: [billing]"), DiagnosticCodes.UnknownIdentity, 7, 20 },
        { "RoleCycle", Y("version: 2", "roles:", "  a:", "    grants: [{ roles: [b] }]", "  b:", "    grants: [{ roles: [a] }]", "rules:", "  - id: r1", "    effect: allow", "    when: { roles: [a] }"), DiagnosticCodes.RoleCycle, 3, 3 },
        { "DuplicateName_Identity", Y("version: 2", "identities:", "  x: { subjects: [a] }", "  x: { subjects: [b] }", "rules: []"), DiagnosticCodes.DuplicateKey, 4, 3 },
        { "InvalidName_Role", Y("version: 2", "roles:", "  \"bad role\":", "    grants: [{ subjects: [a] }]", "rules: []"), DiagnosticCodes.InvalidName, 3, 3 },
        { "EmptySelector_RoleWithoutGrants", Y("version: 2", "roles:", "  r:", "    grants: []", "rules: []"), DiagnosticCodes.EmptySelector, 4, 5 },
        { "EmptySelector_EmptyAlias", Y("version: 2", "identities:", "  x: { description: nobody }", "rules: []"), DiagnosticCodes.EmptySelector, 3, 6 },
        { "InvalidAttribute_NoLayout", Head + Y("      attributes: [{ identity: spiffe.namespace, equals_label: namespace }]"), DiagnosticCodes.InvalidAttributeCondition, 7, 32 },
        { "InvalidAttribute_UnknownSegment", Y("version: 2", "spiffe_path: /ns/{namespace}/sa/{sa}", "rules:", "  - id: r1", "    effect: allow", "    when:", "      attributes: [{ identity: spiffe.team, equals_label: team }]"), DiagnosticCodes.InvalidAttributeCondition, 7, 32 },
        { "InvalidAttribute_TwoOperators", Head + Y("      attributes: [{ identity: trust_domain, equals_label: zone, equals: x }]"), DiagnosticCodes.InvalidAttributeCondition, 7, 20 },
        { "InvalidSpiffePath", Y("version: 2", "spiffe_path: /ns/*/sa", "rules: []"), DiagnosticCodes.InvalidSpiffePath, 2, 14 },
        { "InvalidTimeWindow_Zone", Head + Y("      time: { days: [mon], time_zone: Mars/Olympus }"), DiagnosticCodes.InvalidTimeWindow, 7, 39 },
        { "InvalidTimeWindow_Day", Head + Y("      time: { days: [funday] }"), DiagnosticCodes.InvalidTimeWindow, 7, 22 },
        { "InvalidTimeWindow_Clock", Head + Y("      time: { from: \"8am\", to: \"18:00\" }"), DiagnosticCodes.InvalidTimeWindow, 7, 21 },
        { "InvalidRequestCondition_NoOperator", Head + Y("      headers: [{ name: X-Env }]"), DiagnosticCodes.InvalidRequestCondition, 7, 17 },
        { "IdentityHeaderRefused_Authorization", Head + Y("      headers: [{ name: Authorization, present: true }]"), DiagnosticCodes.IdentityHeaderRefused, 7, 25 },
        { "IdentityHeaderRefused_Cookie", Head + Y("      headers: [{ name: cookie, equals: x }]"), DiagnosticCodes.IdentityHeaderRefused, 7, 25 },
        { "IdentityHeaderRefused_Workload", Head + Y("      headers: [{ name: X_Workload_Id, equals: x }]"), DiagnosticCodes.IdentityHeaderRefused, 7, 25 },
        { "IdentityHeaderRefused_Obligation", Head + Y("    obligations: { headers: { X-Workload-Id: admin } }"), DiagnosticCodes.IdentityHeaderRefused, 7, 31 },
        { "InvalidMode", Head + Y("    mode: dry-run"), DiagnosticCodes.InvalidMode, 7, 11 },
        { "InvalidObligations_OnDeny", Y("version: 2", "rules:", "  - id: r1", "    effect: deny", "    obligations: { rate_limit_class: gold }"), DiagnosticCodes.InvalidObligations, 5, 5 },
        { "InvalidObligations_HeaderValueNewline", Head + Y("    obligations: { headers: { X-Tenant: \"a\\r\\nX-Evil: 1\" } }"), DiagnosticCodes.InvalidObligations, 7, 41 },
        { "InvalidCombinator_EmptyAny", Head + Y("      any: []"), DiagnosticCodes.InvalidCombinator, 7, 7 },
        { "InvalidCombinator_EmptyNot", Head + Y("      not: {}"), DiagnosticCodes.InvalidCombinator, 7, 7 },
        { "InvalidLabelCondition_NoValue", Head + Y("    match: { labels: { zone: [] } }"), DiagnosticCodes.InvalidLabelCondition, 7, 24 },
        { "UnknownField_InTime", Head + Y("      time: { tz: UTC }"), DiagnosticCodes.UnknownField, 7, 15 },
        { "UnknownField_AliasHasRoles", Y("version: 2", "identities:", "  x: { roles: [a] }", "rules: []"), DiagnosticCodes.UnknownField, 3, 8 },
    };

    [Theory]
    [MemberData(nameof(ErrorCases))]
    public void LoadText_InvalidV2Input_ReportsCodeAtPosition(string name, string yaml, string code, int line, int column)
    {
        var result = PolicyLoader.LoadText("p.yaml", yaml);

        var diagnostic = PolicyTestHelpers.Single(result, code);
        Assert.False(result.Succeeded, name);
        Assert.Equal(DiagnosticSeverity.Error, diagnostic.Severity);
        Assert.True((line, column) == (diagnostic.Line, diagnostic.Column), $"{name}: {diagnostic}");
        Assert.False(string.IsNullOrWhiteSpace(diagnostic.Hint));
    }

    public static TheoryData<string, string, string, int, int> WarningCases => new()
    {
        {
            "Unreachable_BroaderDeny",
            Y("version: 2", "rules:", "  - id: read-admin", "    effect: allow", "    match: { routes: [a], methods: [GET], paths: [\"/admin/{id}\"] }",
              "    when: { subjects: [svc-a] }", "  - id: no-admin", "    effect: deny", "    match: { paths: [\"/ADMIN/**\"] }"),
            DiagnosticCodes.UnreachableRule, 3, 9
        },
        {
            "Unreachable_SameConditions",
            Y("version: 2", "rules:", "  - id: a", "    effect: allow", "    match: { hosts: [x.example.org] }", "    when: { subjects: [svc-a] }",
              "  - id: d", "    effect: deny", "    match: { hosts: [\"*.example.org\"] }", "    when: { subjects: [svc-a] }"),
            DiagnosticCodes.UnreachableRule, 3, 9
        },
        {
            "Unused_Role",
            Y("version: 2", "roles:", "  r: { grants: [{ subjects: [a] }] }", "rules:", "  - id: a", "    effect: allow", "    when: { subjects: [a] }"),
            DiagnosticCodes.UnusedDefinition, 3, 3
        },
    };

    [Theory]
    [MemberData(nameof(WarningCases))]
    public void LoadText_QuestionableV2_WarnsButSucceeds(string name, string yaml, string code, int line, int column)
    {
        var result = PolicyLoader.LoadText("p.yaml", yaml);

        var diagnostic = PolicyTestHelpers.Single(result, code);
        Assert.True(result.Succeeded, name + ": " + string.Join("; ", result.Diagnostics));
        Assert.Equal(DiagnosticSeverity.Warning, diagnostic.Severity);
        Assert.True((line, column) == (diagnostic.Line, diagnostic.Column), $"{name}: {diagnostic}");
    }

    public static TheoryData<string, string> ReachableCases => new()
    {
        { "DenyNarrowerPath", Y("version: 2", "rules:", "  - id: a", "    effect: allow", "    match: { paths: [\"/admin/**\"] }", "    when: { subjects: [x] }", "  - id: d", "    effect: deny", "    match: { paths: [\"/admin/secret\"] }") },
        { "DenyHasConditions", Y("version: 2", "rules:", "  - id: a", "    effect: allow", "    when: { subjects: [x] }", "  - id: d", "    effect: deny", "    when: { subjects: [y] }") },
        { "DenyIsShadow", Y("version: 2", "rules:", "  - id: a", "    effect: allow", "    when: { subjects: [x] }", "  - id: d", "    effect: deny", "    mode: shadow") },
        { "DenyOnlySomeMethods", Y("version: 2", "rules:", "  - id: a", "    effect: allow", "    when: { subjects: [x] }", "  - id: d", "    effect: deny", "    match: { methods: [DELETE] }") },
        { "DenyNeedsMoreSegments", Y("version: 2", "rules:", "  - id: a", "    effect: allow", "    match: { paths: [\"/a/**\"] }", "    when: { subjects: [x] }", "  - id: d", "    effect: deny", "    match: { paths: [\"/a/*/**\"] }") },
    };

    [Theory]
    [MemberData(nameof(ReachableCases))]
    public void LoadText_AllowNotCovered_NoUnreachableWarning(string name, string yaml)
    {
        var result = PolicyLoader.LoadText("p.yaml", yaml);

        Assert.True(result.Succeeded, name);
        Assert.DoesNotContain(result.Diagnostics, d => d.Code == DiagnosticCodes.UnreachableRule);
    }

    [Fact]
    public void LoadFiles_RolesAcrossFiles_Resolve()
    {
        var dir = Directory.CreateTempSubdirectory("policycore-v2-");
        try
        {
            var roles = Path.Combine(dir.FullName, "roles.yaml");
            var rules = Path.Combine(dir.FullName, "rules.yaml");
            File.WriteAllText(roles, Y("version: 2", "roles:", "  reader: { grants: [{ subjects: [svc-a] }] }"));
            File.WriteAllText(rules, Y("version: 2", "rules:", "  - id: r", "    effect: allow", "    when: { roles: [reader] }"));

            var result = PolicyLoader.LoadFiles([roles, rules]);

            Assert.True(result.Succeeded, string.Join("; ", result.Diagnostics));
            Assert.Empty(result.Diagnostics);
        }
        finally
        {
            dir.Delete(recursive: true);
        }
    }

    [Fact]
    public void LoadText_ConflictingSpiffeLayouts_Reported()
    {
        var dir = Directory.CreateTempSubdirectory("policycore-v2-");
        try
        {
            var a = Path.Combine(dir.FullName, "a.yaml");
            var b = Path.Combine(dir.FullName, "b.yaml");
            File.WriteAllText(a, Y("version: 2", "spiffe_path: /ns/{namespace}/sa/{sa}", "rules: []"));
            File.WriteAllText(b, Y("version: 2", "spiffe_path: /{namespace}/{sa}", "rules: []"));

            var result = PolicyLoader.LoadFiles([a, b]);

            Assert.Equal(DiagnosticCodes.InvalidSpiffePath, Assert.Single(result.Diagnostics, d => d.IsError).Code);
        }
        finally
        {
            dir.Delete(recursive: true);
        }
    }
}

using PolicyCore.Diagnostics;
using PolicyCore.Evaluation;
using PolicyCore.Model;
using PolicyCore.Tests.Support;

namespace PolicyCore.Tests.Diagnostics;

public sealed class PolicyLoaderFilesTests : IDisposable
{
    private readonly string _dir = Path.Combine(Path.GetTempPath(), "policycore-tests-" + Guid.NewGuid().ToString("N"));

    public PolicyLoaderFilesTests() => Directory.CreateDirectory(_dir);

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private string Write(string name, string text)
    {
        var path = Path.Combine(_dir, name);
        File.WriteAllText(path, text);
        return path;
    }

    [Fact]
    public void LoadFiles_MissingFile_ReportsUnreadableAtLineOne()
    {
        var path = Path.Combine(_dir, "nope.yaml");

        var result = PolicyLoader.LoadFiles([path]);

        var diagnostic = Assert.Single(result.Diagnostics);
        Assert.Equal((DiagnosticCodes.FileUnreadable, path, 1, 1), (diagnostic.Code, diagnostic.File, diagnostic.Line, diagnostic.Column));
        Assert.False(result.Succeeded);
    }

    [Fact]
    public void LoadFiles_DuplicateIdAcrossFiles_ReportsBothLocations()
    {
        var a = Write("a.yaml", "version: 1\nrules:\n  - id: shared\n    effect: allow\n    when: {subjects: [x]}\n");
        var b = Write("b.yaml", "version: 1\nrules:\n  - id: other\n    effect: deny\n    when: {subjects: [y]}\n  - id: shared\n    effect: deny\n    when: {subjects: [z]}\n");

        var result = PolicyLoader.LoadFiles([a, b]);

        var diagnostic = PolicyTestHelpers.Single(result, DiagnosticCodes.DuplicateRuleId);
        Assert.Equal((b, 6, 9), (diagnostic.File, diagnostic.Line, diagnostic.Column));
        Assert.Contains($"{a}:3:9", diagnostic.Message, StringComparison.Ordinal);
        Assert.Contains($"{b}:6:9", diagnostic.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void LoadFiles_ErrorsInSeveralFiles_ReportsAllInFileOrder()
    {
        var a = Write("a.yaml", "version: 1\nrules:\n  - id: r1\n    effect: maybe\n");
        var b = Write("b.yaml", "version: 3\nrules: []\n");
        var missing = Path.Combine(_dir, "missing.yaml");

        var result = PolicyLoader.LoadFiles([a, missing, b]);

        var errors = new List<(string, string)>();
        foreach (var d in result.Diagnostics)
        {
            if (d.IsError)
            {
                errors.Add((Path.GetFileName(d.File), d.Code));
            }
        }

        Assert.Equal([("a.yaml", DiagnosticCodes.InvalidEffect), ("missing.yaml", DiagnosticCodes.FileUnreadable), ("b.yaml", DiagnosticCodes.UnsupportedVersion)], errors);
    }

    [Fact]
    public void LoadFiles_TwoFiles_KeepsLoadOrderAndDenyWinsAcrossFiles()
    {
        var a = Write("a.yaml", "version: 1\nrules:\n  - id: allow-all\n    effect: allow\n    when: {subjects: [svc-a]}\n");
        var b = Write("b.yaml", "version: 1\nrules:\n  - id: deny-admin\n    effect: deny\n    match: {paths: [\"/admin/**\"]}\n    when: {subjects: [\"*\"]}\n");

        var result = PolicyLoader.LoadFiles([a, b], revision: 42);

        Assert.True(result.Succeeded, string.Join("; ", result.Diagnostics));
        var policy = result.Policy!;
        Assert.Equal(["allow-all", "deny-admin"], policy.RuleIds);
        Assert.Equal([a, b], policy.SourceFiles);
        Assert.Equal(2, policy.RuleCount);
        Assert.Equal(42, policy.Revision);
        var identity = PolicyTestHelpers.Identity();
        Assert.Equal(new Decision(Effect.Deny, "deny-admin", DecisionReason.DeniedByRule), PolicyEvaluator.Evaluate(policy, PolicyTestHelpers.Request(identity, "/admin/x")));
        Assert.Equal(new Decision(Effect.Allow, "allow-all", DecisionReason.AllowedByRule), PolicyEvaluator.Evaluate(policy, PolicyTestHelpers.Request(identity, "/x")));
    }

    [Fact]
    public void LoadFiles_FileTooLarge_ReportsInputLimit()
    {
        var path = Write("big.yaml", "version: 1\nrules: []\n#" + new string('x', PolicyLoader.MaxFileBytes));

        var result = PolicyLoader.LoadFiles([path]);

        Assert.Equal(DiagnosticCodes.InputLimitExceeded, Assert.Single(result.Diagnostics).Code);
    }

    [Fact]
    public void LoadFiles_NoFiles_ReportsError()
    {
        var result = PolicyLoader.LoadFiles([]);

        Assert.False(result.Succeeded);
        Assert.Equal(DiagnosticCodes.FileUnreadable, Assert.Single(result.Diagnostics).Code);
    }
}

using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Json.Schema;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace PolicyCore.Tests.Schema;

/// <summary>
/// config/schema/policy.schema.json (draft 2020-12) is checked with JsonSchema.Net: every policy file under
/// config/policies/ and every <c>```yaml</c> example in src/PolicyCore/README.md must (a) validate against the schema
/// after a YAML → JSON conversion (plain scalars true/false/null/integers become JSON booleans/null/numbers, everything
/// else a string) and (b) load without errors through <see cref="PolicyLoader"/>. Negative cases show the schema rejects
/// shapes the loader rejects. The schema checks shape only; patterns, references and cycles are the loader's job.
/// </summary>
public partial class PolicySchemaTests
{
    private static readonly string Root = FindRoot();
    private static readonly JsonSchema Schema = JsonSchema.FromFile(Path.Combine(Root, "config", "schema", "policy.schema.json"));

    public static TheoryData<string> PolicyFiles()
    {
        var data = new TheoryData<string>();
        foreach (var file in Directory.EnumerateFiles(Path.Combine(Root, "config", "policies"), "*.yaml", SearchOption.AllDirectories).Order(StringComparer.Ordinal))
        {
            data.Add(Path.GetRelativePath(Root, file));
        }

        return data;
    }

    public static TheoryData<string, string> ReadmeExamples()
    {
        var data = new TheoryData<string, string>();
        var readme = File.ReadAllText(Path.Combine(Root, "src", "PolicyCore", "README.md"));
        var index = 0;
        foreach (Match match in YamlBlock().Matches(readme))
        {
            var line = readme[..match.Index].Count(c => c == '\n') + 1;
            data.Add($"README.md:{line} (example {++index})", match.Groups[1].Value);
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(PolicyFiles))]
    public void ConfigPolicy_ValidatesAgainstSchemaAndLoads(string relativePath)
    {
        var yaml = File.ReadAllText(Path.Combine(Root, relativePath));

        AssertValid(relativePath, yaml);
        var result = PolicyLoader.LoadText(relativePath, yaml);
        Assert.True(result.Succeeded, string.Join("\n", result.Diagnostics));
    }

    [Theory]
    [MemberData(nameof(ReadmeExamples))]
    public void ReadmeExample_ValidatesAgainstSchemaAndLoads(string name, string yaml)
    {
        AssertValid(name, yaml);
        var result = PolicyLoader.LoadText(name, yaml);
        Assert.True(result.Succeeded, name + "\n" + string.Join("\n", result.Diagnostics));
    }

    [Fact]
    public void ReadmeExamples_AreFound()
    {
        Assert.True(ReadmeExamples().Count >= 3);
        Assert.NotEmpty(PolicyFiles());
    }

    public static TheoryData<string, string> InvalidCases => new()
    {
        { "UnknownRuleField", "version: 2\nrules:\n  - id: a\n    effect: allow\n    efect: deny\n" },
        { "EffectPermit", "version: 2\nrules:\n  - id: a\n    effect: permit\n" },
        { "ObligationsOnDeny", "version: 2\nrules:\n  - id: a\n    effect: deny\n    obligations: { rate_limit_class: gold }\n" },
        { "HeaderWithoutOperator", "version: 2\nrules:\n  - id: a\n    effect: allow\n    when: { headers: [{ name: X-Env }] }\n" },
        { "ClaimTwoOperators", "version: 1\nrules:\n  - id: a\n    effect: allow\n    when: { claims: [{ name: a, equals: b, contains: c }] }\n" },
        { "EmptyAny", "version: 2\nrules:\n  - id: a\n    effect: allow\n    when: { any: [] }\n" },
        { "BadClock", "version: 2\nrules:\n  - id: a\n    effect: allow\n    when: { time: { from: \"8am\" } }\n" },
        { "VersionThree", "version: 3\nrules: []\n" },
        { "RoleWithoutGrants", "version: 2\nroles:\n  r: { description: x }\nrules: []\n" },
        { "UnknownAttribute", "version: 2\nrules:\n  - id: a\n    effect: allow\n    when: { attributes: [{ identity: color, equals: red }] }\n" },
        { "RequireOnDeny", "version: 2\nrules:\n  - id: a\n    effect: deny\n    require: [sender_constrained]\n" },
        { "UnknownRequirement", "version: 2\nrules:\n  - id: a\n    effect: allow\n    require: [bound]\n    when: { subjects: [x] }\n" },
        { "RequireScalar", "version: 2\nrules:\n  - id: a\n    effect: allow\n    require: sender_constrained\n    when: { subjects: [x] }\n" },
        { "RequirementWithoutRoutes", "version: 2\nrequirements:\n  - require: [sender_constrained]\n" },
        { "RequirementEmptyRequire", "version: 2\nrequirements:\n  - routes: [payments]\n    require: []\n" },
        { "RequirementUnknownField", "version: 2\nrequirements:\n  - routes: [payments]\n    require: [sender_constrained]\n    paths: [\"/x\"]\n" },
        { "SenderConstrainedNotBoolean", "version: 2\nrules:\n  - id: a\n    effect: deny\n    when: { sender_constrained: maybe }\n" },
    };

    [Theory]
    [MemberData(nameof(InvalidCases))]
    public void Schema_RejectsWhatTheLoaderRejects(string name, string yaml)
    {
        Assert.False(Evaluate(yaml).IsValid, name + ": the schema accepted it");
        Assert.False(PolicyLoader.LoadText("p.yaml", yaml).Succeeded, name + ": the loader accepted it");
    }

    private static void AssertValid(string name, string yaml)
    {
        var result = Evaluate(yaml);
        if (!result.IsValid)
        {
            var errors = new List<string>();
            Collect(result, errors);
            Assert.Fail($"{name} does not validate against policy.schema.json:\n{string.Join("\n", errors)}");
        }
    }

    private static EvaluationResults Evaluate(string yaml)
    {
        var json = ToJson(yaml);
        using var document = JsonDocument.Parse(json?.ToJsonString() ?? "null");
        return Schema.Evaluate(document.RootElement, new EvaluationOptions { OutputFormat = OutputFormat.List });
    }

    private static void Collect(EvaluationResults result, List<string> errors)
    {
        if (result.Errors is { } own)
        {
            foreach (var (key, message) in own)
            {
                errors.Add($"{result.InstanceLocation} ({result.EvaluationPath}) {key}: {message}");
            }
        }

        foreach (var detail in result.Details ?? [])
        {
            Collect(detail, errors);
        }
    }

    /// <summary>YAML → JSON: mappings → objects, sequences → arrays, plain scalars typed like YAML 1.2 core, quoted ones strings.</summary>
    internal static JsonNode? ToJson(string yaml)
    {
        var stream = new YamlStream();
        stream.Load(new StringReader(yaml));
        return stream.Documents.Count == 0 ? null : Convert(stream.Documents[0].RootNode);
    }

    private static JsonNode? Convert(YamlNode node) => node switch
    {
        YamlMappingNode mapping => new JsonObject(mapping.Children.Select(e =>
            KeyValuePair.Create(((YamlScalarNode)e.Key).Value ?? "", Convert(e.Value)))),
        YamlSequenceNode sequence => new JsonArray([.. sequence.Children.Select(Convert)]),
        YamlScalarNode scalar => Scalar(scalar),
        _ => throw new NotSupportedException(node.GetType().Name),
    };

    private static JsonNode? Scalar(YamlScalarNode scalar)
    {
        var value = scalar.Value ?? "";
        if (scalar.Style != ScalarStyle.Plain)
        {
            return JsonValue.Create(value);
        }

        return value switch
        {
            "" or "~" or "null" or "Null" or "NULL" => null,
            "true" or "True" or "TRUE" => JsonValue.Create(true),
            "false" or "False" or "FALSE" => JsonValue.Create(false),
            _ when long.TryParse(value, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var n) => JsonValue.Create(n),
            _ => JsonValue.Create(value),
        };
    }

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Gateway.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException("Gateway.sln not found above " + AppContext.BaseDirectory);
    }

    [GeneratedRegex("```yaml\\n(.*?)```", RegexOptions.Singleline)]
    private static partial Regex YamlBlock();
}

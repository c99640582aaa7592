using System.Globalization;
using PolicyCore.Model;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace Gateway.Hosting.Policy;

/// <summary>
/// Reads policy test files (YAML): <c>tests: [{ name, request: {...}, expect: { decision, rule, reason } }]</c>. Every
/// problem is reported as <c>file:line:col: error: message</c>, all at once.
/// </summary>
internal static class PolicyTestFileReader
{
    private static readonly string[] TestKeys = ["name", "request", "expect"];
    private static readonly string[] ExpectKeys = ["decision", "rule", "reason"];
    private static readonly string[] RequestKeys = ["identity", "method", "host", "path", "route", "labels", "headers", "query", "time"];
    private static readonly string[] IdentityKeys = ["subject", "issuer", "auth_method", "spiffe_id", "trust_domain", "sender_constrained", "claims"];

    public static List<PolicyTestCase> Read(string file, List<string> errors)
    {
        var display = PolicyToolContext.Rel(file);
        var result = new List<PolicyTestCase>();
        YamlStream stream;
        try
        {
            stream = new YamlStream();
            stream.Load(new StringReader(File.ReadAllText(file)));
        }
        catch (YamlException ex)
        {
            errors.Add($"{display}:{ex.Start.Line}:{ex.Start.Column}: error: YAML syntax: {ex.Message}");
            return result;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            errors.Add($"{display}:1:1: error: cannot read the test file: {ex.Message}");
            return result;
        }

        if (stream.Documents.Count == 0 || stream.Documents[0].RootNode is not YamlMappingNode root)
        {
            errors.Add($"{display}:1:1: error: a test file is a mapping with a 'tests' list");
            return result;
        }

        var reader = new NodeReader(display, errors);
        reader.CheckKeys(root, ["tests"]);
        if (Child(root, "tests") is not YamlSequenceNode tests)
        {
            errors.Add($"{display}:{root.Start.Line}:{root.Start.Column}: error: 'tests' (a list of tests) is missing");
            return result;
        }

        foreach (var node in tests)
        {
            var before = errors.Count;
            if (node is not YamlMappingNode test)
            {
                reader.Error(node, "a test is a mapping with name, request and expect");
                continue;
            }

            reader.CheckKeys(test, TestKeys);
            var name = reader.Scalar(test, "name", required: true) ?? "";
            var request = Child(test, "request") is YamlMappingNode r ? ReadRequest(reader, r) : reader.Missing(test, "request");
            if (Child(test, "expect") is not YamlMappingNode expect)
            {
                reader.Missing(test, "expect");
                continue;
            }

            reader.CheckKeys(expect, ExpectKeys);
            var decision = reader.Scalar(expect, "decision", required: true);
            Effect effect = Effect.Deny;
            if (decision is not null && decision != "allow" && decision != "deny")
            {
                reader.Error(Child(expect, "decision")!, $"expect.decision is 'allow' or 'deny', not '{decision}'");
            }
            else
            {
                effect = decision == "allow" ? Effect.Allow : Effect.Deny;
            }

            var ruleNode = Child(expect, "rule");
            var rule = ruleNode is null ? null : reader.Scalar(expect, "rule", required: false);
            if (rule is "none")
            {
                rule = null;
            }

            if (errors.Count > before || request is null)
            {
                continue;
            }

            result.Add(new PolicyTestCase
            {
                File = display,
                Line = (int)test.Start.Line,
                Column = (int)test.Start.Column,
                Name = name,
                Request = request,
                ExpectedEffect = effect,
                ChecksRule = ruleNode is not null,
                ExpectedRule = rule,
                ExpectedReason = reader.Scalar(expect, "reason", required: false),
            });
        }

        return result;
    }

    /// <summary>Only the requests of a test file (for <c>diff --requests</c>).</summary>
    public static List<ToolRequest> ReadRequests(string file, List<string> errors)
        => [.. Read(file, errors).Select(t => t.Request)];

    private static ToolRequest? ReadRequest(NodeReader reader, YamlMappingNode r)
    {
        reader.CheckKeys(r, RequestKeys);
        var identityNode = Child(r, "identity");
        string? subject = null, issuer = null, authMethod = null, spiffeId = null, trustDomain = null;
        var senderConstrained = false;
        var claims = new Dictionary<string, List<string>>(StringComparer.Ordinal);
        if (identityNode is YamlScalarNode s)
        {
            subject = s.Value;
        }
        else if (identityNode is YamlMappingNode id)
        {
            reader.CheckKeys(id, IdentityKeys);
            subject = reader.Scalar(id, "subject", required: true);
            issuer = reader.Scalar(id, "issuer", required: false);
            authMethod = reader.Scalar(id, "auth_method", required: false);
            spiffeId = reader.Scalar(id, "spiffe_id", required: false);
            trustDomain = reader.Scalar(id, "trust_domain", required: false);
            if (reader.Scalar(id, "sender_constrained", required: false) is { } bound)
            {
                if (bound is "true" or "false")
                {
                    senderConstrained = bound == "true";
                    if (!senderConstrained && authMethod == "mtls")
                    {
                        reader.Error(Child(id, "sender_constrained")!, "an mtls identity is always sender-constrained (the client certificate is the binding): remove 'sender_constrained: false'");
                    }
                }
                else
                {
                    reader.Error(Child(id, "sender_constrained")!, $"sender_constrained is true or false, not '{bound}'");
                }
            }
            if (Child(id, "claims") is { } claimsNode)
            {
                if (claimsNode is not YamlMappingNode cm)
                {
                    reader.Error(claimsNode, "claims is a mapping: name: value or name: [values]");
                }
                else
                {
                    foreach (var (k, v) in cm.Children)
                    {
                        var name = ((YamlScalarNode)k).Value ?? "";
                        foreach (var value in reader.Values(v))
                        {
                            ToolRequest.AddClaim(claims, name, value);
                        }

                        claims.TryAdd(name, []);
                    }
                }
            }
        }
        else
        {
            reader.Missing(r, "identity");
            return null;
        }

        var path = reader.Scalar(r, "path", required: true);
        DateTimeOffset? time = null;
        if (reader.Scalar(r, "time", required: false) is { } t)
        {
            if (DateTimeOffset.TryParse(t, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var parsed))
            {
                time = parsed;
            }
            else
            {
                reader.Error(Child(r, "time")!, $"'{t}' is not a time: write ISO 8601, e.g. 2026-11-26T10:00:00Z");
            }
        }

        if (subject is null || path is null)
        {
            return null;
        }

        return new ToolRequest
        {
            Subject = subject,
            Issuer = issuer,
            AuthMethod = authMethod ?? "jwt",
            SenderConstrained = senderConstrained || authMethod == "mtls",
            SpiffeId = spiffeId,
            TrustDomain = trustDomain,
            Claims = claims,
            Method = reader.Scalar(r, "method", required: false) ?? "GET",
            Host = reader.Scalar(r, "host", required: false),
            Path = path,
            Route = reader.Scalar(r, "route", required: false),
            Labels = Child(r, "labels") is { } l ? reader.Map(l, StringComparer.Ordinal) : null,
            Headers = Child(r, "headers") is { } h ? reader.Map(h, StringComparer.OrdinalIgnoreCase) : new(StringComparer.OrdinalIgnoreCase),
            Query = Child(r, "query") is { } q ? reader.Map(q, StringComparer.Ordinal) : new(StringComparer.Ordinal),
            Time = time,
        };
    }

    private static YamlNode? Child(YamlMappingNode map, string key)
    {
        foreach (var (k, v) in map.Children)
        {
            if (k is YamlScalarNode s && s.Value == key)
            {
                return v;
            }
        }

        return null;
    }

    private sealed class NodeReader(string file, List<string> errors)
    {
        public void Error(YamlNode node, string message) => errors.Add($"{file}:{node.Start.Line}:{node.Start.Column}: error: {message}");

        public ToolRequest? Missing(YamlMappingNode parent, string key)
        {
            Error(parent, $"'{key}' is missing or not a mapping");
            return null;
        }

        public void CheckKeys(YamlMappingNode map, string[] known)
        {
            foreach (var k in map.Children.Keys)
            {
                if (k is not YamlScalarNode s || !known.Contains(s.Value))
                {
                    Error(k, $"unknown field '{(k as YamlScalarNode)?.Value}' (expected one of: {string.Join(", ", known)})");
                }
            }
        }

        public string? Scalar(YamlMappingNode map, string key, bool required)
        {
            var node = Child(map, key);
            if (node is null)
            {
                if (required)
                {
                    Error(map, $"'{key}' is missing");
                }

                return null;
            }

            if (node is not YamlScalarNode s)
            {
                Error(node, $"'{key}' must be a single value");
                return null;
            }

            return s.Style == ScalarStyle.Plain && s.Value is "~" or "null" or "" ? null : s.Value;
        }

        public List<string> Values(YamlNode node)
        {
            if (node is YamlScalarNode s)
            {
                return s.Value is null ? [] : [s.Value];
            }

            var list = new List<string>();
            if (node is YamlSequenceNode seq)
            {
                foreach (var item in seq)
                {
                    if (item is YamlScalarNode i && i.Value is not null)
                    {
                        list.Add(i.Value);
                    }
                    else
                    {
                        Error(item, "expected a value");
                    }
                }
            }
            else
            {
                Error(node, "expected a value or a list of values");
            }

            return list;
        }

        public Dictionary<string, string> Map(YamlNode node, StringComparer comparer)
        {
            var result = new Dictionary<string, string>(comparer);
            if (node is YamlScalarNode { Value: null or "" or "~" or "null" })
            {
                return result;
            }

            if (node is not YamlMappingNode map)
            {
                Error(node, "expected a mapping of name: value");
                return result;
            }

            foreach (var (k, v) in map.Children)
            {
                if (v is YamlScalarNode s && k is YamlScalarNode ks)
                {
                    result[ks.Value ?? ""] = s.Value ?? "";
                }
                else
                {
                    Error(v, "expected name: value");
                }
            }

            return result;
        }
    }
}

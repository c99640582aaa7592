using System.Text.Json;

namespace Gateway.Hosting.Policy;

/// <summary>
/// Reads the requests of <c>diff --requests FILE</c>: a policy test file (YAML), or JSON lines — each either a request
/// in the test-file shape (<c>identity</c> an object; optionally wrapped as <c>{"request": ...}</c>) or a gateway audit
/// record (<c>identity</c> a string, with <c>issuer</c>, <c>authMethod</c>, <c>method</c>, <c>host</c>, <c>path</c>,
/// <c>route</c>, <c>time</c>). Anonymous audit records (no identity) are skipped: policy denies them either way.
/// </summary>
internal static class RequestLogReader
{
    public sealed record Entry(int Line, ToolRequest Request, bool FromAudit);

    public static List<Entry> Read(string file, List<string> errors, out int skipped)
    {
        skipped = 0;
        var display = PolicyToolContext.Rel(file);
        var result = new List<Entry>();
        if (file.EndsWith(".yaml", StringComparison.OrdinalIgnoreCase) || file.EndsWith(".yml", StringComparison.OrdinalIgnoreCase))
        {
            foreach (var t in PolicyTestFileReader.Read(file, errors))
            {
                result.Add(new Entry(t.Line, t.Request, false));
            }

            return result;
        }

        string[] lines;
        try
        {
            lines = File.ReadAllLines(file);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            errors.Add($"{display}:1:1: error: cannot read the requests file: {ex.Message}");
            return result;
        }

        for (var i = 0; i < lines.Length; i++)
        {
            var text = lines[i].Trim();
            if (text.Length == 0 || text.StartsWith('#') || text.StartsWith("//", StringComparison.Ordinal))
            {
                continue;
            }

            try
            {
                using var doc = JsonDocument.Parse(text);
                var root = doc.RootElement;
                if (root.ValueKind != JsonValueKind.Object)
                {
                    errors.Add($"{display}:{i + 1}:1: error: each line is a JSON object (a request or an audit record)");
                    continue;
                }

                if (root.TryGetProperty("request", out var wrapped) && wrapped.ValueKind == JsonValueKind.Object)
                {
                    root = wrapped;
                }

                var request = FromJson(root, out var fromAudit, out var problem);
                if (problem is not null)
                {
                    errors.Add($"{display}:{i + 1}:1: error: {problem}");
                }
                else if (request is null)
                {
                    skipped++;
                }
                else
                {
                    result.Add(new Entry(i + 1, request, fromAudit));
                }
            }
            catch (JsonException ex)
            {
                errors.Add($"{display}:{i + 1}:{(ex.BytePositionInLine ?? 0) + 1}: error: not JSON: {ex.Message}");
            }
        }

        return result;
    }

    private static ToolRequest? FromJson(JsonElement o, out bool fromAudit, out string? problem)
    {
        problem = null;
        fromAudit = false;
        var path = Str(o, "path");
        if (!o.TryGetProperty("identity", out var identity) || identity.ValueKind == JsonValueKind.Null)
        {
            if (o.TryGetProperty("requestId", out _) || o.TryGetProperty("decision", out _))
            {
                fromAudit = true;
                return null; // an anonymous audit record
            }

            problem = "'identity' is missing";
            return null;
        }

        if (path is null || !path.StartsWith('/'))
        {
            problem = "'path' is missing or does not start with '/'";
            return null;
        }

        var claims = new Dictionary<string, List<string>>(StringComparer.Ordinal);
        DateTimeOffset? time = null;
        if (Str(o, "time") is { } t)
        {
            try
            {
                time = ToolRequest.ParseTime(t);
            }
            catch (FormatException ex)
            {
                problem = ex.Message;
                return null;
            }
        }

        string subject;
        string? issuer, authMethod, spiffeId = null, trustDomain = null;
        bool? senderConstrained;
        if (identity.ValueKind == JsonValueKind.String)
        {
            fromAudit = true;
            subject = identity.GetString()!;
            issuer = Str(o, "issuer");
            authMethod = Str(o, "authMethod") ?? Str(o, "auth_method");
            senderConstrained = Bool(o, "senderConstrained") ?? Bool(o, "sender_constrained")
                ?? (Str(o, "binding") is { } binding ? binding != "bearer" : null);
        }
        else if (identity.ValueKind == JsonValueKind.Object)
        {
            subject = Str(identity, "subject") ?? "";
            if (subject.Length == 0)
            {
                problem = "'identity.subject' is missing";
                return null;
            }

            issuer = Str(identity, "issuer");
            authMethod = Str(identity, "auth_method") ?? Str(identity, "authMethod");
            spiffeId = Str(identity, "spiffe_id") ?? Str(identity, "spiffeId");
            trustDomain = Str(identity, "trust_domain") ?? Str(identity, "trustDomain");
            senderConstrained = Bool(identity, "sender_constrained") ?? Bool(identity, "senderConstrained");
            if (identity.TryGetProperty("claims", out var c) && c.ValueKind == JsonValueKind.Object)
            {
                foreach (var p in c.EnumerateObject())
                {
                    claims.TryAdd(p.Name, []);
                    if (p.Value.ValueKind == JsonValueKind.Array)
                    {
                        foreach (var v in p.Value.EnumerateArray())
                        {
                            ToolRequest.AddClaim(claims, p.Name, Scalar(v));
                        }
                    }
                    else
                    {
                        ToolRequest.AddClaim(claims, p.Name, Scalar(p.Value));
                    }
                }
            }
        }
        else
        {
            problem = "'identity' is a string (audit record) or an object (request)";
            return null;
        }

        return new ToolRequest
        {
            Subject = subject,
            Issuer = issuer,
            AuthMethod = authMethod ?? "jwt",
            SenderConstrained = senderConstrained ?? authMethod == "mtls",
            SpiffeId = spiffeId,
            TrustDomain = trustDomain,
            Claims = claims,
            Method = Str(o, "method") ?? "GET",
            Host = Str(o, "host"),
            Path = path,
            Route = Str(o, "route"),
            Labels = Map(o, "labels", StringComparer.Ordinal),
            Headers = Map(o, "headers", StringComparer.OrdinalIgnoreCase) ?? new(StringComparer.OrdinalIgnoreCase),
            Query = Map(o, "query", StringComparer.Ordinal) ?? new(StringComparer.Ordinal),
            Time = time,
        };
    }

    private static string? Str(JsonElement o, string name)
        => o.TryGetProperty(name, out var v) && v.ValueKind != JsonValueKind.Null ? Scalar(v) : null;

    private static bool? Bool(JsonElement o, string name)
        => o.TryGetProperty(name, out var v) && v.ValueKind is JsonValueKind.True or JsonValueKind.False ? v.GetBoolean() : null;

    private static string Scalar(JsonElement v) => v.ValueKind == JsonValueKind.String ? v.GetString()! : v.GetRawText();

    private static Dictionary<string, string>? Map(JsonElement o, string name, StringComparer comparer)
    {
        if (!o.TryGetProperty(name, out var v) || v.ValueKind != JsonValueKind.Object)
        {
            return null;
        }

        var result = new Dictionary<string, string>(comparer);
        foreach (var p in v.EnumerateObject())
        {
            result[p.Name] = Scalar(p.Value);
        }

        return result;
    }
}

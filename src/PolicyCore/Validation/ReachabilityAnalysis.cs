using System.Text;
using PolicyCore.Compilation;
using PolicyCore.Diagnostics;
using PolicyCore.Syntax;

namespace PolicyCore.Validation;

/// <summary>
/// PC2004: an enforced allow rule that can never decide, because an enforced deny matches every request it matches
/// (deny overrides allow). Sound but simple: the deny "covers" the allow when
/// <list type="bullet">
/// <item>its <c>when</c> is absent or empty, or written exactly like the allow's (same conditions, same order);</item>
/// <item>it has no <c>match.labels</c>, or exactly the allow's;</item>
/// <item>each of routes, methods, hosts, paths is unrestricted in the deny, or restricted in both and every allow entry is
/// covered by a deny entry (equal route or method; an exact host or a <c>*.</c> wildcard under the deny's wildcard; a
/// path pattern whose every match the deny's pattern matches, segment by segment).</item>
/// </list>
/// Anything subtler (overlapping conditions, several denies together) is not reported: no false warnings, some misses.
/// </summary>
internal static class ReachabilityAnalysis
{
    public static void Run(IReadOnlyList<PolicyFileSyntax> files, DiagnosticBag diagnostics)
    {
        var denies = new List<RuleSyntax>();
        var allows = new List<RuleSyntax>();
        foreach (var file in files)
        {
            var fileShadow = file.Mode?.Value == "shadow";
            foreach (var rule in file.Rules)
            {
                if (fileShadow || rule.Mode?.Value == "shadow" || rule.Id is null)
                {
                    continue;
                }

                (rule.Effect?.Value == "deny" ? denies : allows).Add(rule);
            }
        }

        if (denies.Count == 0)
        {
            return;
        }

        var denyWhen = denies.ConvertAll(d => Canonical(d.When));
        var denyLabels = denies.ConvertAll(d => d.Match is null ? "" : Canonical(d.Match.Labels));
        foreach (var allow in allows)
        {
            var allowWhen = Canonical(allow.When);
            var allowLabels = allow.Match is null ? "" : Canonical(allow.Match.Labels);
            for (var i = 0; i < denies.Count; i++)
            {
                var deny = denies[i];
                if ((denyWhen[i].Length != 0 && denyWhen[i] != allowWhen) || (denyLabels[i].Length != 0 && denyLabels[i] != allowLabels))
                {
                    continue;
                }

                if (!Covers(deny.Match, allow.Match))
                {
                    continue;
                }

                var id = deny.Id!;
                diagnostics.Warning(
                    DiagnosticCodes.UnreachableRule, allow.File, allow.Id!.Position,
                    $"rule '{allow.Id.Value}' can never allow: deny rule '{id.Value}' ({deny.File}:{id.Position}) matches every request it matches, and deny overrides allow",
                    "remove the allow rule, or narrow the deny rule");
                break;
            }
        }
    }

    private static bool Covers(MatchSyntax? deny, MatchSyntax? allow)
    {
        if (deny is null)
        {
            return true;
        }

        return Subset(deny.Routes, allow?.Routes, StringComparison.Ordinal)
            && Subset(deny.Methods, allow?.Methods, StringComparison.OrdinalIgnoreCase)
            && CoversAll(deny.Hosts, allow?.Hosts, HostCovers)
            && CoversAll(deny.Paths, allow?.Paths, PathCovers);
    }

    private static bool Subset(IReadOnlyList<YamlScalar> deny, IReadOnlyList<YamlScalar>? allow, StringComparison comparison)
        => CoversAll(deny, allow, (d, a) => string.Equals(d, a, comparison));

    private static bool CoversAll(IReadOnlyList<YamlScalar> deny, IReadOnlyList<YamlScalar>? allow, Func<string, string, bool> covers)
    {
        if (deny.Count == 0)
        {
            return true;
        }

        if (allow is null || allow.Count == 0)
        {
            return false;
        }

        foreach (var a in allow)
        {
            var covered = false;
            foreach (var d in deny)
            {
                if (covers(d.Value, a.Value))
                {
                    covered = true;
                    break;
                }
            }

            if (!covered)
            {
                return false;
            }
        }

        return true;
    }

    private static bool HostCovers(string deny, string allow)
    {
        var d = deny.ToLowerInvariant();
        var a = allow.ToLowerInvariant();
        if (!d.StartsWith("*.", StringComparison.Ordinal))
        {
            return !a.StartsWith("*.", StringComparison.Ordinal) && d == a;
        }

        var suffix = d[1..]; // ".example.org"
        return a.StartsWith("*.", StringComparison.Ordinal)
            ? a[1..] == suffix || a[1..].EndsWith(suffix, StringComparison.Ordinal)
            : a.Length > suffix.Length && a.EndsWith(suffix, StringComparison.Ordinal);
    }

    private static bool PathCovers(string deny, string allow)
    {
        if (!PathPattern.TryParse(deny, out var d, out _) || !PathPattern.TryParse(allow, out var a, out _))
        {
            return false;
        }

        var ds = d.Segments;
        var aSegments = a.Segments;
        for (var i = 0; i < ds.Count; i++)
        {
            if (i >= aSegments.Count)
            {
                return false;
            }

            var dl = ds[i];
            var al = aSegments[i];
            if (dl is null)
            {
                if (al is { Length: 0 })
                {
                    return false; // the deny's wildcard needs a non-empty segment
                }
            }
            else if (al is null || !string.Equals(dl, al, StringComparison.OrdinalIgnoreCase))
            {
                return false;
            }
        }

        return d.HasRest || (aSegments.Count == ds.Count && !a.HasRest);
    }

    /// <summary>A text form of a condition block: equal text means equal conditions. Empty for no conditions.</summary>
    private static string Canonical(WhenSyntax? when)
    {
        if (when is null || when.IsEmpty)
        {
            return "";
        }

        var text = new StringBuilder();
        Append(text, when);
        return text.ToString();
    }

    private static string Canonical(List<LabelConditionSyntax> labels)
    {
        var text = new StringBuilder();
        foreach (var label in labels)
        {
            text.Append(label.Name.Value).Append('=');
            Append(text, label.Values);
        }

        return text.ToString();
    }

    private static void Append(StringBuilder text, WhenSyntax when)
    {
        text.Append('{');
        Field(text, "sub", when.Subjects);
        Field(text, "spiffe", when.SpiffeIds);
        Field(text, "td", when.TrustDomains);
        Field(text, "iss", when.Issuers);
        Field(text, "am", when.AuthMethods);
        Field(text, "roles", when.Roles);
        Field(text, "ids", when.Identities);
        if (when.SenderConstrained is { } senderConstrained)
        {
            text.Append("sc:").Append(senderConstrained.Value).Append('|');
        }

        foreach (var c in when.Claims)
        {
            text.Append("claim:").Append(c.Name?.Value).Append('|').Append(c.EqualsValue?.Value).Append('|').Append(c.Contains?.Value).Append('|');
            Append(text, c.ContainsAny ?? []);
        }

        text.Append("labels:").Append(Canonical(when.Labels));
        foreach (var a in when.Attributes)
        {
            text.Append("attr:").Append(a.Identity?.Value).Append('|').Append(a.EqualsLabel?.Value).Append('|').Append(a.EqualsValue?.Value).Append('|');
            Append(text, a.In ?? []);
        }

        if (when.Time is { } t)
        {
            text.Append("time:");
            Append(text, t.Days);
            text.Append(t.From?.Value).Append('|').Append(t.To?.Value).Append('|').Append(t.TimeZone?.Value);
        }

        foreach (var (prefix, list) in new[] { ("h:", when.Headers), ("q:", when.Query) })
        {
            foreach (var v in list)
            {
                text.Append(prefix).Append(v.Name?.Value).Append('|').Append(v.EqualsValue?.Value).Append('|').Append(v.Present?.Value).Append('|');
                Append(text, v.In ?? []);
            }
        }

        if (when.Not is { } not)
        {
            text.Append("not:");
            Append(text, not);
        }

        foreach (var (prefix, blocks) in new[] { ("any:", when.Any), ("all:", when.All) })
        {
            if (blocks is null)
            {
                continue;
            }

            text.Append(prefix).Append('[');
            foreach (var block in blocks)
            {
                Append(text, block);
            }

            text.Append(']');
        }

        text.Append('}');
    }

    private static void Field(StringBuilder text, string name, IReadOnlyList<YamlScalar> values)
    {
        if (values.Count != 0)
        {
            text.Append(name).Append(':');
            Append(text, values);
        }
    }

    private static void Append(StringBuilder text, IReadOnlyList<YamlScalar> values)
    {
        text.Append('[');
        foreach (var value in values)
        {
            text.Append(value.Value.Length).Append(':').Append(value.Value);
        }

        text.Append(']');
    }
}

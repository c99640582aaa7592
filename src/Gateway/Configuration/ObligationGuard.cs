using Gateway.Pipeline;
using PolicyCore;

namespace Gateway.Configuration;

/// <summary>
/// Checks the headers that allow rules ask the gateway to set upstream (obligations) against what this gateway owns:
/// identity and forwarding headers it strips or sets, the configured identity headers and strip list, content and
/// hop-by-hop headers (which an HTTP request cannot carry as plain headers) — compared with '_' read as '-' — and
/// values that are not visible ASCII. A policy that breaks one of these is refused like any invalid policy.
/// </summary>
internal static class ObligationGuard
{
    private static readonly string[] NeverSettable =
    [
        "Host", "Connection", "Keep-Alive", "Transfer-Encoding", "TE", "Trailer", "Upgrade", "Proxy-Authorization",
        "Proxy-Connection", "Authorization", "Cookie", "Expires", "Last-Modified", "Allow", "Expect",
    ];

    public static List<(PolicyCore.Model.PolicyRule Rule, string Message)> Check(PolicySet policy, GatewayOptions options)
    {
        var owned = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        foreach (var h in HygieneMiddleware.ForwardingHeaders.Concat(NeverSettable).Concat(options.Forwarding.StripHeaders)
                     .Concat(options.Forwarding.IdentityHeaders().Select(h => h.Name)))
        {
            if (!string.IsNullOrWhiteSpace(h))
            {
                owned.Add(h.Replace('_', '-'));
            }
        }

        var problems = new List<(PolicyCore.Model.PolicyRule, string)>();
        foreach (var rule in policy.Rules)
        {
            if (rule.Obligations is not { } obligations)
            {
                continue;
            }

            foreach (var (name, value) in obligations.Headers)
            {
                var normalized = name.Replace('_', '-');
                if (owned.Contains(normalized) || normalized.StartsWith(HygieneMiddleware.IdentityHeaderPrefix, StringComparison.OrdinalIgnoreCase)
                    || normalized.StartsWith("Content-", StringComparison.OrdinalIgnoreCase))
                {
                    problems.Add((rule, $"rule '{rule.Id}': obligation header '{name}' is one the gateway strips, sets or cannot forward as a request header; choose another name"));
                }

                foreach (var c in value)
                {
                    if (c < 0x20 || c > 0x7E)
                    {
                        problems.Add((rule, $"rule '{rule.Id}': obligation header '{name}' has a value with a non-ASCII or control character; use visible ASCII"));
                        break;
                    }
                }
            }
        }

        return problems;
    }
}

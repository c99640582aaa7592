using PolicyCore.Diagnostics;
using PolicyCore.Model;

namespace PolicyCore.Tests.Support;

internal static class PolicyTestHelpers
{
    public static readonly DateTimeOffset Now = new(2025, 1, 1, 12, 0, 0, TimeSpan.Zero);

    public static PolicySet Compile(string yaml, IReadOnlySet<string>? knownRoutes = null)
    {
        var result = PolicyLoader.LoadText("test.yaml", yaml, 1, knownRoutes);
        Assert.True(result.Succeeded, string.Join(Environment.NewLine, result.Diagnostics));
        return result.Policy!;
    }

    public static Diagnostic Single(PolicyLoadResult result, string code)
    {
        var matches = new List<Diagnostic>();
        foreach (var d in result.Diagnostics)
        {
            if (d.Code == code)
            {
                matches.Add(d);
            }
        }

        Assert.True(matches.Count == 1, $"expected one {code}, got:{Environment.NewLine}{string.Join(Environment.NewLine, result.Diagnostics)}");
        return matches[0];
    }

    public static PolicyIdentity Identity(
        string subject = "svc-a",
        string? spiffeId = null,
        string? issuer = "https://issuer.example.org",
        string authMethod = "jwt",
        string? trustDomain = "example.org",
        Dictionary<string, string[]>? claims = null)
        => new(subject, issuer, authMethod, spiffeId, trustDomain, claims);

    public static RequestContext Request(
        PolicyIdentity? identity,
        string path = "/",
        string method = "GET",
        string? route = null,
        string host = "api.example.org")
        => new(identity, route, host, method, path, Now);
}

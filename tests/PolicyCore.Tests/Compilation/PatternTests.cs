using PolicyCore.Compilation;

namespace PolicyCore.Tests.Compilation;

public class PatternTests
{
    [Theory]
    [InlineData("/a/**", "/a", true)]
    [InlineData("/a/**", "/a/", true)]
    [InlineData("/a/**", "/a/b/c", true)]
    [InlineData("/a/**", "/ab", false)]
    [InlineData("/a/**", "/", false)]
    [InlineData("/**", "/", true)]
    [InlineData("/**", "/anything/at/all", true)]
    [InlineData("/a", "/a", true)]
    [InlineData("/a", "/a/", false)]
    [InlineData("/a/", "/a/", true)]
    [InlineData("/a/", "/a", false)]
    [InlineData("/", "/", true)]
    [InlineData("/", "/a", false)]
    [InlineData("/a/*", "/a/b", true)]
    [InlineData("/a/*", "/a/", false)]
    [InlineData("/a/*", "/a/b/c", false)]
    [InlineData("/a/{id}/b", "/a/1/b", true)]
    [InlineData("/a/{id}/b", "/a/1/c", false)]
    [InlineData("/a/{id}/**", "/a/1", true)]
    [InlineData("/a/b", "a/b", false)]
    public void PathPattern_Matches_FollowsSegmentRules(string pattern, string path, bool expected)
    {
        Assert.True(PathPattern.TryParse(pattern, out var compiled, out var error), error);
        Assert.Equal(expected, compiled.Matches(path));
    }

    [Theory]
    [InlineData("a")]
    [InlineData("")]
    [InlineData("/a//b")]
    [InlineData("/a/../b")]
    [InlineData("/a/**/b")]
    [InlineData("/a/b*")]
    [InlineData("/a/{}")]
    [InlineData("/a/{id}/{id}")]
    [InlineData("/a/{1x}")]
    [InlineData("/a?b=1")]
    public void PathPattern_TryParse_Invalid_ReturnsError(string pattern)
    {
        Assert.False(PathPattern.TryParse(pattern, out _, out var error));
        Assert.False(string.IsNullOrEmpty(error));
    }

    [Theory]
    [InlineData("*.example.org", "a.example.org", true)]
    [InlineData("*.example.org", "a.b.example.org", true)]
    [InlineData("*.example.org", "example.org", false)]
    [InlineData("*.example.org", "aexample.org", false)]
    [InlineData("*.Example.org", "A.EXAMPLE.ORG", true)]
    [InlineData("api.example.org", "API.example.org", true)]
    [InlineData("api.example.org", "api.example.org.evil", false)]
    public void HostPattern_Matches_CaseInsensitiveWithSubdomainWildcard(string pattern, string host, bool expected)
    {
        Assert.True(HostPattern.TryParse(pattern, out var compiled, out var error), error);
        Assert.Equal(expected, compiled.Matches(host));
    }

    [Theory]
    [InlineData("svc-*", "svc-a", true)]
    [InlineData("svc-*", "svc-", false)]
    [InlineData("svc-*", "svc-a/b", false)]
    [InlineData("team/**", "team/a/b", true)]
    [InlineData("team/**", "team", false)]
    [InlineData("**", "anything/at/all", true)]
    [InlineData("a*/b*c", "axx/byyc", true)]
    [InlineData("a*/b*c", "axx/byy/c", false)]
    [InlineData("*-prod", "svc-prod", true)]
    [InlineData("Svc", "svc", false)]
    public void IdentityPattern_Subject_StarStaysInSegment(string pattern, string value, bool expected)
    {
        Assert.True(IdentityPattern.TryParseSubject(pattern, out var compiled, out var error), error);
        Assert.Equal(expected, compiled.Matches(value));
    }

    [Theory]
    [InlineData("spiffe://example.org/ns/*/sa/reader", "spiffe://example.org/ns/a/sa/reader", true)]
    [InlineData("spiffe://example.org/ns/*/sa/reader", "spiffe://example.org/ns/a/b/sa/reader", false)]
    [InlineData("spiffe://example.org/ns/a/**", "spiffe://example.org/ns/a/sa/x", true)]
    [InlineData("spiffe://example.org/ns/a/**", "spiffe://example.org/ns/ab", false)]
    [InlineData("spiffe://example.org", "spiffe://example.org", true)]
    public void IdentityPattern_Spiffe_Matches(string pattern, string value, bool expected)
    {
        Assert.True(IdentityPattern.TryParseSpiffeId(pattern, out var compiled, out var error), error);
        Assert.Equal(expected, compiled.Matches(value));
    }

    [Theory]
    [InlineData("example.org/ns/a")]
    [InlineData("spiffe://")]
    [InlineData("spiffe://Example.org/a")]
    [InlineData("spiffe://*.org/a")]
    [InlineData("spiffe://example.org/a//b")]
    [InlineData("spiffe://example.org/a/")]
    [InlineData("spiffe://example.org/**/a")]
    [InlineData("spiffe://example.org/a**")]
    [InlineData("spiffe://example.org/a b")]
    [InlineData("spiffe://example.org/a*b*")]
    public void IdentityPattern_TryParseSpiffe_Invalid_ReturnsError(string pattern)
    {
        Assert.False(IdentityPattern.TryParseSpiffeId(pattern, out _, out var error));
        Assert.False(string.IsNullOrEmpty(error));
    }

    [Fact]
    public void IdentityPattern_LongAdversarialValue_MatchesQuickly()
    {
        Assert.True(IdentityPattern.TryParseSubject("*/*/*/*/*/*/*/*x", out var pattern, out _));
        var value = string.Join('/', Enumerable.Repeat(new string('a', 2000), 8));

        var watch = System.Diagnostics.Stopwatch.StartNew();
        Assert.False(pattern.Matches(value));
        Assert.True(watch.ElapsedMilliseconds < 1000);
    }
}

using Gateway.Identity;

namespace Gateway.Tests.Unit.Identity;

public sealed class SpiffeIdTests
{
    [Theory]
    [InlineData("workload path", "spiffe://example.org/ns/shop/sa/frontend", "example.org", "/ns/shop/sa/frontend")]
    [InlineData("trust domain only", "spiffe://example.org", "example.org", "")]
    [InlineData("trust domain with digits, dash, underscore", "spiffe://td-1_x.example", "td-1_x.example", "")]
    [InlineData("one segment", "spiffe://td/a", "td", "/a")]
    [InlineData("path keeps upper case", "spiffe://td/Ns/Shop", "td", "/Ns/Shop")]
    [InlineData("path segment with dots, dash, underscore", "spiffe://td/a.b-c_d/...", "td", "/a.b-c_d/...")]
    public void TryParse_ValidId_ReturnsParts(string name, string value, string trustDomain, string path)
    {
        _ = name;
        Assert.True(SpiffeId.TryParse(value, out var id));
        Assert.Equal(trustDomain, id.TrustDomain);
        Assert.Equal(path, id.Path);
        Assert.Equal(value, id.ToString());
    }

    [Theory]
    [InlineData("null", null)]
    [InlineData("empty", "")]
    [InlineData("missing scheme", "example.org/ns/a")]
    [InlineData("scheme only", "spiffe://")]
    [InlineData("other scheme", "https://example.org/ns/a")]
    [InlineData("upper-case scheme", "SPIFFE://example.org/ns/a")]
    [InlineData("single slash after scheme", "spiffe:/example.org/ns/a")]
    [InlineData("upper-case trust domain", "spiffe://Example.org/ns/a")]
    [InlineData("port", "spiffe://example.org:8443/ns/a")]
    [InlineData("userinfo", "spiffe://user@example.org/ns/a")]
    [InlineData("userinfo with password", "spiffe://user:pw@example.org/ns/a")]
    [InlineData("query", "spiffe://example.org/ns/a?x=1")]
    [InlineData("query on trust domain", "spiffe://example.org?x=1")]
    [InlineData("fragment", "spiffe://example.org/ns/a#frag")]
    [InlineData("empty trust domain", "spiffe:///ns/a")]
    [InlineData("trailing slash", "spiffe://example.org/ns/a/")]
    [InlineData("root path only", "spiffe://example.org/")]
    [InlineData("empty segment", "spiffe://example.org/ns//a")]
    [InlineData("dot segment", "spiffe://example.org/ns/./a")]
    [InlineData("dot-dot segment", "spiffe://example.org/ns/../a")]
    [InlineData("dot-dot at end", "spiffe://example.org/ns/..")]
    [InlineData("percent in path", "spiffe://example.org/ns/a%20b")]
    [InlineData("percent in trust domain", "spiffe://exa%6Dple.org/ns/a")]
    [InlineData("space in path", "spiffe://example.org/ns/a b")]
    [InlineData("wildcard in path", "spiffe://example.org/ns/*")]
    [InlineData("non-ASCII in path", "spiffe://example.org/ns/café")]
    [InlineData("non-ASCII trust domain", "spiffe://exämple.org/ns/a")]
    [InlineData("IPv6 literal trust domain", "spiffe://[::1]/ns/a")]
    [InlineData("leading whitespace", " spiffe://example.org/ns/a")]
    public void TryParse_InvalidId_ReturnsFalse(string name, string? value)
    {
        _ = name;
        Assert.False(SpiffeId.TryParse(value, out var id));
        Assert.Equal(default, id);
    }

    [Theory]
    [InlineData("exactly 2048 characters", 2048, true)]
    [InlineData("2049 characters", 2049, false)]
    public void TryParse_Length_LimitIs2048(string name, int length, bool expected)
    {
        _ = name;
        const string prefix = "spiffe://td/";
        var value = prefix + new string('a', length - prefix.Length);
        Assert.Equal(length, value.Length);

        Assert.Equal(expected, SpiffeId.TryParse(value, out _));
    }

    [Theory]
    [InlineData("simple", "example.org", true)]
    [InlineData("digits, dash, underscore", "td-1_x.example", true)]
    [InlineData("single label", "local", true)]
    [InlineData("255 characters", "255", true)]
    [InlineData("256 characters", "256", false)]
    [InlineData("empty", "", false)]
    [InlineData("upper case", "Example.org", false)]
    [InlineData("port", "example.org:8443", false)]
    [InlineData("slash", "example.org/x", false)]
    [InlineData("wildcard", "*.example.org", false)]
    [InlineData("space", "example .org", false)]
    [InlineData("userinfo", "u@example.org", false)]
    [InlineData("non-ASCII", "exämple.org", false)]
    public void IsValidTrustDomain_Table_ReturnsExpected(string name, string trustDomain, bool expected)
    {
        _ = name;
        var td = trustDomain switch
        {
            "255" => new string('a', 255),
            "256" => new string('a', 256),
            _ => trustDomain,
        };

        Assert.Equal(expected, SpiffeId.IsValidTrustDomain(td));
        Assert.Equal(expected, SpiffeId.IsValidTrustDomain(td.AsSpan()));
    }

    [Fact]
    public void IsValidTrustDomain_Null_ReturnsFalse()
        => Assert.False(SpiffeId.IsValidTrustDomain((string?)null));

    [Fact]
    public void TryParse_TrustDomainOver255Characters_ReturnsFalse()
        => Assert.False(SpiffeId.TryParse("spiffe://" + new string('a', 256) + "/x", out _));
}

using System.Text;
using Gateway.Identity.Dpop;

namespace Gateway.Tests.Unit.Identity;

public sealed class DpopHtuMatcherTests
{
    private static bool Matches(string htu, string scheme, string host, string path)
        => HtuMatcher.Matches(Encoding.UTF8.GetBytes(htu), new DpopTarget(scheme, host, path));

    [Theory]
    [InlineData("identical", "https://gw.example/a/b", "https", "gw.example", "/a/b")]
    [InlineData("scheme case", "HTTPS://gw.example/a", "https", "gw.example", "/a")]
    [InlineData("request scheme case", "https://gw.example/a", "HTTPS", "gw.example", "/a")]
    [InlineData("host case", "https://GW.Example/a", "https", "gw.example", "/a")]
    [InlineData("request host case", "https://gw.example/a", "https", "GW.EXAMPLE", "/a")]
    [InlineData("https default port in proof", "https://gw.example:443/a", "https", "gw.example", "/a")]
    [InlineData("https default port in Host", "https://gw.example/a", "https", "gw.example:443", "/a")]
    [InlineData("http default port", "http://gw.example:80/a", "http", "gw.example", "/a")]
    [InlineData("empty port", "https://gw.example:/a", "https", "gw.example", "/a")]
    [InlineData("same explicit port", "http://127.0.0.1:8080/a", "http", "127.0.0.1:8080", "/a")]
    [InlineData("port with leading zero", "http://127.0.0.1:08080/a", "http", "127.0.0.1:8080", "/a")]
    [InlineData("IPv6 literal", "https://[::1]:8443/a", "https", "[::1]:8443", "/a")]
    [InlineData("IPv6 literal case and default port", "https://[FE80::1]:443/a", "https", "[fe80::1]", "/a")]
    [InlineData("empty path is /", "https://gw.example", "https", "gw.example", "/")]
    [InlineData("empty path with query", "https://gw.example?x=1", "https", "gw.example", "/")]
    [InlineData("query ignored", "https://gw.example/a?x=1&y=2", "https", "gw.example", "/a")]
    [InlineData("request query ignored", "https://gw.example/a", "https", "gw.example", "/a?x=1")]
    [InlineData("fragment ignored", "https://gw.example/a#frag", "https", "gw.example", "/a")]
    [InlineData("fragment after query", "https://gw.example/a?q#f", "https", "gw.example", "/a")]
    [InlineData("hex case", "https://gw.example/a%2fb", "https", "gw.example", "/a%2Fb")]
    [InlineData("hex case other way", "https://gw.example/%C3%A9", "https", "gw.example", "/%c3%a9")]
    [InlineData("encoded unreserved in proof", "https://gw.example/%61%2D%5F%7E", "https", "gw.example", "/a-_~")]
    [InlineData("encoded unreserved in request", "https://gw.example/a-_~", "https", "gw.example", "/%61%2d%5f%7e")]
    [InlineData("encoded unreserved in host", "https://%67w.example/a", "https", "gw.example", "/a")]
    [InlineData("raw character a URI may not carry", "https://gw.example/a%7Cb", "https", "gw.example", "/a|b")]
    [InlineData("same dot segments", "https://gw.example/a/../b", "https", "gw.example", "/a/../b")]
    [InlineData("reserved characters kept", "https://gw.example/a:b@c!$&'()*+,;=", "https", "gw.example", "/a:b@c!$&'()*+,;=")]
    public void Matches_Equivalent_True(string name, string htu, string scheme, string host, string path)
    {
        _ = name;
        Assert.True(Matches(htu, scheme, host, path));
    }

    [Theory]
    [InlineData("other host", "https://gw2.example/a", "https", "gw.example", "/a")]
    [InlineData("host suffix", "https://gw.example.evil/a", "https", "gw.example", "/a")]
    [InlineData("other port", "https://gw.example:8443/a", "https", "gw.example", "/a")]
    [InlineData("port in Host only", "https://gw.example/a", "https", "gw.example:8443", "/a")]
    [InlineData("http port 443 is not default", "http://gw.example:443/a", "http", "gw.example", "/a")]
    [InlineData("https port 80 is not default", "https://gw.example:80/a", "https", "gw.example", "/a")]
    [InlineData("other scheme", "http://gw.example/a", "https", "gw.example", "/a")]
    [InlineData("non-http scheme", "ftp://gw.example/a", "ftp", "gw.example", "/a")]
    [InlineData("other path", "https://gw.example/b", "https", "gw.example", "/a")]
    [InlineData("path case", "https://gw.example/A", "https", "gw.example", "/a")]
    [InlineData("trailing slash", "https://gw.example/a/", "https", "gw.example", "/a")]
    [InlineData("double slash", "https://gw.example//a", "https", "gw.example", "/a")]
    [InlineData("dot segments resolved by proof", "https://gw.example/b", "https", "gw.example", "/a/../b")]
    [InlineData("dot segments only in proof", "https://gw.example/a/../b", "https", "gw.example", "/b")]
    [InlineData("single dot", "https://gw.example/./a", "https", "gw.example", "/a")]
    [InlineData("encoded slash is not slash", "https://gw.example/a%2Fb", "https", "gw.example", "/a/b")]
    [InlineData("encoded reserved is not reserved", "https://gw.example/a%3Bb", "https", "gw.example", "/a;b")]
    [InlineData("user info", "https://user:pw@gw.example/a", "https", "gw.example", "/a")]
    [InlineData("user info in Host", "https://gw.example/a", "https", "user@gw.example", "/a")]
    [InlineData("no authority", "https:/a", "https", "gw.example", "/a")]
    [InlineData("relative", "/a", "https", "gw.example", "/a")]
    [InlineData("empty", "", "https", "gw.example", "/a")]
    [InlineData("empty Host", "https://gw.example/a", "https", "", "/a")]
    [InlineData("broken percent", "https://gw.example/a%2", "https", "gw.example", "/a%2")]
    [InlineData("bad hex", "https://gw.example/a%zz", "https", "gw.example", "/a%zz")]
    [InlineData("space", "https://gw.example/a b", "https", "gw.example", "/a b")]
    [InlineData("non-ASCII", "https://gw.example/é", "https", "gw.example", "/é")]
    [InlineData("port not numeric", "https://gw.example:44x/a", "https", "gw.example:44x", "/a")]
    [InlineData("port too large", "https://gw.example:65536/a", "https", "gw.example:65536", "/a")]
    [InlineData("unclosed IPv6", "https://[::1/a", "https", "[::1", "/a")]
    [InlineData("asterisk-form request", "https://gw.example/*", "https", "gw.example", "*")]
    public void Matches_Different_False(string name, string htu, string scheme, string host, string path)
    {
        _ = name;
        Assert.False(Matches(htu, scheme, host, path));
    }

    [Fact]
    public void Matches_LongUri_UsesPooledBuffers()
    {
        var path = "/" + string.Concat(Enumerable.Repeat("segment|", 600));
        Assert.True(Matches("https://gw.example" + path.Replace("|", "%7c", StringComparison.Ordinal), "https", "gw.example", path));
        Assert.False(Matches("https://gw.example" + path + "x", "https", "gw.example", path));
    }
}

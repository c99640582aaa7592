using Gateway.Identity.Dpop;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;

namespace Gateway.Tests.Unit.Identity;

public sealed class DpopTargetTests
{
    [Theory]
    [InlineData("origin-form", "/a/b", "/a/b")]
    [InlineData("origin-form with query", "/a/b?x=1", "/a/b")]
    [InlineData("raw escapes kept", "/a%2Fb/../c?x", "/a%2Fb/../c")]
    [InlineData("absolute-form", "http://gw.example:8080/a/b?x=1", "/a/b")]
    [InlineData("absolute-form without path", "http://gw.example", "/")]
    [InlineData("absolute-form query only", "http://gw.example?x", "/")]
    [InlineData("asterisk-form", "*", "*")]
    public void PathOf_RequestTarget(string name, string rawTarget, string expected)
    {
        _ = name;
        Assert.Equal(expected, DpopTarget.PathOf(rawTarget));
    }

    [Fact]
    public void FromRequest_UsesRawTargetNotTheRewrittenPath()
    {
        var context = new DefaultHttpContext();
        context.Request.Scheme = "https";
        context.Request.Host = new HostString("gw.example:8443");
        context.Request.Path = "/canonical";
        context.Features.Get<IHttpRequestFeature>()!.RawTarget = "/raw/%2e/path?q=1";

        var target = DpopTarget.FromRequest(context.Request);

        Assert.Equal("https", target.Scheme);
        Assert.Equal("gw.example:8443", target.Host);
        Assert.Equal("/raw/%2e/path", target.Path);
    }

    [Fact]
    public void FromRequest_NoRawTarget_UsesEscapedPath()
    {
        var context = new DefaultHttpContext();
        context.Request.Scheme = "http";
        context.Request.Host = new HostString("gw.example");
        context.Request.PathBase = "/base";
        context.Request.Path = "/a b";
        context.Features.Get<IHttpRequestFeature>()!.RawTarget = "";

        Assert.Equal("/base/a%20b", DpopTarget.FromRequest(context.Request).Path);
    }

    [Fact]
    public void Default_MatchesNothing()
    {
        var target = default(DpopTarget);
        Assert.Equal("", target.Path);
        Assert.False(HtuMatcher.Matches("https://gw.example/"u8, target));
    }
}

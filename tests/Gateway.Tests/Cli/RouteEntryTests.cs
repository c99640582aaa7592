using Gateway.Hosting.Policy;

namespace Gateway.Tests.Cli;

public sealed class RouteEntryTests
{
    [Theory]
    [InlineData("catch-all matches the prefix", "/orders/{**rest}", "/orders", true)]
    [InlineData("catch-all matches below", "/orders/{**rest}", "/orders/42/lines", true)]
    [InlineData("catch-all is per segment", "/orders/{**rest}", "/ordersx", false)]
    [InlineData("literals ignore case", "/Orders/{id}", "/orders/1", true)]
    [InlineData("parameter is one segment", "/orders/{id}", "/orders/1/2", false)]
    [InlineData("parameter is not empty", "/orders/{id}", "/orders/", false)]
    [InlineData("constraint ignored", "/orders/{id:int}", "/orders/1", true)]
    [InlineData("optional parameter", "/orders/{id?}", "/orders", true)]
    [InlineData("single-star catch-all", "/{*any}", "/a/b", true)]
    [InlineData("exact", "/health", "/health", true)]
    [InlineData("exact, other", "/health", "/healthz", false)]
    public void MatchesPath_Template_AsYarp(string name, string template, string path, bool expected)
    {
        _ = name;
        var route = new RouteEntry("r", template, [], [], [], 0);

        Assert.Equal(expected, route.MatchesPath(path));
    }

    [Fact]
    public void Match_SeveralRoutes_PicksMostSpecificThenHostAndMethod()
    {
        var table = new RouteTable(
        [
            new RouteEntry("all", "/{**rest}", [], [], [], 0),
            new RouteEntry("orders", "/orders/{**rest}", [], [], [], 0),
            new RouteEntry("order", "/orders/{id}", [], ["GET"], [], 0),
            new RouteEntry("api", "/orders/{**rest}", ["*.api.local"], [], [], 0),
        ]);

        Assert.Equal("order", table.Match("GET", "localhost", "/orders/1")?.Id);
        Assert.Equal("orders", table.Match("POST", "localhost", "/orders/1")?.Id);
        Assert.Equal("api", table.Match("POST", "eu.api.local", "/orders/1")?.Id);
        Assert.Equal("all", table.Match("GET", "localhost", "/x")?.Id);
    }

    [Theory]
    [InlineData("/orders/**", "/orders", false, true)]
    [InlineData("/orders/**", "/orders/a/b", false, true)]
    [InlineData("/orders/**", "/ordersx", false, false)]
    [InlineData("/orders/{id}", "/orders/1", false, true)]
    [InlineData("/orders/*", "/orders/1/2", false, false)]
    [InlineData("/orders/admin/**", "/ORDERS/ADMIN/x", true, true)]
    [InlineData("/orders/admin/**", "/ORDERS/ADMIN/x", false, false)]
    [InlineData("/**", "/anything", false, true)]
    public void PathMatches_PolicyPattern_AsReadme(string pattern, string path, bool ignoreCase, bool expected)
        => Assert.Equal(expected, RuleProbe.PathMatches(pattern, path, ignoreCase));
}

using Gateway.Identity.Dpop;

namespace Gateway.Tests.Unit.Identity;

/// <summary>Configured origins and the request's scheme + Host compare in the normal form of the htu check.</summary>
public sealed class DpopOriginsTests
{
    private static readonly DpopOrigins Origins = DpopOrigins.Create(["https://API.example.org", "http://127.0.0.1:8080/", "https://[::1]:8443"])!;

    [Theory]
    [InlineData("https", "api.example.org", true)]
    [InlineData("https", "API.EXAMPLE.ORG", true)]
    [InlineData("https", "api.example.org:443", true)]          // default port = no port
    [InlineData("http", "127.0.0.1:8080", true)]
    [InlineData("https", "[::1]:8443", true)]
    [InlineData("http", "api.example.org", false)]              // another scheme
    [InlineData("https", "api.example.org:8443", false)]        // another port
    [InlineData("http", "127.0.0.1", false)]
    [InlineData("https", "rs-b.example", false)]                // a spoofed Host
    [InlineData("https", "api.example.org.evil.test", false)]
    [InlineData("https", "user@api.example.org", false)]
    public void Contains_RequestOrigin(string scheme, string host, bool expected)
        => Assert.Equal(expected, Origins.Contains(new DpopTarget(scheme, host, "/payments/1")));

    [Fact]
    public void Create_NoneConfigured_Null() => Assert.Null(DpopOrigins.Create([]));
}

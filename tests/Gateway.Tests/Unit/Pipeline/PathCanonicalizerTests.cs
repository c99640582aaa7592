using Gateway.Pipeline;

namespace Gateway.Tests.Unit.Pipeline;

public sealed class PathCanonicalizerTests
{
    private const int MaxLength = 4096;

    [Theory]
    [InlineData("root", "/", "/")]
    [InlineData("plain path", "/orders/42", "/orders/42")]
    [InlineData("trailing slash kept", "/a/", "/a/")]
    [InlineData("dots inside a segment", "/a/..b/c.d/.x", "/a/..b/c.d/.x")]
    [InlineData("pchar punctuation", "/a-b_c~d!$&'()*+,=:@", "/a-b_c~d!$&'()*+,=:@")]
    [InlineData("query dropped", "/orders/42?x=1&y=2", "/orders/42")]
    [InlineData("query with odd characters dropped", "/a?b=%zz&c=../..;", "/a")]
    [InlineData("empty query dropped", "/a?", "/a")]
    [InlineData("encoded space decoded once", "/a%20b", "/a b")]
    [InlineData("encoded UTF-8 decoded", "/caf%C3%A9", "/café")]
    [InlineData("lower-case hex decoded", "/caf%c3%a9", "/café")]
    [InlineData("encoded unreserved letter decoded", "/%61dmin", "/admin")]
    [InlineData("encoded dot inside a segment", "/a/%2eb", "/a/.b")]
    [InlineData("encoded question mark becomes part of the path", "/a%3Fb", "/a?b")]
    [InlineData("encoded four-byte UTF-8", "/%F0%9F%98%80", "/\U0001F600")]
    public void TryCanonicalize_AcceptedTarget_ReturnsCanonicalPath(string name, string raw, string expected)
    {
        _ = name;
        var ok = PathCanonicalizer.TryCanonicalize(raw, MaxLength, out var path, out var reason);

        Assert.True(ok, $"refused with {reason}");
        Assert.Equal(expected, path);
        Assert.Equal("", reason);
    }

    [Fact]
    public void TryCanonicalize_PlainPath_ReusesTheRawTargetOrTheServersPath_NeverAnotherText()
    {
        // No copy on the hot path: a plain target is its own canonical path, and with a query string the server's
        // decoded path is reused when it is the same text.
        var target = "/orders/42";
        Assert.True(PathCanonicalizer.TryCanonicalize(target, MaxLength, out var path, out _));
        Assert.Same(target, path);

        var serverPath = new string("/orders/42".AsSpan());
        Assert.True(PathCanonicalizer.TryCanonicalize("/orders/42?x=1", MaxLength, out path, out _, serverPath));
        Assert.Same(serverPath, path);

        // A server path that differs (decoded differently, or stale) is never taken: the canonical text wins.
        Assert.True(PathCanonicalizer.TryCanonicalize("/orders/42?x=1", MaxLength, out path, out _, "/admin/secrets"));
        Assert.Equal("/orders/42", path);
        Assert.True(PathCanonicalizer.TryCanonicalize("/a%20b?x=1", MaxLength, out path, out _, "/a%20b"));
        Assert.Equal("/a b", path);
    }

    [Theory]
    // Encoded separators: servers disagree on whether they split segments.
    [InlineData("encoded slash lower", "/a%2fb", "encoded_separator")]
    [InlineData("encoded slash upper", "/a%2Fb", "encoded_separator")]
    [InlineData("encoded backslash lower", "/a%5cb", "encoded_separator")]
    [InlineData("encoded backslash upper", "/a%5Cb", "encoded_separator")]
    [InlineData("raw backslash", "/a\\b", "backslash_in_path")]
    [InlineData("raw backslash dot segment", "/a\\..\\b", "backslash_in_path")]
    // Double encoding: a second decoder would see something else.
    [InlineData("encoded percent", "/a%25b", "double_encoding")]
    [InlineData("double-encoded dot", "/a/%252e%252e/b", "double_encoding")]
    [InlineData("double-encoded slash", "/a%252fb", "double_encoding")]
    // NUL and control characters.
    [InlineData("encoded NUL", "/a%00b", "encoded_nul")]
    [InlineData("encoded line feed", "/a%0ab", "control_character")]
    [InlineData("encoded carriage return", "/a%0Db", "control_character")]
    [InlineData("encoded tab", "/a%09b", "control_character")]
    [InlineData("encoded unit separator", "/a%1fb", "control_character")]
    [InlineData("encoded DEL", "/a%7Fb", "control_character")]
    // Dot segments, raw or encoded.
    [InlineData("three dots (Windows strips trailing dots)", "/a/.../b", "ambiguous_segment")]
    [InlineData("trailing dot in a segment", "/a/admin./b", "ambiguous_segment")]
    [InlineData("trailing encoded space in a segment", "/a/admin%20/b", "ambiguous_segment")]
    [InlineData("trailing dot at the end", "/a/b.", "ambiguous_segment")]
    [InlineData("parent segment", "/a/../b", "dot_segment")]
    [InlineData("current segment", "/a/./b", "dot_segment")]
    [InlineData("encoded parent segment", "/a/%2e%2e/b", "dot_segment")]
    [InlineData("encoded parent segment upper", "/a/%2E%2E/b", "dot_segment")]
    [InlineData("half-encoded parent segment", "/a/.%2e/b", "dot_segment")]
    [InlineData("half-encoded parent segment reversed", "/a/%2e./b", "dot_segment")]
    [InlineData("encoded current segment", "/a/%2e/b", "dot_segment")]
    [InlineData("parent at root", "/..", "dot_segment")]
    [InlineData("current at root", "/.", "dot_segment")]
    [InlineData("parent at end", "/a/..", "dot_segment")]
    [InlineData("parent before query", "/a/..?x=1", "dot_segment")]
    [InlineData("parent before trailing slash", "/a/../", "dot_segment")]
    // Empty segments.
    [InlineData("leading double slash", "//admin", "empty_path_segment")]
    [InlineData("inner double slash", "/a//b", "empty_path_segment")]
    [InlineData("double slash at end", "/a//", "empty_path_segment")]
    // Path parameters.
    [InlineData("raw semicolon", "/a;b", "path_parameter")]
    [InlineData("raw matrix parameter", "/admin;jsessionid=x/secret", "path_parameter")]
    [InlineData("encoded semicolon lower", "/a%3bb", "path_parameter")]
    [InlineData("encoded semicolon upper", "/a%3Bb", "path_parameter")]
    // Invalid UTF-8 after decoding.
    [InlineData("lead byte with bad continuation", "/%C3%28", "invalid_utf8")]
    [InlineData("byte FF", "/%FF", "invalid_utf8")]
    [InlineData("lone continuation byte", "/%80", "invalid_utf8")]
    [InlineData("truncated sequence", "/caf%C3", "invalid_utf8")]
    [InlineData("overlong encoded dot", "/%C0%AE%C0%AE/b", "invalid_utf8")]
    [InlineData("overlong encoded slash", "/a%C0%AFb", "invalid_utf8")]
    [InlineData("encoded surrogate", "/%ED%A0%80", "invalid_utf8")]
    // Bad escapes.
    [InlineData("non-hex escape", "/a%zzb", "invalid_percent_encoding")]
    [InlineData("one hex digit at end", "/a%4", "invalid_percent_encoding")]
    [InlineData("percent at end", "/a%", "invalid_percent_encoding")]
    [InlineData("one hex digit then letter", "/a%4g", "invalid_percent_encoding")]
    [InlineData("escape cut by query", "/a%4?x", "invalid_percent_encoding")]
    // Not origin-form.
    [InlineData("absolute-form", "http://x/a", "path_not_origin_form")]
    [InlineData("asterisk-form", "*", "path_not_origin_form")]
    [InlineData("empty", "", "path_not_origin_form")]
    [InlineData("query only", "?a=1", "path_not_origin_form")]
    [InlineData("relative path", "a/b", "path_not_origin_form")]
    [InlineData("authority-form", "example.org:443", "path_not_origin_form")]
    // Characters that are not pchar.
    [InlineData("raw non-ASCII", "/café", "invalid_path_character")]
    [InlineData("raw space", "/a b", "invalid_path_character")]
    [InlineData("raw less-than", "/a<b", "invalid_path_character")]
    [InlineData("raw double quote", "/a\"b", "invalid_path_character")]
    [InlineData("raw fragment", "/a#b", "invalid_path_character")]
    [InlineData("raw tab", "/a\tb", "invalid_path_character")]
    [InlineData("raw NUL", "/a\0b", "invalid_path_character")]
    [InlineData("raw pipe", "/a|b", "invalid_path_character")]
    public void TryCanonicalize_RefusedTarget_ReturnsReason(string name, string raw, string expectedReason)
    {
        _ = name;
        var ok = PathCanonicalizer.TryCanonicalize(raw, MaxLength, out var path, out var reason);

        Assert.False(ok);
        Assert.Equal(expectedReason, reason);
        Assert.Equal("", path);
    }

    [Theory]
    [InlineData("at the limit", 10, true, "")]
    [InlineData("one over the limit", 9, false, "path_too_long")]
    public void TryCanonicalize_PathLengthAgainstLimit_AppliesLimit(string name, int maxLength, bool expectedOk, string expectedReason)
    {
        _ = name;
        const string raw = "/abcdefghi"; // 10 characters

        var ok = PathCanonicalizer.TryCanonicalize(raw, maxLength, out _, out var reason);

        Assert.Equal(expectedOk, ok);
        Assert.Equal(expectedReason, reason);
    }

    [Fact]
    public void TryCanonicalize_LongQuery_DoesNotCountTowardsPathLimit()
    {
        var raw = "/a?" + new string('q', 100);

        var ok = PathCanonicalizer.TryCanonicalize(raw, 2, out var path, out _);

        Assert.True(ok);
        Assert.Equal("/a", path);
    }

    [Fact]
    public void TryCanonicalize_PathOverStackBuffer_DecodesCorrectly()
    {
        // Over 1024 characters the decoder switches from a stack buffer to the heap.
        var segment = string.Concat(Enumerable.Repeat("caf%C3%A9", 200));
        var raw = "/" + segment + "/x";

        var ok = PathCanonicalizer.TryCanonicalize(raw, 8192, out var path, out var reason);

        Assert.True(ok, reason);
        Assert.Equal("/" + string.Concat(Enumerable.Repeat("café", 200)) + "/x", path);
    }

    [Fact]
    public void TryCanonicalize_OverLongPath_IsRefusedBeforeOtherChecks()
    {
        // Size is checked before parsing: a long path full of bad escapes reports path_too_long.
        var raw = "/" + string.Concat(Enumerable.Repeat("%zz", 100));

        var ok = PathCanonicalizer.TryCanonicalize(raw, 50, out _, out var reason);

        Assert.False(ok);
        Assert.Equal("path_too_long", reason);
    }

    [Fact]
    public void TryCanonicalize_CanonicalOutput_IsAcceptedUnchangedAgain()
    {
        // Idempotence for paths whose decoded form is still plain pchar.
        Assert.True(PathCanonicalizer.TryCanonicalize("/%61b/c%2Dd", MaxLength, out var once, out _));
        Assert.True(PathCanonicalizer.TryCanonicalize(once, MaxLength, out var twice, out _));
        Assert.Equal("/ab/c-d", once);
        Assert.Equal(once, twice);
    }
}

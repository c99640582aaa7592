using System.Security.Cryptography;
using Gateway.Identity;
using Gateway.Identity.ApiKeys;

namespace Gateway.Tests.Unit.Identity;

public sealed class ApiKeyFormatTests
{
    // A fixed, well-formed key (never a real one): id 'abcdefgh2345', a 43-character canonical secret (32 zero bytes).
    private static readonly string Valid = "gk_abcdefgh2345_" + new string('A', 43);

    [Fact]
    public void IsWellFormed_FixedExample_True()
    {
        Assert.Equal(ApiKeyFormat.KeyLength, Valid.Length);
        Assert.True(ApiKeyFormat.IsWellFormed(Valid));
        Assert.Equal("abcdefgh2345", ApiKeyFormat.IdOf(Valid).ToString());
    }

    [Fact]
    public void Generate_ManyKeys_AllWellFormedWithDistinctIdsAndValidHashes()
    {
        var ids = new HashSet<string>();
        for (var i = 0; i < 500; i++)
        {
            var key = ApiKeyGenerator.Generate();
            Assert.True(ApiKeyFormat.IsWellFormed(key.Key), key.Key);
            Assert.Equal(key.Id, ApiKeyFormat.IdOf(key.Key).ToString());
            Assert.True(ids.Add(key.Id));
            Assert.True(ApiKeyHash.TryParse(key.Hash, out var hash));
            Assert.Equal(SHA256.HashData(System.Text.Encoding.ASCII.GetBytes(key.Key)), hash);
            Assert.DoesNotContain(key.Key, key.ToString());
        }
    }

    public static TheoryData<string, string> BadShapes => new()
    {
        { "empty", "" },
        { "prefix only", "gk_" },
        { "wrong prefix", "xk" + Valid[2..] },
        { "upper-case prefix", "GK" + Valid[2..] },
        { "no prefix", Valid[3..] },
        { "extra underscore after prefix", "gk__" + Valid[4..] },
        { "underscore inside id", Valid[..9] + "_" + Valid[10..] },
        { "extra underscore before secret", Valid[..15] + "_" + Valid[15..] },
        { "separator missing", Valid[..15] + Valid[16..] + "A" },
        { "separator is a dash", Valid[..15] + "-" + Valid[16..] },
        { "id upper case", "gk_ABCDEFGH2345" + Valid[15..] },
        { "id with a digit base32 lacks", "gk_abcdefgh2341" + Valid[15..] },
        { "id too short", "gk_abcdefgh234" + Valid[15..] + "A" },
        { "empty secret", Valid[..16] },
        { "secret too short", Valid[..^1] },
        { "secret too long", Valid + "A" },
        { "secret with padding", Valid[..^1] + "=" },
        { "secret in base64, not base64url", Valid[..^2] + "+A" },
        { "secret with a space", Valid[..30] + " " + Valid[31..] },
        { "non-canonical last character", Valid[..^1] + "B" },
        { "non-ASCII in secret", Valid[..^2] + "\u00e9A" },
        { "non-ASCII look-alike in id", "gk_\u0430" + Valid[4..] },
        { "leading space", " " + Valid[..^1] },
        { "trailing newline", Valid[..^1] + "\n" },
        { "a JWT", "eyJhbGciOiJFUzI1NiJ9.eyJzdWIiOiJ4In0.c2lnbmF0dXJlc2lnbmF0dXJl" },
    };

    [Theory]
    [MemberData(nameof(BadShapes))]
    public void IsWellFormed_BadShape_False(string name, string value)
    {
        _ = name;
        Assert.False(ApiKeyFormat.IsWellFormed(value));
    }

    [Fact]
    public void IsWellFormed_VeryLong_FalseWithoutLooking()
    {
        Assert.False(ApiKeyFormat.IsWellFormed(Valid + new string('A', 100_000)));
    }

    [Fact]
    public void IsWellFormed_UnderscoreInsideSecret_True()
    {
        // '_' is a base64url character: the secret may contain it; the fixed layout keeps parsing unambiguous.
        Assert.True(ApiKeyFormat.IsWellFormed(Valid[..16] + "_" + Valid[17..]));
    }

    public static TheoryData<string, string> BadHashes => new()
    {
        { "no prefix", new string('A', 43) },
        { "other algorithm", "sha512:" + new string('A', 43) },
        { "upper-case algorithm", "SHA256:" + new string('A', 43) },
        { "too short", "sha256:AAAA" },
        { "padding", "sha256:" + new string('A', 42) + "=" },
        { "non-canonical", "sha256:" + new string('A', 42) + "B" },
        { "hex", "sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855" },
        { "a key", "gk_abcdefgh2345_" + new string('A', 43) },
    };

    [Fact]
    public void HashTryParse_ZeroHash_True()
    {
        Assert.True(ApiKeyHash.TryParse("sha256:" + new string('A', 43), out var hash));
        Assert.Equal(new byte[32], hash);
    }

    [Theory]
    [MemberData(nameof(BadHashes))]
    public void HashTryParse_BadText_False(string name, string text)
    {
        _ = name;
        Assert.False(ApiKeyHash.TryParse(text, out _));
    }

    [Fact]
    public void ShortHandle_OfStoredHash_EqualsTokenHashOfKey()
    {
        var key = ApiKeyGenerator.Generate();
        Assert.True(ApiKeyHash.TryParse(key.Hash, out var hash));

        Assert.Equal(TokenHash.Compute(key.Key).ToShortString(), ApiKeyHash.ShortHandle(hash));
    }

    [Theory]
    [InlineData("spiffe id", "spiffe://example.org/legacy/billing", true)]
    [InlineData("plain name", "billing-batch", true)]
    [InlineData("plain name with punctuation", "team:billing/batch@eu", true)]
    [InlineData("empty", "", false)]
    [InlineData("space", "billing batch", false)]
    [InlineData("newline", "billing\nadmin", false)]
    [InlineData("non-ASCII", "bïlling", false)]
    [InlineData("bad spiffe id", "spiffe://Example.org/a/", false)]
    [InlineData("upper-case spiffe scheme", "SPIFFE://example.org/a", false)]
    public void OwnerProblem_Cases(string name, string owner, bool valid)
    {
        _ = name;
        Assert.Equal(valid, ApiKeyOwner.Problem(owner) is null);
    }

    [Fact]
    public void OwnerProblem_LooksLikeAKey_Refused()
    {
        Assert.Contains("looks like an API key", ApiKeyOwner.Problem(ApiKeyGenerator.Generate().Key));
    }

    [Fact]
    public void OwnerProblem_TooLong_Refused()
    {
        Assert.Null(ApiKeyOwner.Problem(new string('a', 256)));
        Assert.NotNull(ApiKeyOwner.Problem(new string('a', 257)));
    }

    [Theory]
    [InlineData("2027-02-24T10:00:00Z", true)]
    [InlineData("2027-02-24T10:00:00.5Z", true)]
    [InlineData("2027-02-24T12:00:00+02:00", true)]
    [InlineData("2027-02-24T10:00:00", false)]
    [InlineData("2027-02-24", false)]
    [InlineData("24/02/2027 10:00", false)]
    public void TimestampTryParse_NeedsAnOffset(string text, bool valid)
    {
        Assert.Equal(valid, ApiKeyTimestamp.TryParse(text, out var t));
        if (valid)
        {
            Assert.Equal(TimeSpan.Zero, t.Offset);
            Assert.Equal(10, t.Hour);
        }
    }
}

using System.Text.Json;
using Gateway.Identity.ApiKeys;
using Gateway.Observability;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;

namespace Gateway.Tests.Unit.Identity;

public sealed class ApiKeyViewTests : IDisposable
{
    private static readonly DateTimeOffset Now = ApiKeyTestStore.Created.AddDays(1);

    private readonly ApiKeyTestStore _file = new();
    private readonly FakeTimeProvider _time = new(Now);
    private readonly GatewayMetrics _metrics = new();

    public void Dispose() => _file.Dispose();

    [Fact]
    public void AdminDocument_KeysWithStatusAndLastUse_NeverHashesOrKeys()
    {
        var used = _file.Add(owner: "spiffe://example.org/legacy/billing", roles: ["billing-reader"]);
        var revoked = _file.Add(owner: "old-client", revoked: Now.AddHours(-2));
        var expired = _file.Add(owner: "older-client", expires: Now.AddHours(-1));
        _file.Write();
        var store = new ApiKeyStore(_file.File, ApiKeyLoadSettings.None, _metrics, NullLogger<ApiKeyStore>.Instance, _time);
        var auth = new ApiKeyAuthenticator(store, _metrics, NullLogger<ApiKeyAuthenticator>.Instance, _time);
        auth.Authenticate(used.Key, "payments");
        auth.Authenticate(revoked.Key, "payments");

        var bytes = ApiKeyView.AdminDocument(store);
        var text = System.Text.Encoding.UTF8.GetString(bytes);

        using var doc = JsonDocument.Parse(bytes);
        var root = doc.RootElement;
        Assert.True(root.GetProperty("enabled").GetBoolean());
        Assert.True(root.GetProperty("loaded").GetBoolean());
        Assert.Equal(1, root.GetProperty("revision").GetInt64());
        var keys = root.GetProperty("keys").EnumerateArray().ToList();
        Assert.Equal(3, keys.Count);
        Assert.Equal(used.Id, keys[0].GetProperty("id").GetString());
        Assert.Equal("spiffe://example.org/legacy/billing", keys[0].GetProperty("owner").GetString());
        Assert.Equal("payments", keys[0].GetProperty("routes")[0].GetString());
        Assert.Equal("billing-reader", keys[0].GetProperty("roles")[0].GetString());
        Assert.Equal("2026-11-26T10:00:00Z", keys[0].GetProperty("created").GetString());
        Assert.Equal("active", keys[0].GetProperty("status").GetString());
        Assert.Equal("2026-11-27T10:00:00Z", keys[0].GetProperty("last_used").GetString());
        Assert.Equal(JsonValueKind.Null, keys[0].GetProperty("revoked").ValueKind);
        Assert.Equal("revoked", keys[1].GetProperty("status").GetString());
        Assert.Equal(JsonValueKind.Null, keys[1].GetProperty("last_used").ValueKind);
        Assert.Equal("2026-11-27T10:00:00Z", keys[1].GetProperty("last_refused").GetString());
        Assert.Equal("expired", keys[2].GetProperty("status").GetString());
        foreach (var k in keys)
        {
            Assert.False(k.TryGetProperty("hash", out _));
        }

        foreach (var k in new[] { used, revoked, expired })
        {
            Assert.DoesNotContain(k.Hash[7..], text);
            Assert.DoesNotContain(k.Key[16..], text);
        }

        Assert.DoesNotContain("sha256", text);
    }

    [Fact]
    public void AdminDocument_NoStore_Disabled()
    {
        using var doc = JsonDocument.Parse(ApiKeyView.AdminDocument(null));

        Assert.False(doc.RootElement.GetProperty("enabled").GetBoolean());
        Assert.Empty(doc.RootElement.GetProperty("keys").EnumerateArray());
    }

    [Fact]
    public async Task WriteAdminAsync_JsonNotCached()
    {
        _file.Add();
        _file.Write();
        var store = new ApiKeyStore(_file.File, ApiKeyLoadSettings.None, _metrics, NullLogger<ApiKeyStore>.Instance, _time);
        var context = new DefaultHttpContext();
        context.Response.Body = new MemoryStream();

        await ApiKeyView.WriteAdminAsync(context, store);

        Assert.Equal(200, context.Response.StatusCode);
        Assert.Equal("application/json", context.Response.ContentType);
        Assert.Equal("no-store", context.Response.Headers.CacheControl.ToString());
        Assert.True(context.Response.Body.Length > 0);
    }
}

using System.Text.Json;

namespace Gateway.Tests.Integration;

internal static class ProblemAssert
{
    /// <summary>Asserts status, problem+json content type and reason code; returns the body.</summary>
    public static async Task<JsonElement> IsProblemAsync(HttpResponseMessage response, int status, string reason)
    {
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(status == (int)response.StatusCode, $"expected {status}, got {(int)response.StatusCode}: {body}");
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var json = JsonDocument.Parse(body).RootElement.Clone();
        Assert.Equal(reason, json.GetProperty("reason").GetString());
        Assert.Equal(status, json.GetProperty("status").GetInt32());
        return json;
    }
}

using System.Text.Json.Nodes;
using Gateway.Identity.ApiKeys;

namespace Gateway.Tests.Unit.Identity;

/// <summary>A key store file in a temp folder, filled with keys generated at run time.</summary>
internal sealed class ApiKeyTestStore : IDisposable
{
    public static readonly DateTimeOffset Created = new(2026, 11, 26, 10, 0, 0, TimeSpan.Zero);
    public static readonly DateTimeOffset Expires = Created.AddDays(90);

    private readonly JsonArray _keys = [];

    public ApiKeyTestStore()
    {
        Dir = Directory.CreateTempSubdirectory("gw-apikeys-").FullName;
        File = Path.Combine(Dir, "apikeys.json");
    }

    public string Dir { get; }

    public string File { get; }

    /// <summary>Adds an entry; returns the key (which the store never holds).</summary>
    public GeneratedApiKey Add(string owner = "spiffe://example.org/legacy/billing", string[]? routes = null, string[]? roles = null,
        DateTimeOffset? created = null, DateTimeOffset? expires = null, DateTimeOffset? revoked = null)
    {
        var key = ApiKeyGenerator.Generate();
        _keys.Add(new JsonObject
        {
            ["id"] = key.Id,
            ["hash"] = key.Hash,
            ["owner"] = owner,
            ["routes"] = new JsonArray([.. (routes ?? ["payments"]).Select(r => (JsonNode)JsonValue.Create(r))]),
            ["roles"] = new JsonArray([.. (roles ?? []).Select(r => (JsonNode)JsonValue.Create(r))]),
            ["created"] = ApiKeyTimestamp.Format(created ?? Created),
            ["expires"] = ApiKeyTimestamp.Format(expires ?? Expires),
            ["revoked"] = revoked is { } r ? ApiKeyTimestamp.Format(r) : null,
        });
        return key;
    }

    public string Json => new JsonObject { ["version"] = 1, ["keys"] = _keys.DeepClone() }
        .ToJsonString(new System.Text.Json.JsonSerializerOptions { WriteIndented = true });

    public ApiKeyTestStore Write()
    {
        System.IO.File.WriteAllText(File, Json);
        return this;
    }

    public void WriteRaw(string text) => System.IO.File.WriteAllText(File, text);

    public void Dispose()
    {
        try
        {
            Directory.Delete(Dir, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}

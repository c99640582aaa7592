using Gateway.Configuration;
using Gateway.Identity;
using Gateway.Identity.ApiKeys;
using Gateway.Observability;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;

namespace Gateway.Tests.Unit.Identity;

public sealed class ApiKeyStoreTests : IDisposable
{
    private static readonly DateTimeOffset Now = ApiKeyTestStore.Created.AddDays(1);

    private readonly ApiKeyTestStore _file = new();
    private readonly FakeTimeProvider _time = new(Now);
    private readonly GatewayMetrics _metrics = new();
    private readonly ApiKeyTestLogger<ApiKeyStore> _log = new();

    public void Dispose() => _file.Dispose();

    private ApiKeyStore NewStore(string? file) => new(file, ApiKeyLoadSettings.None, _metrics, _log, _time);

    private ApiKeyAuthenticator Authenticator(ApiKeyStore store)
        => new(store, _metrics, new ApiKeyTestLogger<ApiKeyAuthenticator>(), _time);

    private double Reloads(string outcome) => _metrics.ApiKeyStoreReloads.WithLabels(outcome).Value;

    [Fact]
    public void Constructor_GoodFile_LoadedAsRevisionOne()
    {
        _file.Add();
        _file.Add();
        _file.Write();

        var store = NewStore(_file.File);

        Assert.True(store.Enabled);
        Assert.Equal([Path.GetFullPath(_file.File)], store.Files);
        Assert.Equal(1, store.Current!.Revision);
        Assert.Equal(2, store.Current.Entries.Count);
        Assert.Equal(1, Reloads("success"));
        Assert.Equal(2, _metrics.ApiKeyStoreKeys.Value);
        Assert.Equal(1, _metrics.ApiKeyStoreRevision.Value);
    }

    [Fact]
    public void Constructor_NoFile_KeysOff()
    {
        var store = NewStore(null);

        Assert.False(store.Enabled);
        Assert.Empty(store.Files);
        Assert.Null(store.Current);
        Assert.Same(ApiKeyLoadResult.Disabled, store.Reload());
    }

    [Fact]
    public void Constructor_InitialSnapshot_UsedWithoutReading()
    {
        _file.Add();
        _file.Write();
        var initial = ApiKeyStoreLoader.Load(_file.File, ApiKeyLoadSettings.None).Snapshot!;
        File.Delete(_file.File);

        var store = new ApiKeyStore(_file.File, ApiKeyLoadSettings.None, _metrics, _log, _time, initial);

        Assert.Same(initial, store.Current);
        Assert.Equal(0, Reloads("failure"));
    }

    [Fact]
    public void Constructor_BadFile_NoSnapshotAndLogged()
    {
        _file.WriteRaw("{\"version\": 1, \"keys\": [ {} ]}");

        var store = NewStore(_file.File);

        Assert.Null(store.Current);
        Assert.Equal(1, Reloads("failure"));
        Assert.Contains(_log.Lines, l => l.EventId == Gateway.Observability.EventIds.ApiKeyStoreUnavailable && l.Level == LogLevel.Error);
        Assert.Contains(_log.Lines, l => l.Message.StartsWith(_file.File + ":1:26: error: the key entry has no 'id'", StringComparison.Ordinal));
    }

    public static TheoryData<string, string?> BadReloads => new()
    {
        { "not JSON", "{ \"version\": 1, \"keys\": [" },
        { "empty file", "" },
        { "duplicate id", null },
        { "unknown field", "{ \"version\": 1, \"keys\": [], \"admin\": true }" },
        { "file deleted", "DELETE" },
    };

    [Theory]
    [MemberData(nameof(BadReloads))]
    public void Reload_BadFile_LastGoodKeepsServing(string name, string? content)
    {
        _ = name;
        var key = _file.Add();
        _file.Write();
        var store = NewStore(_file.File);
        var auth = Authenticator(store);
        var before = store.Current;
        Assert.True(auth.Authenticate(key.Key, "payments").Succeeded);

        if (content == "DELETE")
        {
            File.Delete(_file.File);
        }
        else if (content is null)
        {
            var json = _file.Json;
            var entries = System.Text.Json.Nodes.JsonNode.Parse(json)!["keys"]!.AsArray();
            entries.Add(entries[0]!.DeepClone());
            _file.WriteRaw(new System.Text.Json.Nodes.JsonObject { ["version"] = 1, ["keys"] = entries.DeepClone() }.ToJsonString());
        }
        else
        {
            _file.WriteRaw(content);
        }

        var result = store.Reload();

        Assert.True(result.HasErrors);
        Assert.NotEmpty(result.Diagnostics);
        Assert.Same(before, store.Current);
        Assert.True(auth.Authenticate(key.Key, "payments").Succeeded);
        Assert.Equal(1, Reloads("failure"));
        Assert.Equal(1, _metrics.ApiKeyStoreRevision.Value);
        Assert.Contains(_log.Lines, l => l.EventId == Gateway.Observability.EventIds.ApiKeyStoreReloadRejected && l.Message.Contains("revision 1 (1 keys) keeps serving"));
        Assert.Contains(_log.Lines, l => l.EventId == Gateway.Observability.EventIds.ApiKeyStoreDiagnostic && l.Message.StartsWith(_file.File + ":", StringComparison.Ordinal));
    }

    [Fact]
    public void Reload_KeyRevokedInFile_RefusedAfterReloadAndUsageKept()
    {
        var key = _file.Add();
        _file.Write();
        var store = NewStore(_file.File);
        var auth = Authenticator(store);
        Assert.True(auth.Authenticate(key.Key, "payments").Succeeded);

        var json = System.Text.Json.Nodes.JsonNode.Parse(_file.Json)!;
        json["keys"]![0]!["revoked"] = ApiKeyTimestamp.Format(Now);
        _file.WriteRaw(json.ToJsonString());
        var result = store.Reload();

        Assert.False(result.HasErrors);
        Assert.Equal(2, store.Current!.Revision);
        Assert.Equal(AuthFailure.ApiKeyRevoked, auth.Authenticate(key.Key, "payments").Failure);
        Assert.Equal(Now, store.Current.ById[key.Id].Usage.LastUsed);
        Assert.Equal(2, Reloads("success"));
    }

    [Fact]
    public void Reload_Warnings_LoggedAndApplied()
    {
        _file.Add();
        _file.Write();
        var store = new ApiKeyStore(_file.File, new ApiKeyLoadSettings(new HashSet<string> { "orders" }, null), _metrics, _log, _time);

        Assert.NotNull(store.Current);
        Assert.Contains(_log.Lines, l => l.Level == LogLevel.Warning && l.Message.Contains("route 'payments' is not in the config"));
    }

    [Fact]
    public void ResolveFile_RelativeToConfigFolder()
    {
        var dir = Path.Combine(Path.GetTempPath(), "cfg");

        Assert.Equal(Path.GetFullPath(Path.Combine(dir, "keys", "apikeys.json")),
            ApiKeyStore.ResolveFile(new ApiKeyOptions { StoreFile = "keys/apikeys.json" }, dir));
        Assert.Null(ApiKeyStore.ResolveFile(new ApiKeyOptions(), dir));
        Assert.Null(ApiKeyStore.ResolveFile(new ApiKeyOptions { StoreFile = " " }, dir));
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)] // revoked while the gateway was starting: after the store read the file, before the watch began
    public async Task Watcher_FileReplaced_Reloads(bool beforeTheWatchStarts)
    {
        var key = _file.Add();
        _file.Write();
        var store = NewStore(_file.File);
        using var watcher = new ApiKeyStoreWatcher(store);
        var json = System.Text.Json.Nodes.JsonNode.Parse(_file.Json)!;
        json["keys"]![0]!["revoked"] = ApiKeyTimestamp.Format(Now);
        var revoked = System.Text.Encoding.UTF8.GetBytes(json.ToJsonString());
        if (beforeTheWatchStarts)
        {
            ApiKeyStoreFile.WriteAtomically(_file.File, revoked);
        }

        await watcher.StartAsync(CancellationToken.None);
        try
        {
            // No pause: the watch starts in StartAsync, so a write right after it is a change.
            if (!beforeTheWatchStarts)
            {
                ApiKeyStoreFile.WriteAtomically(_file.File, revoked);
            }

            var deadline = DateTime.UtcNow.AddSeconds(20);
            while (store.Current!.Revision == 1 && DateTime.UtcNow < deadline)
            {
                await Task.Delay(100);
            }

            Assert.Equal(2, store.Current.Revision);
            Assert.NotNull(store.Current.ById[key.Id].Revoked);
        }
        finally
        {
            await watcher.StopAsync(CancellationToken.None);
        }
    }

    [Fact]
    public async Task Watcher_KeysOff_ReturnsAtOnce()
    {
        using var watcher = new ApiKeyStoreWatcher(NewStore(null));

        await watcher.StartAsync(CancellationToken.None);

        await watcher.ExecuteTask!.WaitAsync(TimeSpan.FromSeconds(5));
        await watcher.StopAsync(CancellationToken.None);
    }
}

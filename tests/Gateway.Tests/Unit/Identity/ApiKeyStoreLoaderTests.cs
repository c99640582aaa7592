using Gateway.Configuration;
using Gateway.Identity.ApiKeys;

namespace Gateway.Tests.Unit.Identity;

public sealed class ApiKeyStoreLoaderTests : IDisposable
{
    private readonly ApiKeyTestStore _store = new();

    public void Dispose() => _store.Dispose();

    private ApiKeyLoadResult Load(ApiKeyLoadSettings? settings = null) => ApiKeyStoreLoader.Load(_store.File, settings ?? ApiKeyLoadSettings.None);

    private static ConfigDiagnostic Find(ApiKeyLoadResult result, string text)
    {
        var matches = result.Diagnostics.Where(d => d.Message.Contains(text, StringComparison.Ordinal)).ToList();
        Assert.True(matches.Count == 1, $"expected one diagnostic with '{text}', got:\n{string.Join("\n", result.Diagnostics)}");
        return matches[0];
    }

    private static void AssertAt(ApiKeyLoadResult result, string text, int line, int column, bool warning = false)
    {
        var d = Find(result, text);
        Assert.Equal((line, column, warning), (d.Line, d.Column, d.IsWarning));
    }

    [Fact]
    public void Load_ValidStore_SnapshotInFileOrder()
    {
        var a = _store.Add(owner: "spiffe://example.org/legacy/billing", routes: ["payments", "orders"], roles: ["billing-reader"]);
        var b = _store.Add(owner: "reporting-batch", routes: ["*"]);
        _store.Write();

        var result = Load();

        Assert.False(result.HasErrors, string.Join("\n", result.Diagnostics));
        Assert.Empty(result.Diagnostics);
        var snapshot = result.Snapshot!;
        Assert.Equal([a.Id, b.Id], snapshot.Entries.Select(e => e.Id));
        var first = snapshot.ById[a.Id];
        Assert.Equal("spiffe://example.org/legacy/billing", first.Owner);
        Assert.Equal(["payments", "orders"], first.Routes);
        Assert.Equal(["billing-reader"], first.Roles);
        Assert.Equal(ApiKeyTestStore.Created, first.Created);
        Assert.Equal(ApiKeyTestStore.Expires, first.Expires);
        Assert.Null(first.Revoked);
        Assert.True(snapshot.ById[b.Id].AllowsEveryRoute);
        Assert.True(snapshot.TryGet(b.Id.AsSpan(), out var found));
        Assert.Same(snapshot.ById[b.Id], found);
    }

    [Fact]
    public void Load_EmptyKeyList_EmptySnapshot()
    {
        _store.WriteRaw("""{ "version": 1, "keys": [] }""");

        var result = Load();

        Assert.Empty(result.Diagnostics);
        Assert.Empty(result.Snapshot!.Entries);
    }

    [Fact]
    public void Load_ManyProblems_EachReportedWithLineAndColumn()
    {
        var good = ApiKeyGenerator.Generate();
        _store.WriteRaw($$"""
            {
              "version": 1,
              "keys": [
                {
                  "id": "ABC",
                  "hash": "sha256:xyz",
                  "owner": "bad owner",
                  "routes": [],
                  "created": "2026-11-26T10:00:00Z",
                  "expires": "2026-11-25T10:00:00Z",
                  "colour": "blue"
                },
                {
                  "id": "{{good.Id}}",
                  "hash": "{{good.Hash}}",
                  "owner": "billing",
                  "routes": ["payments"],
                  "created": "2026-11-26",
                  "expires": "2027-01-01T00:00:00Z"
                },
                {
                  "id": "{{good.Id}}",
                  "hash": "{{good.Hash}}",
                  "owner": "billing",
                  "routes": ["*", "payments"],
                  "created": "2026-11-26T10:00:00Z",
                  "expires": "2027-01-01T00:00:00Z",
                  "expires": "2099-01-01T00:00:00Z"
                }
              ],
              "extra": true
            }
            """);

        var result = Load();

        Assert.True(result.HasErrors);
        Assert.Null(result.Snapshot);
        AssertAt(result, "'id' must be 12 characters", 5, 7);
        AssertAt(result, "'hash' must be 'sha256:'", 6, 7);
        AssertAt(result, "the owner may only hold visible ASCII", 7, 7);
        AssertAt(result, "'routes' is empty", 8, 7);
        AssertAt(result, "'expires' must be after 'created'", 10, 7);
        AssertAt(result, "unknown field 'colour'", 11, 7);
        AssertAt(result, "'created' must be an ISO 8601 time", 18, 7);
        AssertAt(result, "is used by another key entry (line 14)", 22, 7);
        AssertAt(result, "the same hash as key", 23, 7);
        AssertAt(result, "'*' (every route) must be the only entry", 25, 7);
        // A field written twice is reported at the first one (the locator keeps the first position of a path).
        AssertAt(result, "'expires' is written twice", 27, 7);
        AssertAt(result, "unknown field 'extra'", 31, 3);
        Assert.Equal(12, result.Diagnostics.Count);
        Assert.All(result.Diagnostics, d => Assert.Equal(_store.File, d.File));
        Assert.All(result.Diagnostics, d => Assert.DoesNotContain(good.Hash["sha256:".Length..], d.Message));
    }

    [Fact]
    public void Load_BadJson_OneDiagnosticAtTheError()
    {
        _store.WriteRaw("{\n  \"version\": 1,\n  \"keys\": [ { \"id\": } ]\n}\n");

        var result = Load();

        var d = Assert.Single(result.Diagnostics);
        Assert.Equal(3, d.Line);
        Assert.Equal(21, d.Column);
        Assert.StartsWith("API key store is not valid JSON", d.Message);
    }

    [Theory]
    [InlineData("comment", "{\n  // a comment\n  \"version\": 1, \"keys\": []\n}", 2)]
    [InlineData("trailing comma", "{\n  \"version\": 1,\n  \"keys\": [],\n}", 4)]
    public void Load_LenientJson_RefusedAsNotStrict(string name, string text, int line)
    {
        _ = name;
        _store.WriteRaw(text);

        var result = Load();

        var d = Assert.Single(result.Diagnostics);
        Assert.Equal(line, d.Line);
        Assert.Contains("not strict JSON", d.Message);
    }

    [Theory]
    [InlineData("not an object", "[]", "must be a JSON object")]
    [InlineData("no version", """{ "keys": [] }""", "needs \"version\": 1")]
    [InlineData("no keys", """{ "version": 1 }""", "needs \"keys\"")]
    [InlineData("version 2", """{ "version": 2, "keys": [] }""", "unsupported store version")]
    [InlineData("version as text", """{ "version": "1", "keys": [] }""", "unsupported store version")]
    [InlineData("keys not an array", """{ "version": 1, "keys": {} }""", "'keys' must be an array")]
    [InlineData("entry not an object", """{ "version": 1, "keys": [ "gk" ] }""", "must be an object")]
    public void Load_BadShape_Refused(string name, string text, string message)
    {
        _ = name;
        _store.WriteRaw(text);

        var result = Load();

        Assert.True(result.HasErrors);
        Find(result, message);
    }

    [Fact]
    public void Load_EntryWithoutRoutes_RefusedNamingTheBlastRadius()
    {
        var key = ApiKeyGenerator.Generate();
        _store.WriteRaw($$"""
            {"version": 1, "keys": [
              {"id": "{{key.Id}}", "hash": "{{key.Hash}}", "owner": "billing",
               "created": "2026-11-26T10:00:00Z", "expires": "2027-01-01T00:00:00Z"}
            ]}
            """);

        var result = Load();

        AssertAt(result, "has no 'routes'", 2, 3);
        Assert.Contains("blast radius", Find(result, "has no 'routes'").Message);
    }

    [Fact]
    public void Load_MissingRequiredFields_EachNamed()
    {
        _store.WriteRaw("""{"version": 1, "keys": [ {} ]}""");

        var result = Load();

        foreach (var field in new[] { "id", "hash", "owner", "created", "expires" })
        {
            Find(result, $"has no '{field}'");
        }

        Find(result, "has no 'routes'");
    }

    [Fact]
    public void Load_RawKeyInHashField_RefusedWithoutRepeatingIt()
    {
        var key = ApiKeyGenerator.Generate();
        _store.WriteRaw($$"""
            {"version": 1, "keys": [
              {"id": "{{key.Id}}", "hash": "{{key.Key}}", "owner": "billing", "routes": ["payments"],
               "created": "2026-11-26T10:00:00Z", "expires": "2027-01-01T00:00:00Z"}
            ]}
            """);

        var result = Load();

        var d = Find(result, "holds an API key, not its hash");
        Assert.DoesNotContain(key.Key, d.ToString());
        Assert.DoesNotContain(key.Key[16..], string.Join("\n", result.Diagnostics));
    }

    [Fact]
    public void Load_ControlCharactersInFieldName_NotEchoed()
    {
        _store.WriteRaw("""{"version": 1, "keys": [], "evil\nline": 1}""");

        var result = Load();

        var d = Find(result, "unknown field");
        Assert.DoesNotContain("\n", d.Message);
        Assert.Contains("'evil?line'", d.Message);
    }

    [Fact]
    public void Load_RouteNotInConfig_WarningOnly()
    {
        _store.Add(routes: ["payments", "paymnets"]);
        _store.Write();

        var result = Load(new ApiKeyLoadSettings(new HashSet<string> { "payments" }, null));

        Assert.False(result.HasErrors);
        Assert.NotNull(result.Snapshot);
        var d = Find(result, "route 'paymnets' is not in the config");
        Assert.True(d.IsWarning);
    }

    [Fact]
    public void Load_LifetimeBeyondMaxLifetime_WarningOnly()
    {
        _store.Add(expires: ApiKeyTestStore.Created.AddDays(400));
        _store.Write();

        var result = Load(new ApiKeyLoadSettings(null, TimeSpan.FromDays(90)));

        Assert.NotNull(result.Snapshot);
        Assert.True(Find(result, "longer than Gateway.ApiKeys.MaxLifetime").IsWarning);
    }

    [Fact]
    public void Load_RevokedTime_Read()
    {
        var revoked = ApiKeyTestStore.Created.AddDays(3);
        var key = _store.Add(revoked: revoked);
        _store.Write();

        var entry = Load().Snapshot!.ById[key.Id];

        Assert.Equal(revoked, entry.Revoked);
        Assert.Equal(ApiKeyStatus.Revoked, entry.StatusAt(ApiKeyTestStore.Created.AddDays(1)));
    }

    [Fact]
    public void Load_MissingFile_Error()
    {
        var result = Load();

        Assert.True(result.HasErrors);
        Assert.Contains("not found", Assert.Single(result.Diagnostics).Message);
    }

    [Fact]
    public void Load_GroupWritableFile_Warning()
    {
        if (OperatingSystem.IsWindows())
        {
            return;
        }

        _store.Add();
        _store.Write();
        File.SetUnixFileMode(_store.File, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.GroupWrite);

        var result = Load();

        Assert.NotNull(result.Snapshot);
        Assert.True(Find(result, "writable by group or others").IsWarning);
    }

    [Fact]
    public void Load_FolderWritableByOthers_Warning()
    {
        if (OperatingSystem.IsWindows())
        {
            return;
        }

        var dir = Directory.CreateDirectory(Path.Combine(_store.Dir, "shared")).FullName;
        File.SetUnixFileMode(dir, (UnixFileMode)Convert.ToInt32("777", 8));
        var file = Path.Combine(dir, "apikeys.json");
        File.WriteAllText(file, """{ "version": 1, "keys": [] }""");

        var result = ApiKeyStoreLoader.Load(file, ApiKeyLoadSettings.None);

        Assert.NotNull(result.Snapshot);
        Assert.True(Find(result, "folder is writable by group or others").IsWarning);
    }

    [Fact]
    public void Load_PreviousSnapshot_UsageKeptPerId()
    {
        var key = _store.Add();
        _store.Write();
        var first = Load().Snapshot!;
        first.ById[key.Id].Usage.MarkUsed(ApiKeyTestStore.Created.AddDays(1));

        var second = ApiKeyStoreLoader.Load(_store.File, ApiKeyLoadSettings.None, first, revision: 2).Snapshot!;

        Assert.Same(first.ById[key.Id].Usage, second.ById[key.Id].Usage);
        Assert.Equal(2, second.Revision);
    }
}

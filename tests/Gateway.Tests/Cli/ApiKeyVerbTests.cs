using System.Text.Json;
using Gateway.Hosting;
using Gateway.Identity;
using Gateway.Identity.ApiKeys;
using Gateway.Observability;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;

namespace Gateway.Tests.Cli;

[Collection("Console")]
public sealed class ApiKeyVerbTests : IDisposable
{
    private readonly ApiKeyCliFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    private Task<(int Exit, string Out, string Err)> Run(params string[] args)
        => CliRun.RunAsync(["apikey", .. args, "--config", _folder.ConfigFile]);

    private static (int Exit, string Out, string Err) RunAt(TimeProvider time, params string[] args)
    {
        var output = new StringWriter();
        var error = new StringWriter();
        var exit = ApiKeyVerbs.Run(args, output, error, time);
        return (exit, output.ToString(), error.ToString());
    }

    private async Task<string> CreateAsync(params string[] extra)
    {
        var (exit, output, error) = await Run(["create", "--owner", "spiffe://example.org/legacy/billing", "--expires", "30d", "--routes", "payments", .. extra]);
        Assert.True(exit == 0, error);
        return output.Trim();
    }

    [Fact]
    public async Task CreateListRevoke_RoundTrip()
    {
        var (exit, output, error) = await Run("create", "--owner", "spiffe://example.org/legacy/billing", "--expires", "30d",
            "--routes", "payments,invoices", "--roles", "billing-reader");

        Assert.Equal(0, exit);
        var key = output.Trim();
        Assert.Single(output.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.True(ApiKeyFormat.IsWellFormed(key), output);
        var id = ApiKeyFormat.IdOf(key).ToString();
        Assert.Single(error.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.Contains("cannot be shown again", error);
        Assert.Contains(id, error);
        Assert.DoesNotContain(key, error);

        var stored = File.ReadAllText(_folder.StoreFile);
        Assert.DoesNotContain(key, stored);
        Assert.DoesNotContain(key[16..], stored);
        var snapshot = ApiKeyStoreLoader.Load(_folder.StoreFile, ApiKeyLoadSettings.None).Snapshot!;
        var entry = Assert.Single(snapshot.Entries);
        Assert.Equal(id, entry.Id);
        Assert.Equal(["payments", "invoices"], entry.Routes);
        Assert.Equal(["billing-reader"], entry.Roles);
        Assert.Equal(TimeSpan.FromDays(30), entry.Expires - entry.Created);
        Assert.Contains(ApiKeyHash.ForKey(key), stored);

        var list = await Run("list");
        Assert.Equal(0, list.Exit);
        Assert.Contains(id, list.Out);
        Assert.Contains("spiffe://example.org/legacy/billing", list.Out);
        Assert.Contains("active", list.Out);
        Assert.Contains("payments,invoices", list.Out);

        var revoke = await Run("revoke", id);
        Assert.Equal(0, revoke.Exit);
        Assert.Contains("revoked key " + id, revoke.Out);

        var json = await Run("list", "--json");
        Assert.Equal(0, json.Exit);
        using var doc = JsonDocument.Parse(json.Out);
        var item = Assert.Single(doc.RootElement.GetProperty("keys").EnumerateArray().ToList());
        Assert.Equal(id, item.GetProperty("id").GetString());
        Assert.Equal("revoked", item.GetProperty("status").GetString());
        Assert.NotEqual(JsonValueKind.Null, item.GetProperty("revoked").ValueKind);
        Assert.False(item.TryGetProperty("hash", out _));

        // The gateway side agrees: the revoked key is refused with its reason.
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        var metrics = new GatewayMetrics();
        var store = new ApiKeyStore(_folder.StoreFile, ApiKeyLoadSettings.None, metrics, NullLogger<ApiKeyStore>.Instance, time);
        var auth = new ApiKeyAuthenticator(store, metrics, NullLogger<ApiKeyAuthenticator>.Instance, time);
        Assert.Equal(AuthFailure.ApiKeyRevoked, auth.Authenticate(key, "payments").Failure);
    }

    [Fact]
    public async Task Create_Twice_BothKeysWork()
    {
        var first = await CreateAsync();
        var second = await CreateAsync("--roles", "r1,r2");

        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        var metrics = new GatewayMetrics();
        var store = new ApiKeyStore(_folder.StoreFile, ApiKeyLoadSettings.None, metrics, NullLogger<ApiKeyStore>.Instance, time);
        var auth = new ApiKeyAuthenticator(store, metrics, NullLogger<ApiKeyAuthenticator>.Instance, time);
        Assert.Equal(2, store.Current!.Entries.Count);
        Assert.True(auth.Authenticate(first, "payments").Succeeded);
        Assert.True(auth.Authenticate(second, "payments").Succeeded);
        Assert.Equal(AuthFailure.ApiKeyRouteNotAllowed, auth.Authenticate(second, "invoices").Failure);
    }

    [Fact]
    public async Task List_NeverPrintsAHashOrAKey()
    {
        var key = await CreateAsync();
        var hash = ApiKeyHash.ForKey(key);

        foreach (var args in new[] { new[] { "list" }, ["list", "--json"] })
        {
            var (exit, output, error) = await Run(args);
            Assert.Equal(0, exit);
            foreach (var text in new[] { output, error })
            {
                Assert.DoesNotContain(key[16..], text);
                Assert.DoesNotContain(hash[7..], text);
                Assert.DoesNotContain("sha256", text);
            }
        }
    }

    [Fact]
    public async Task Create_StoreFile_OwnerOnlyPermissions()
    {
        if (OperatingSystem.IsWindows())
        {
            return;
        }

        await CreateAsync();

        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(_folder.StoreFile));
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(_folder.StoreFile + ".lock"));
        Assert.Empty(Directory.GetFiles(Path.GetDirectoryName(_folder.StoreFile)!, "*.tmp"));
    }

    [Fact]
    public async Task Revoke_LooseExistingFile_RewrittenOwnerOnly()
    {
        if (OperatingSystem.IsWindows())
        {
            return;
        }

        var id = ApiKeyFormat.IdOf(await CreateAsync()).ToString();
        File.SetUnixFileMode(_folder.StoreFile, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead);

        Assert.Equal(0, (await Run("revoke", id)).Exit);

        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(_folder.StoreFile));
    }

    [Fact]
    public async Task Create_ExpiryBeyondMaxLifetime_RefusedNothingWritten()
    {
        using var folder = new ApiKeyCliFolder(maxLifetime: "30.00:00:00");

        var (exit, output, error) = await CliRun.RunAsync("apikey", "create", "--config", folder.ConfigFile,
            "--owner", "billing", "--expires", "31d", "--routes", "payments");

        Assert.Equal(1, exit);
        Assert.Equal("", output);
        Assert.Contains("MaxLifetime allows at most 30 days", error);
        Assert.False(File.Exists(folder.StoreFile));
    }

    [Fact]
    public void Create_DefaultMaxLifetimeWithStoreOnly_NinetyDays()
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 11, 26, 10, 0, 0, TimeSpan.Zero));

        var tooLong = RunAt(time, "create", "--store", _folder.StoreFile, "--owner", "billing", "--expires", "91d", "--routes", "payments");
        var ok = RunAt(time, "create", "--store", _folder.StoreFile, "--owner", "billing", "--expires", "90d", "--routes", "payments");

        Assert.Equal(1, tooLong.Exit);
        Assert.Contains("at most 90 days", tooLong.Err);
        Assert.Equal(0, ok.Exit);
        var entry = Assert.Single(ApiKeyStoreLoader.Load(_folder.StoreFile, ApiKeyLoadSettings.None).Snapshot!.Entries);
        Assert.Equal(new DateTimeOffset(2026, 11, 26, 10, 0, 0, TimeSpan.Zero), entry.Created);
        Assert.Equal(new DateTimeOffset(2027, 2, 24, 10, 0, 0, TimeSpan.Zero), entry.Expires);
    }

    [Theory]
    [InlineData("date", "2027-01-31", "2027-01-31T00:00:00Z")]
    [InlineData("time with offset", "2027-01-31T12:30:00+01:00", "2027-01-31T11:30:00Z")]
    [InlineData("hours", "12h", "2026-11-26T22:00:00Z")]
    public void Create_ExpiryForms_Accepted(string name, string expires, string stored)
    {
        _ = name;
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 11, 26, 10, 0, 0, 400, TimeSpan.Zero));

        var (exit, _, error) = RunAt(time, "create", "--config", _folder.ConfigFile, "--owner", "billing", "--expires", expires, "--routes", "*");

        Assert.True(exit == 0, error);
        var entry = Assert.Single(ApiKeyStoreLoader.Load(_folder.StoreFile, ApiKeyLoadSettings.None).Snapshot!.Entries);
        Assert.Equal(stored, ApiKeyTimestamp.Format(entry.Expires));
        Assert.Equal("2026-11-26T10:00:00Z", ApiKeyTimestamp.Format(entry.Created));
        Assert.True(entry.AllowsEveryRoute);
    }

    [Fact]
    public async Task Create_MissingRoutes_UsageError()
    {
        var (exit, output, error) = await Run("create", "--owner", "billing", "--expires", "30d");

        Assert.Equal(2, exit);
        Assert.Equal("", output);
        Assert.Contains("create needs --routes", error);
        Assert.Contains("blast radius", error);
        Assert.False(File.Exists(_folder.StoreFile));
    }

    public static TheoryData<string, string[], string> UsageErrors => new()
    {
        { "no owner", ["--expires", "30d", "--routes", "payments"], "create needs --owner" },
        { "no expiry", ["--owner", "billing", "--routes", "payments"], "create needs --expires" },
        { "owner with a space", ["--owner", "bill ing", "--expires", "30d", "--routes", "payments"], "--owner: the owner may only hold visible ASCII" },
        { "bad spiffe owner", ["--owner", "spiffe://Example.org/", "--expires", "30d", "--routes", "payments"], "--owner: the owner starts like a SPIFFE id" },
        { "bad expiry", ["--owner", "billing", "--expires", "soon", "--routes", "payments"], "--expires 'soon'" },
        { "expiry in the past", ["--owner", "billing", "--expires", "2001-01-01", "--routes", "payments"], "is not in the future" },
        { "empty route", ["--owner", "billing", "--expires", "30d", "--routes", "payments,"], "--routes: the route is empty" },
        { "star with others", ["--owner", "billing", "--expires", "30d", "--routes", "*,payments"], "'*' (every route) cannot be combined" },
        { "route twice", ["--owner", "billing", "--expires", "30d", "--routes", "payments,payments"], "listed twice" },
        { "unknown option", ["--owner", "billing", "--expires", "30d", "--routes", "payments", "--admin", "yes"], "unknown option --admin" },
    };

    [Theory]
    [MemberData(nameof(UsageErrors))]
    public async Task Create_BadArguments_UsageError(string name, string[] args, string message)
    {
        _ = name;
        var (exit, output, error) = await Run(["create", .. args]);

        Assert.Equal(2, exit);
        Assert.Equal("", output);
        Assert.Contains(message, error);
        Assert.False(File.Exists(_folder.StoreFile));
    }

    [Fact]
    public async Task Create_RouteNotInConfig_Refused()
    {
        var (exit, output, error) = await Run("create", "--owner", "billing", "--expires", "30d", "--routes", "payments,admin");

        Assert.Equal(1, exit);
        Assert.Equal("", output);
        Assert.Contains("route 'admin' is not in the config (routes: invoices, payments)", error);
    }

    [Fact]
    public async Task Create_BrokenStore_RefusedAndLeftAlone()
    {
        const string broken = """{ "version": 1, "keys": [ { "id": "x" } ] }""";
        File.WriteAllText(_folder.StoreFile, broken);

        var (exit, output, error) = await Run("create", "--owner", "billing", "--expires", "30d", "--routes", "payments");

        Assert.Equal(1, exit);
        Assert.Equal("", output);
        Assert.Contains(_folder.StoreFile + ":1:", error);
        Assert.Contains("nothing was written", error);
        Assert.Equal(broken, File.ReadAllText(_folder.StoreFile));
    }

    [Fact]
    public async Task List_KeysOffInConfig_Refused()
    {
        using var folder = new ApiKeyCliFolder(keysOn: false);

        var (exit, _, error) = await CliRun.RunAsync("apikey", "list", "--config", folder.ConfigFile);

        Assert.Equal(1, exit);
        Assert.Contains("API keys are off", error);
    }

    [Fact]
    public async Task Revoke_UnknownId_ExitOne()
    {
        await CreateAsync();

        var (exit, _, error) = await Run("revoke", "abcdefgh2345");

        Assert.Equal(1, exit);
        Assert.Contains("no key with id 'abcdefgh2345'", error);
    }

    [Fact]
    public async Task Revoke_KeyInsteadOfId_RefusedWithoutEchoingIt()
    {
        var key = await CreateAsync();

        var (exit, output, error) = await Run("revoke", key);

        Assert.Equal(2, exit);
        Assert.Contains("not the key itself", error);
        Assert.DoesNotContain(key[16..], output + error);
    }

    [Fact]
    public async Task Create_KeyPastedAsArgument_NotEchoed()
    {
        var key = ApiKeyGenerator.Generate().Key;

        var (exit, output, error) = await Run("create", key, "--owner", "billing", "--expires", "30d", "--routes", "payments");

        Assert.Equal(2, exit);
        Assert.Contains("looks like an API key, not repeated", error);
        Assert.DoesNotContain(key[16..], output + error);
    }

    [Fact]
    public async Task Revoke_Twice_KeepsTheFirstTime()
    {
        var id = ApiKeyFormat.IdOf(await CreateAsync()).ToString();
        Assert.Equal(0, (await Run("revoke", id)).Exit);
        var first = ApiKeyStoreLoader.Load(_folder.StoreFile, ApiKeyLoadSettings.None).Snapshot!.ById[id].Revoked;

        var (exit, output, _) = await Run("revoke", id);

        Assert.Equal(0, exit);
        Assert.Contains("already revoked", output);
        Assert.Equal(first, ApiKeyStoreLoader.Load(_folder.StoreFile, ApiKeyLoadSettings.None).Snapshot!.ById[id].Revoked);
    }

    [Fact]
    public async Task Revoke_NoId_UsageError()
    {
        var (exit, _, error) = await Run("revoke");

        Assert.Equal(2, exit);
        Assert.Contains("revoke needs exactly one key id", error);
    }

    [Fact]
    public void List_ExpiredKey_StatusExpired()
    {
        var start = new DateTimeOffset(2026, 11, 26, 10, 0, 0, TimeSpan.Zero);
        var time = new FakeTimeProvider(start);
        Assert.Equal(0, RunAt(time, "create", "--config", _folder.ConfigFile, "--owner", "billing", "--expires", "1d", "--routes", "payments").Exit);

        time.Advance(TimeSpan.FromDays(2));
        var (exit, output, _) = RunAt(time, "list", "--config", _folder.ConfigFile);

        Assert.Equal(0, exit);
        Assert.Contains("expired", output);
        Assert.Contains("2026-11-27T10:00:00Z", output);
    }

    [Fact]
    public async Task List_NoStoreYet_ExitOne()
    {
        var (exit, _, error) = await Run("list");

        Assert.Equal(1, exit);
        Assert.Contains("no API key store at", error);
    }

    [Fact]
    public async Task List_EmptyStore_SaysSo()
    {
        File.WriteAllText(_folder.StoreFile, """{ "version": 1, "keys": [] }""");

        var (exit, output, _) = await Run("list");

        Assert.Equal(0, exit);
        Assert.Contains("no keys in", output);
    }

    [Fact]
    public async Task Apikey_NoVerb_UsageExitTwo()
    {
        var (exit, _, error) = await CliRun.RunAsync("apikey");

        Assert.Equal(2, exit);
        Assert.Contains("usage: gateway apikey VERB", error);
    }

    [Fact]
    public async Task Apikey_Help_ExitZero()
    {
        var (exit, output, _) = await CliRun.RunAsync("apikey", "help");

        Assert.Equal(0, exit);
        Assert.Contains("create --owner OWNER", output);
    }

    [Fact]
    public async Task Apikey_UnknownVerb_ExitTwo()
    {
        var (exit, _, error) = await CliRun.RunAsync("apikey", "rotate");

        Assert.Equal(2, exit);
        Assert.Contains("unknown apikey verb 'rotate'", error);
    }

    [Fact]
    public async Task MainUsage_ListsApikeyVerb()
    {
        var (exit, output, _) = await CliRun.RunAsync("help");

        Assert.Equal(0, exit);
        Assert.Contains("apikey   create|list|revoke", output);
    }
}

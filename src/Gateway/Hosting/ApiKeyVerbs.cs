using System.Globalization;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;
using Gateway.Configuration;
using Gateway.Hosting.Policy;
using Gateway.Identity.ApiKeys;
using Microsoft.Extensions.Configuration;

namespace Gateway.Hosting;

/// <summary>
/// <c>gateway apikey create|list|revoke</c>: manage the API key store without a running gateway (a running gateway
/// reloads the store when it changes). The store holds hashes only; <c>create</c> prints the new key once.
/// Exit 0 on success, 1 when refused or failed, 2 on usage errors.
/// </summary>
internal static class ApiKeyVerbs
{
    public const string UsageText = """
        usage: gateway apikey VERB [options]   (every verb: --config FILE (default config/gateway.json) or --store FILE)
          create --owner OWNER --expires 30d|12h|2027-01-31|2027-01-31T12:00:00Z --routes ROUTE[,ROUTE...]|'*'
                 [--roles ROLE[,ROLE...]]
                                 make a key for OWNER (a SPIFFE id or a workload name), usable on the routes listed
                                 ('*' = every route); the key is printed once on stdout, only its hash is stored
          list   [--json]        ids, owners, routes, roles, created, expires and status; never keys or hashes
          revoke ID              revoke the key with this id now (the entry stays: audit and the 401 reason need it)
        The store is Gateway.ApiKeys.StoreFile of the config (relative to the config file), or --store FILE; with
        --store and no --config, the longest expiry is 90 days and route ids are not checked against a config.
        Exit codes: 0 ok, 1 refused or failed, 2 usage.
        """;

    private static readonly JsonSerializerOptions WriteOptions = new()
    {
        WriteIndented = true,
        // A file, never HTML: keep '+' of offsets and the like readable.
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    public static int Run(string[] args, TextWriter output, TextWriter error, TimeProvider? time = null)
    {
        time ??= TimeProvider.System;
        if (args.Length == 0 || args[0] is "help" or "--help" or "-h")
        {
            (args.Length == 0 ? error : output).WriteLine(UsageText);
            return args.Length == 0 ? 2 : 0;
        }

        var rest = args[1..];
        try
        {
            return args[0] switch
            {
                "create" => Create(rest, output, error, time),
                "list" => List(rest, output, error, time),
                "revoke" => Revoke(rest, output, error, time),
                _ => throw new CommandLineException($"unknown apikey verb '{ApiKeyStoreLoader.Show(args[0])}'"),
            };
        }
        catch (CommandLineException ex)
        {
            error.WriteLine("error: " + ex.Message);
            error.WriteLine(UsageText);
            return 2;
        }
    }

    private static int Create(string[] args, TextWriter output, TextWriter error, TimeProvider time)
    {
        var a = PolicyArgs.Parse(args, ["config", "store", "owner", "expires", "routes", "roles"], []);
        NoPositionals(a);
        var owner = a.Get("owner")
            ?? throw new CommandLineException("create needs --owner OWNER: the workload the key stands for (a SPIFFE id or a workload name)");
        if (ApiKeyOwner.Problem(owner) is { } ownerProblem)
        {
            throw new CommandLineException("--owner: " + ownerProblem);
        }

        var expiresText = a.Get("expires")
            ?? throw new CommandLineException("create needs --expires: a duration (30d, 12h), a date (2027-01-31) or a time (2027-01-31T12:00:00Z)");
        var routesText = a.Get("routes")
            ?? throw new CommandLineException("create needs --routes ROUTE[,ROUTE...]: the routes the key may be used on, or '*' for every route (written explicitly: it is the key's blast radius)");
        var routes = SplitNames(routesText, "routes", "route");
        if (routes.Count > 1 && routes.Contains(ApiKeyEntry.AllRoutes))
        {
            throw new CommandLineException("--routes: '*' (every route) cannot be combined with other routes");
        }

        var roles = a.Get("roles") is { } rolesText ? SplitNames(rolesText, "roles", "role") : [];
        var created = ApiKeyTimestamp.TruncateToSeconds(time.GetUtcNow());
        var expires = ParseExpiry(expiresText, created);
        if (expires <= created)
        {
            throw new CommandLineException($"--expires {ApiKeyStoreLoader.Show(expiresText)} is not in the future");
        }

        if (ResolveTarget(a, error) is not { } target)
        {
            return 1;
        }

        var max = target.Options.MaxLifetime;
        if (expires - created > max)
        {
            return Fail(error, $"refused: --expires {ApiKeyStoreLoader.Show(expiresText)} gives the key {Days(expires - created)} days; "
                + $"Gateway.ApiKeys.MaxLifetime allows at most {Days(max)} days (keys are rotated, not kept)");
        }

        if (target.RouteIds is { } known)
        {
            foreach (var r in routes)
            {
                if (r != ApiKeyEntry.AllRoutes && !known.Contains(r))
                {
                    return Fail(error, $"refused: route '{ApiKeyStoreLoader.Show(r)}' is not in the config (routes: {string.Join(", ", known.Order(StringComparer.Ordinal))})");
                }
            }
        }

        using var writeLock = Lock(target, error);
        if (writeLock is null || LoadForWrite(target, error, createIfMissing: true) is not { } store)
        {
            return 1;
        }

        GeneratedApiKey key;
        do
        {
            key = ApiKeyGenerator.Generate();
        }
        while (store.Ids.Contains(key.Id)); // 60 random bits: practically never loops

        store.Keys.Add(new JsonObject
        {
            ["id"] = key.Id,
            ["hash"] = key.Hash,
            ["owner"] = owner,
            ["routes"] = new JsonArray([.. routes.Select(r => (JsonNode)JsonValue.Create(r))]),
            ["roles"] = new JsonArray([.. roles.Select(r => (JsonNode)JsonValue.Create(r))]),
            ["created"] = ApiKeyTimestamp.Format(created),
            ["expires"] = ApiKeyTimestamp.Format(expires),
            ["revoked"] = null,
        });
        if (!Save(target, store.Document, error))
        {
            return 1;
        }

        // The file is written before the key is shown: a key that was printed always exists.
        output.WriteLine(key.Key);
        error.WriteLine($"warning: API key {key.Id} for {owner} (routes {string.Join(",", routes)}, expires {ApiKeyTimestamp.Format(expires)}) "
            + "is printed once, on standard output, and cannot be shown again: store it in a secret manager now");
        return 0;
    }

    private static int List(string[] args, TextWriter output, TextWriter error, TimeProvider time)
    {
        var a = PolicyArgs.Parse(args, ["config", "store"], ["json"]);
        NoPositionals(a);
        if (ResolveTarget(a, error) is not { } target)
        {
            return 1;
        }

        if (!File.Exists(target.StoreFile))
        {
            return Fail(error, $"no API key store at {target.StoreFile} (apikey create makes it)");
        }

        var result = ApiKeyStoreLoader.Load(target.StoreFile, target.Settings);
        foreach (var d in result.Diagnostics)
        {
            error.WriteLine(d.ToString());
        }

        if (result.HasErrors || result.Snapshot is not { } snapshot)
        {
            return Fail(error, "the API key store has errors (above); a gateway would keep its last good store");
        }

        var now = time.GetUtcNow();
        if (a.Has("json"))
        {
            using var stream = new MemoryStream();
            using (var w = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true, Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
            {
                w.WriteStartObject();
                w.WriteStartArray("keys");
                foreach (var e in snapshot.Entries)
                {
                    ApiKeyView.WriteEntry(w, e, now, usage: false);
                }

                w.WriteEndArray();
                w.WriteEndObject();
            }

            output.WriteLine(Encoding.UTF8.GetString(stream.ToArray()));
            return 0;
        }

        if (snapshot.Entries.Count == 0)
        {
            output.WriteLine($"no keys in {target.StoreFile}");
            return 0;
        }

        var rows = new List<string[]> { new[] { "ID", "OWNER", "STATUS", "EXPIRES", "CREATED", "ROUTES", "ROLES" } };
        foreach (var e in snapshot.Entries)
        {
            rows.Add(
            [
                e.Id, e.Owner, ApiKeyView.StatusCode(e.StatusAt(now)), ApiKeyTimestamp.Format(e.Expires), ApiKeyTimestamp.Format(e.Created),
                string.Join(",", e.Routes), e.Roles.Count == 0 ? "-" : string.Join(",", e.Roles),
            ]);
        }

        var widths = new int[rows[0].Length];
        foreach (var row in rows)
        {
            for (var i = 0; i < row.Length; i++)
            {
                widths[i] = Math.Max(widths[i], row[i].Length);
            }
        }

        foreach (var row in rows)
        {
            var line = new StringBuilder();
            for (var i = 0; i < row.Length; i++)
            {
                line.Append(i == row.Length - 1 ? row[i] : row[i].PadRight(widths[i] + 2));
            }

            output.WriteLine(line.ToString());
        }

        return 0;
    }

    private static int Revoke(string[] args, TextWriter output, TextWriter error, TimeProvider time)
    {
        var a = PolicyArgs.Parse(args, ["config", "store"], []);
        if (a.Positionals.Count != 1)
        {
            throw new CommandLineException("revoke needs exactly one key id: gateway apikey revoke ID (apikey list shows the ids)");
        }

        var id = a.Positionals[0];
        if (ApiKeyFormat.LooksLikeKey(id))
        {
            // Not echoed: it may be a live key, and this line may end up in a terminal log.
            throw new CommandLineException("give the key's id (apikey list shows it), not the key itself");
        }

        if (!ApiKeyFormat.IsValidId(id))
        {
            throw new CommandLineException($"'{ApiKeyStoreLoader.Show(id)}' is not a key id: {ApiKeyFormat.IdLength} characters of a-z and 2-7");
        }

        if (ResolveTarget(a, error) is not { } target)
        {
            return 1;
        }

        using var writeLock = Lock(target, error);
        if (writeLock is null || LoadForWrite(target, error, createIfMissing: false) is not { } store)
        {
            return 1;
        }

        var entry = store.Keys.OfType<JsonObject>().FirstOrDefault(k => k["id"]?.GetValue<string>() == id);
        if (entry is null)
        {
            return Fail(error, $"no key with id '{id}' in {target.StoreFile}");
        }

        var owner = entry["owner"]?.GetValue<string>();
        if (entry["revoked"] is JsonValue already)
        {
            output.WriteLine($"key {id} (owner {owner}) was already revoked at {already.GetValue<string>()}; nothing changed");
            return 0;
        }

        var now = ApiKeyTimestamp.Format(time.GetUtcNow());
        entry["revoked"] = now;
        if (!Save(target, store.Document, error))
        {
            return 1;
        }

        output.WriteLine($"revoked key {id} (owner {owner}) at {now}; a running gateway refuses it (401 api_key_revoked) once it has reloaded the store, within seconds");
        return 0;
    }

    /// <summary>Where the store is and what it is checked against.</summary>
    private sealed record Target(string StoreFile, ApiKeyOptions Options, IReadOnlySet<string>? RouteIds)
    {
        public ApiKeyLoadSettings Settings => new(RouteIds, Options.MaxLifetime);
    }

    /// <summary>The store as JSON to edit, with the ids it holds.</summary>
    private sealed record EditableStore(JsonObject Document, JsonArray Keys, HashSet<string> Ids);

    private static Target? ResolveTarget(PolicyArgs a, TextWriter error)
    {
        var storeArg = a.Get("store");
        var configArg = a.Get("config");
        var options = new ApiKeyOptions();
        IReadOnlySet<string>? routeIds = null;
        string? configDir = null;
        if (configArg is not null || storeArg is null)
        {
            var path = configArg ?? PolicyVerbs.DefaultConfig;
            var full = Path.GetFullPath(path);
            if (!File.Exists(full))
            {
                error.WriteLine($"{path}:1:1: error: config file not found (pass --config FILE, or --store FILE)");
                return null;
            }

            try
            {
                var configuration = new ConfigurationBuilder().AddJsonFile(full, optional: false, reloadOnChange: false).Build();
                configuration.GetSection(GatewayOptions.SectionName + ":ApiKeys").Bind(options);
                routeIds = configuration.GetSection("ReverseProxy:Routes").GetChildren().Select(r => r.Key).ToHashSet(StringComparer.Ordinal);
            }
            catch (Exception ex) when (ex is FormatException or InvalidDataException or InvalidOperationException or IOException)
            {
                error.WriteLine($"error: cannot read {path}: {ex.Message} (gateway validate --config {path} shows where)");
                return null;
            }

            configDir = Path.GetDirectoryName(full)!;
        }

        var storeFile = storeArg is not null ? Path.GetFullPath(storeArg) : ApiKeyStore.ResolveFile(options, configDir!);
        if (storeFile is null)
        {
            error.WriteLine($"error: API keys are off in {configArg ?? PolicyVerbs.DefaultConfig}: set Gateway.ApiKeys.StoreFile, or pass --store FILE");
            return null;
        }

        return new Target(storeFile, options, routeIds);
    }

    private static IDisposable? Lock(Target target, TextWriter error)
    {
        var dir = Path.GetDirectoryName(target.StoreFile)!;
        if (!Directory.Exists(dir))
        {
            error.WriteLine($"error: the folder of the API key store does not exist: {dir}");
            return null;
        }

        try
        {
            return ApiKeyStoreFile.AcquireLock(target.StoreFile);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            error.WriteLine($"error: cannot lock {target.StoreFile}.lock (another apikey command running?): {ex.Message}");
            return null;
        }
    }

    /// <summary>Reads the store to change it; refuses one that does not load cleanly (errors; warnings are shown).</summary>
    private static EditableStore? LoadForWrite(Target target, TextWriter error, bool createIfMissing)
    {
        if (!File.Exists(target.StoreFile))
        {
            if (!createIfMissing)
            {
                error.WriteLine($"error: no API key store at {target.StoreFile}");
                return null;
            }

            var keys = new JsonArray();
            return new EditableStore(new JsonObject { ["version"] = ApiKeyStoreLoader.Version, ["keys"] = keys }, keys, []);
        }

        byte[] bytes;
        try
        {
            bytes = File.ReadAllBytes(target.StoreFile);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            error.WriteLine($"error: cannot read {target.StoreFile}: {ex.Message}");
            return null;
        }

        var result = bytes.LongLength > ApiKeyStoreLoader.MaxFileBytes
            ? ApiKeyStoreLoader.Load(target.StoreFile, target.Settings)
            : ApiKeyStoreLoader.Parse(bytes, target.StoreFile, target.Settings);
        foreach (var d in result.Diagnostics)
        {
            error.WriteLine(d.ToString());
        }

        if (result.HasErrors || result.Snapshot is null)
        {
            error.WriteLine("error: refused: the API key store has errors (above); fix them first, nothing was written");
            return null;
        }

        var document = JsonNode.Parse(bytes)!.AsObject();
        return new EditableStore(document, document["keys"]!.AsArray(), [.. result.Snapshot.ById.Keys]);
    }

    /// <summary>Checks the new content as the gateway would load it, then writes it atomically (0600 on Unix).</summary>
    private static bool Save(Target target, JsonObject document, TextWriter error)
    {
        var bytes = Encoding.UTF8.GetBytes(document.ToJsonString(WriteOptions) + "\n");
        var check = ApiKeyStoreLoader.Parse(bytes, target.StoreFile, target.Settings);
        if (check.HasErrors)
        {
            foreach (var d in check.Diagnostics)
            {
                error.WriteLine(d.ToString());
            }

            error.WriteLine("error: refused: the new store would not load cleanly; nothing was written");
            return false;
        }

        try
        {
            ApiKeyStoreFile.WriteAtomically(target.StoreFile, bytes);
            return true;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            error.WriteLine($"error: cannot write {target.StoreFile}: {ex.Message}; nothing was changed");
            return false;
        }
    }

    private static DateTimeOffset ParseExpiry(string text, DateTimeOffset created)
    {
        if (text.Length is >= 2 and <= 7 && text[^1] is 'd' or 'h'
            && int.TryParse(text.AsSpan(0, text.Length - 1), NumberStyles.None, CultureInfo.InvariantCulture, out var n) && n > 0)
        {
            return text[^1] == 'd' ? created.AddDays(n) : created.AddHours(n);
        }

        if (DateTimeOffset.TryParseExact(text, "yyyy-MM-dd", CultureInfo.InvariantCulture,
                DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var date))
        {
            return date;
        }

        if (ApiKeyTimestamp.TryParse(text, out var time))
        {
            return ApiKeyTimestamp.TruncateToSeconds(time);
        }

        throw new CommandLineException($"--expires '{ApiKeyStoreLoader.Show(text)}': write a duration (30d, 12h), a date (2027-01-31, midnight UTC) or a time with an offset (2027-01-31T12:00:00Z)");
    }

    private static List<string> SplitNames(string text, string option, string what)
    {
        var names = new List<string>();
        foreach (var part in text.Split(','))
        {
            var name = part.Trim();
            if (ApiKeyOwner.NameProblem(name, what) is { } problem)
            {
                throw new CommandLineException($"--{option}: {problem}");
            }

            if (names.Contains(name))
            {
                throw new CommandLineException($"--{option}: '{ApiKeyStoreLoader.Show(name)}' is listed twice");
            }

            names.Add(name);
        }

        return names;
    }

    private static void NoPositionals(PolicyArgs a)
    {
        if (a.Positionals.Count > 0)
        {
            throw new CommandLineException($"unexpected argument '{ApiKeyStoreLoader.Show(a.Positionals[0])}'");
        }
    }

    private static int Fail(TextWriter error, string message)
    {
        error.WriteLine("error: " + message);
        return 1;
    }

    private static string Days(TimeSpan span) => span.TotalDays.ToString("0.##", CultureInfo.InvariantCulture);
}

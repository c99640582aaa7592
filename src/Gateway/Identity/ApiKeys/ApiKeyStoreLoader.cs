using System.Globalization;
using System.Text;
using System.Text.Json;
using Gateway.Configuration;

namespace Gateway.Identity.ApiKeys;

/// <summary>
/// Reads a key store file into an <see cref="ApiKeySnapshot"/>, reporting every problem at once with its file:line:col.
/// The format (hashes only, never keys):
/// <code>
/// {"version":1,"keys":[{"id":"...","hash":"sha256:...","owner":"spiffe://example.org/legacy/billing",
///   "routes":["payments"],"roles":["billing-reader"],"created":"2026-11-26T10:00:00Z",
///   "expires":"2027-02-24T10:00:00Z","revoked":null}]}
/// </code>
/// Strict JSON (no comments, no trailing commas, no field written twice, no unknown field): the file is machine
/// written, and a lenient reader is where two readers start to disagree about what a key may do. Messages never
/// repeat a hash value (nor a key pasted where a hash belongs).
/// </summary>
internal static class ApiKeyStoreLoader
{
    public const int Version = 1;
    /// <summary>Checked before reading: a store of a million keys is about 300 MB; 16 MB holds ~50 000.</summary>
    public const long MaxFileBytes = 16 * 1024 * 1024;
    private const int MaxDepth = 8;

    public static ApiKeyLoadResult Load(string file, ApiKeyLoadSettings settings, ApiKeySnapshot? previous = null, long revision = 1)
    {
        var full = Path.GetFullPath(file);
        var diags = new List<ConfigDiagnostic>();
        byte[] bytes;
        try
        {
            var info = new FileInfo(full);
            if (!info.Exists)
            {
                return Fail(full, "API key store file not found");
            }

            if (info.Length > MaxFileBytes)
            {
                return Fail(full, $"API key store file is larger than {MaxFileBytes} bytes");
            }

            Pipeline.FileStamps.BeforeRead(full);
            bytes = File.ReadAllBytes(full);
        }
        catch (Exception ex) when (ex is FileNotFoundException or DirectoryNotFoundException)
        {
            return Fail(full, "API key store file not found");
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return Fail(full, "API key store file cannot be read: " + ex.Message);
        }

        if (bytes.Length > MaxFileBytes)
        {
            return Fail(full, $"API key store file is larger than {MaxFileBytes} bytes");
        }

        CheckPermissions(full, diags);
        return Parse(bytes, full, settings, previous, revision, diags);
    }

    /// <summary>Checks store content (for example, before <c>apikey create</c> writes it).</summary>
    public static ApiKeyLoadResult Parse(byte[] utf8, string file, ApiKeyLoadSettings settings, ApiKeySnapshot? previous = null,
        long revision = 1, List<ConfigDiagnostic>? diagnostics = null)
    {
        var diags = diagnostics ?? [];
        var locator = JsonLocator.Parse(utf8, out var syntax, file);
        if (syntax is not null)
        {
            const string generic = "config is not valid JSON: ";
            var reason = syntax.Message.StartsWith(generic, StringComparison.Ordinal) ? syntax.Message[generic.Length..] : syntax.Message;
            diags.Add(syntax with { Message = "API key store is not valid JSON: " + reason });
            return new ApiKeyLoadResult(null, diags);
        }

        var body = utf8.AsMemory();
        if (body.Span.StartsWith((ReadOnlySpan<byte>)[0xEF, 0xBB, 0xBF]))
        {
            body = body[3..];
        }

        JsonDocument doc;
        try
        {
            doc = JsonDocument.Parse(body, new JsonDocumentOptions
            {
                CommentHandling = JsonCommentHandling.Disallow,
                AllowTrailingCommas = false,
                MaxDepth = MaxDepth,
            });
        }
        catch (JsonException ex)
        {
            var (line, column) = Position(body.Span, ex);
            diags.Add(new ConfigDiagnostic(file, line, column,
                "API key store is not strict JSON (comments, trailing commas and deep nesting are refused): " + FirstSentence(ex.Message)));
            return new ApiKeyLoadResult(null, diags);
        }

        using (doc)
        {
            var reader = new Reader(file, locator, diags, settings);
            var parsed = reader.Read(doc.RootElement);
            if (reader.Errors > 0)
            {
                return new ApiKeyLoadResult(null, diags);
            }

            var entries = new List<ApiKeyEntry>(parsed.Count);
            foreach (var p in parsed)
            {
                var usage = previous is not null && previous.ById.TryGetValue(p.Id, out var old) ? old.Usage : new ApiKeyUsage();
                entries.Add(new ApiKeyEntry(p.Id, p.Hash, p.Owner, p.Routes, p.Roles, p.Created, p.Expires, p.Revoked, usage));
            }

            return new ApiKeyLoadResult(new ApiKeySnapshot(entries, revision, file), diags);
        }
    }

    /// <summary>A user-written string for a message: at most 64 characters, anything but visible ASCII as '?', so a
    /// message (and the log line it becomes) cannot be split or spoofed by the file's content; a value that looks like
    /// an API key is not repeated at all.</summary>
    internal static string Show(string value)
    {
        if (value.Contains(ApiKeyFormat.Prefix, StringComparison.Ordinal) && value.Length > ApiKeyFormat.IdLength + 4)
        {
            return "(a value that looks like an API key, not repeated)";
        }

        var sb = new StringBuilder(Math.Min(value.Length, 64) + 3);
        for (var i = 0; i < value.Length && i < 64; i++)
        {
            var c = value[i];
            sb.Append(c is >= ' ' and <= '~' ? c : '?');
        }

        return value.Length > 64 ? sb.Append("...").ToString() : sb.ToString();
    }

    private static ApiKeyLoadResult Fail(string file, string message)
        => new(null, [new ConfigDiagnostic(file, 1, 1, message)]);

    private static void CheckPermissions(string file, List<ConfigDiagnostic> diags)
    {
        if (OperatingSystem.IsWindows())
        {
            return;
        }

        try
        {
            var mode = File.GetUnixFileMode(file);
            if ((mode & (UnixFileMode.GroupWrite | UnixFileMode.OtherWrite)) != 0)
            {
                diags.Add(new ConfigDiagnostic(file, 1, 1,
                    $"the API key store is writable by group or others (mode {Octal(mode)}): whoever can write it can add keys; make it 0600 (apikey create and revoke write it so)",
                    IsWarning: true));
            }

            var dir = Path.GetDirectoryName(file)!;
            var dirMode = File.GetUnixFileMode(dir);
            if ((dirMode & (UnixFileMode.GroupWrite | UnixFileMode.OtherWrite)) != 0 && (dirMode & UnixFileMode.StickyBit) == 0)
            {
                diags.Add(new ConfigDiagnostic(file, 1, 1,
                    $"the API key store's folder is writable by group or others (mode {Octal(dirMode)}): whoever can write it can replace the store",
                    IsWarning: true));
            }
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            // The read above succeeded; a failed mode check is not worth refusing the store for.
        }
    }

    private static string Octal(UnixFileMode mode) => Convert.ToString((int)mode, 8).PadLeft(4, '0');

    private static (int Line, int Column) Position(ReadOnlySpan<byte> utf8, JsonException ex)
    {
        var line = (int)(ex.LineNumber ?? 0);
        var bytesInLine = (int)(ex.BytePositionInLine ?? 0);
        var start = 0;
        for (var l = 0; l < line && start < utf8.Length; l++)
        {
            var nl = utf8[start..].IndexOf((byte)'\n');
            if (nl < 0)
            {
                break;
            }

            start += nl + 1;
        }

        var length = Math.Clamp(bytesInLine, 0, utf8.Length - start);
        return (line + 1, Encoding.UTF8.GetCharCount(utf8.Slice(start, length)) + 1);
    }

    private static string FirstSentence(string message)
    {
        var cut = message.IndexOf(" LineNumber:", StringComparison.Ordinal);
        return (cut > 0 ? message[..cut] : message).TrimEnd();
    }

    private sealed record ParsedKey(string Id, byte[] Hash, string Owner, List<string> Routes, List<string> Roles,
        DateTimeOffset Created, DateTimeOffset Expires, DateTimeOffset? Revoked);

    /// <summary>One pass over the document, collecting every problem.</summary>
    private sealed class Reader(string file, JsonLocator locator, List<ConfigDiagnostic> diags, ApiKeyLoadSettings settings)
    {
        private readonly Dictionary<string, int> _idLines = new(StringComparer.Ordinal);
        private readonly Dictionary<string, string> _hashIds = new(StringComparer.Ordinal);

        public int Errors { get; private set; }

        public List<ParsedKey> Read(JsonElement root)
        {
            var result = new List<ParsedKey>();
            if (root.ValueKind != JsonValueKind.Object)
            {
                Error("", "the key store must be a JSON object: {\"version\": 1, \"keys\": [...]}");
                return result;
            }

            var seen = new HashSet<string>(StringComparer.Ordinal);
            JsonElement? keys = null;
            foreach (var p in root.EnumerateObject())
            {
                if (!seen.Add(p.Name))
                {
                    Error(p.Name, $"'{Show(p.Name)}' is written twice");
                    continue;
                }

                switch (p.Name)
                {
                    case "version":
                        if (p.Value.ValueKind != JsonValueKind.Number || !p.Value.TryGetInt32(out var v) || v != Version)
                        {
                            Error("version", $"unsupported store version: this gateway reads \"version\": {Version}");
                        }

                        break;
                    case "keys":
                        if (p.Value.ValueKind != JsonValueKind.Array)
                        {
                            Error("keys", "'keys' must be an array of key entries");
                        }
                        else
                        {
                            keys = p.Value;
                        }

                        break;
                    default:
                        Error(p.Name, $"unknown field '{Show(p.Name)}': the store has only 'version' and 'keys'");
                        break;
                }
            }

            if (!seen.Contains("version"))
            {
                Error("", $"the store needs \"version\": {Version}");
            }

            if (!seen.Contains("keys"))
            {
                Error("", "the store needs \"keys\": [...] (an empty list is fine)");
            }

            if (keys is { } array)
            {
                var i = 0;
                foreach (var element in array.EnumerateArray())
                {
                    if (ReadKey(element, "keys:" + i.ToString(CultureInfo.InvariantCulture)) is { } key)
                    {
                        result.Add(key);
                    }

                    i++;
                }
            }

            return result;
        }

        private ParsedKey? ReadKey(JsonElement e, string path)
        {
            if (e.ValueKind != JsonValueKind.Object)
            {
                Error(path, "each key entry must be an object with id, hash, owner, routes, created and expires");
                return null;
            }

            var errorsBefore = Errors;
            var seen = new HashSet<string>(StringComparer.Ordinal);
            string? id = null, owner = null;
            byte[]? hash = null;
            List<string>? routes = null;
            var roles = new List<string>();
            DateTimeOffset? created = null, expires = null, revoked = null;
            foreach (var p in e.EnumerateObject())
            {
                var at = path + ":" + p.Name;
                if (!seen.Add(p.Name))
                {
                    Error(at, $"'{Show(p.Name)}' is written twice in this key entry");
                    continue;
                }

                switch (p.Name)
                {
                    case "id":
                        id = String(p.Value, at, "id");
                        if (id is not null && !ApiKeyFormat.IsValidId(id))
                        {
                            Error(at, ApiKeyFormat.LooksLikeKey(id)
                                ? "'id' holds a whole API key: a store must never hold keys; revoke this key and create a new one"
                                : $"'id' must be {ApiKeyFormat.IdLength} characters of a-z and 2-7 (the id part of the key)");
                            id = null;
                        }

                        break;
                    case "hash":
                        hash = ReadHash(p.Value, at);
                        break;
                    case "owner":
                        owner = String(p.Value, at, "owner");
                        if (owner is not null && ApiKeyOwner.Problem(owner) is { } problem)
                        {
                            Error(at, problem);
                            owner = null;
                        }

                        break;
                    case "routes":
                        routes = Names(p.Value, at, "route");
                        break;
                    case "roles":
                        roles = Names(p.Value, at, "role") ?? roles;
                        break;
                    case "created":
                        created = Time(p.Value, at, "created", nullable: false);
                        break;
                    case "expires":
                        expires = Time(p.Value, at, "expires", nullable: false);
                        break;
                    case "revoked":
                        revoked = Time(p.Value, at, "revoked", nullable: true);
                        break;
                    default:
                        Error(at, $"unknown field '{Show(p.Name)}': a key entry has id, hash, owner, routes, roles, created, expires and revoked");
                        break;
                }
            }

            foreach (var required in (ReadOnlySpan<string>)["id", "hash", "owner", "routes", "created", "expires"])
            {
                if (!seen.Contains(required))
                {
                    Error(path, required == "routes"
                        ? "the key entry has no 'routes': list the route ids it may be used on, or [\"*\"] for every route (written explicitly: it is the key's blast radius)"
                        : $"the key entry has no '{required}'");
                }
            }

            if (routes is not null)
            {
                CheckRoutes(routes, path + ":routes");
            }

            if (created is { } c && expires is { } x)
            {
                if (x <= c)
                {
                    Error(path + ":expires", "'expires' must be after 'created'");
                }
                else if (settings.MaxLifetime is { } max && x - c > max)
                {
                    Warn(path + ":expires", $"the key lives {Days(x - c)} days, longer than Gateway.ApiKeys.MaxLifetime ({Days(max)} days); apikey create would refuse it");
                }
            }

            if (id is not null)
            {
                var (line, _) = locator.Find(path + ":id");
                if (!_idLines.TryAdd(id, line))
                {
                    Error(path + ":id", $"id '{id}' is used by another key entry (line {_idLines[id]})");
                }
            }

            if (hash is not null && id is not null)
            {
                var text = Convert.ToBase64String(hash);
                if (!_hashIds.TryAdd(text, id))
                {
                    Error(path + ":hash", $"the same hash as key '{_hashIds[text]}': one key cannot have two entries");
                }
            }

            if (Errors > errorsBefore || id is null || hash is null || owner is null || routes is null || created is null || expires is null)
            {
                return null;
            }

            return new ParsedKey(id, hash, owner, routes, roles, created.Value, expires.Value, revoked);
        }

        private void CheckRoutes(List<string> routes, string at)
        {
            if (routes.Count == 0)
            {
                Error(at, "'routes' is empty: list the route ids the key may be used on, or [\"*\"] for every route");
                return;
            }

            if (routes.Count > 1 && routes.Contains(ApiKeyEntry.AllRoutes))
            {
                Error(at, "'*' (every route) must be the only entry of 'routes'");
                return;
            }

            if (settings.KnownRouteIds is { } known)
            {
                for (var i = 0; i < routes.Count; i++)
                {
                    if (routes[i] != ApiKeyEntry.AllRoutes && !known.Contains(routes[i]))
                    {
                        Warn(at + ":" + i.ToString(CultureInfo.InvariantCulture),
                            $"route '{Show(routes[i])}' is not in the config: the key cannot be used on it");
                    }
                }
            }
        }

        private byte[]? ReadHash(JsonElement value, string at)
        {
            var text = String(value, at, "hash");
            if (text is null)
            {
                return null;
            }

            if (ApiKeyHash.TryParse(text, out var hash))
            {
                return hash;
            }

            Error(at, ApiKeyFormat.LooksLikeKey(text)
                ? "'hash' holds an API key, not its hash: a store must never hold keys; revoke this key and create a new one"
                : "'hash' must be 'sha256:' followed by the 43-character base64url SHA-256 of the key");
            return null;
        }

        private string? String(JsonElement value, string at, string name)
        {
            if (value.ValueKind != JsonValueKind.String)
            {
                Error(at, $"'{name}' must be a string");
                return null;
            }

            return value.GetString();
        }

        private List<string>? Names(JsonElement value, string at, string what)
        {
            if (value.ValueKind != JsonValueKind.Array)
            {
                Error(at, $"'{what}s' must be an array of strings");
                return null;
            }

            var names = new List<string>();
            var i = 0;
            foreach (var item in value.EnumerateArray())
            {
                var itemAt = at + ":" + i.ToString(CultureInfo.InvariantCulture);
                i++;
                if (item.ValueKind != JsonValueKind.String)
                {
                    Error(itemAt, $"each {what} must be a string");
                    continue;
                }

                var name = item.GetString()!;
                if (ApiKeyOwner.NameProblem(name, what) is { } problem)
                {
                    Error(itemAt, problem);
                }
                else if (names.Contains(name))
                {
                    Error(itemAt, $"{what} '{name}' is listed twice");
                }
                else
                {
                    names.Add(name);
                }
            }

            return names;
        }

        private DateTimeOffset? Time(JsonElement value, string at, string name, bool nullable)
        {
            if (nullable && value.ValueKind == JsonValueKind.Null)
            {
                return null;
            }

            if (value.ValueKind != JsonValueKind.String || !ApiKeyTimestamp.TryParse(value.GetString(), out var time))
            {
                Error(at, $"'{name}' must be {(nullable ? "null or " : "")}an ISO 8601 time with an offset, e.g. 2027-02-24T10:00:00Z");
                return null;
            }

            return time;
        }

        private static string Days(TimeSpan span) => span.TotalDays.ToString("0.##", CultureInfo.InvariantCulture);

        private void Error(string path, string message)
        {
            Errors++;
            var (line, column) = locator.Find(path);
            diags.Add(new ConfigDiagnostic(file, line, column, message));
        }

        private void Warn(string path, string message)
        {
            var (line, column) = locator.Find(path);
            diags.Add(new ConfigDiagnostic(file, line, column, message, IsWarning: true));
        }
    }
}

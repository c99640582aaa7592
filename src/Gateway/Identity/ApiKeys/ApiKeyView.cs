using System.Buffers;
using System.Text.Json;
using Microsoft.AspNetCore.Http;

namespace Gateway.Identity.ApiKeys;

/// <summary>
/// What may be shown about keys — id, owner, routes, roles, times, status, last use — as JSON, for the admin listener's
/// <c>GET /apikeys</c> and <c>gateway apikey list --json</c>. Never a hash, never a key.
/// </summary>
internal static class ApiKeyView
{
    public static string StatusCode(ApiKeyStatus status) => status switch
    {
        ApiKeyStatus.Active => "active",
        ApiKeyStatus.Expired => "expired",
        _ => "revoked",
    };

    public static void WriteEntry(Utf8JsonWriter w, ApiKeyEntry e, DateTimeOffset now, bool usage)
    {
        w.WriteStartObject();
        w.WriteString("id", e.Id);
        w.WriteString("owner", e.Owner);
        WriteArray(w, "routes", e.Routes);
        WriteArray(w, "roles", e.Roles);
        w.WriteString("created", ApiKeyTimestamp.Format(e.Created));
        w.WriteString("expires", ApiKeyTimestamp.Format(e.Expires));
        WriteTime(w, "revoked", e.Revoked);
        w.WriteString("status", StatusCode(e.StatusAt(now)));
        if (usage)
        {
            WriteTime(w, "last_used", e.Usage.LastUsed);
            WriteTime(w, "last_refused", e.Usage.LastRefused);
        }

        w.WriteEndObject();
    }

    /// <summary>The admin view: <c>{"enabled":..,"revision":..,"keys":[..]}</c>; <c>enabled</c> false when keys are
    /// off, <c>loaded</c> false when the store is on but no good file was ever loaded.</summary>
    public static byte[] AdminDocument(ApiKeyStore? store)
    {
        var buffer = new ArrayBufferWriter<byte>();
        using (var w = new Utf8JsonWriter(buffer, new JsonWriterOptions { Indented = true }))
        {
            var snapshot = store?.Current;
            w.WriteStartObject();
            w.WriteBoolean("enabled", store?.Enabled == true);
            w.WriteBoolean("loaded", snapshot is not null);
            w.WriteNumber("revision", snapshot?.Revision ?? 0);
            w.WriteStartArray("keys");
            if (snapshot is not null)
            {
                var now = store!.Time.GetUtcNow();
                foreach (var e in snapshot.Entries)
                {
                    WriteEntry(w, e, now, usage: true);
                }
            }

            w.WriteEndArray();
            w.WriteEndObject();
        }

        return buffer.WrittenSpan.ToArray();
    }

    public static async Task WriteAdminAsync(HttpContext context, ApiKeyStore? store)
    {
        var body = AdminDocument(store);
        context.Response.StatusCode = StatusCodes.Status200OK;
        context.Response.ContentType = "application/json";
        context.Response.Headers.CacheControl = "no-store";
        await context.Response.Body.WriteAsync(body, context.RequestAborted).ConfigureAwait(false);
    }

    private static void WriteArray(Utf8JsonWriter w, string name, IReadOnlyList<string> values)
    {
        w.WriteStartArray(name);
        foreach (var v in values)
        {
            w.WriteStringValue(v);
        }

        w.WriteEndArray();
    }

    private static void WriteTime(Utf8JsonWriter w, string name, DateTimeOffset? value)
    {
        if (value is { } t)
        {
            w.WriteString(name, ApiKeyTimestamp.Format(t));
        }
        else
        {
            w.WriteNull(name);
        }
    }
}

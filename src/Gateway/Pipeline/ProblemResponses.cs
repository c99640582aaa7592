using System.Text.Json;
using Microsoft.AspNetCore.Http;

namespace Gateway.Pipeline;

/// <summary>RFC 9457 <c>application/problem+json</c> bodies with a stable machine-readable <c>reason</c>.</summary>
internal static class ProblemResponses
{
    public const string TypePrefix = "urn:zt-gateway:problem:";

    public static Task WriteAsync(HttpContext context, int status, string reason, string title, string? detail = null, string? ruleId = null)
    {
        var response = context.Response;
        if (response.HasStarted)
        {
            context.Abort();
            return Task.CompletedTask;
        }

        response.StatusCode = status;
        response.ContentType = "application/problem+json";
        response.Headers.CacheControl = "no-store";
        var buffer = new System.Buffers.ArrayBufferWriter<byte>(256);
        using (var w = new Utf8JsonWriter(buffer))
        {
            w.WriteStartObject();
            w.WriteString("type", TypePrefix + reason);
            w.WriteString("title", title);
            w.WriteNumber("status", status);
            if (detail is not null)
            {
                w.WriteString("detail", detail);
            }

            w.WriteString("reason", reason);
            if (ruleId is not null)
            {
                w.WriteString("rule", ruleId);
            }

            w.WriteString("requestId", context.TraceIdentifier);
            w.WriteEndObject();
        }

        response.ContentLength = buffer.WrittenCount;
        return response.Body.WriteAsync(buffer.WrittenMemory).AsTask();
    }
}

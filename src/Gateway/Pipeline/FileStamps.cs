using System.Collections.Concurrent;

namespace Gateway.Pipeline;

/// <summary>
/// What a watched file looked like (last write time, length) just before the gateway last read it. The config, policy,
/// trust bundle, API key and certificate loaders record it before each read; a <see cref="FileChangeWatcher"/> starts
/// from it. So a file changed after it was read at start (while the host was still being built, or while an earlier
/// service waited for an issuer's keys) is seen as changed and reloaded, not taken for what is serving. Taking the
/// stamp before the read errs the safe way: a write between stamp and read is read now and reloaded once more.
/// </summary>
internal static class FileStamps
{
    private static readonly ConcurrentDictionary<string, (DateTime, long)> LastRead = new(StringComparer.Ordinal);

    /// <summary>The file's stamp now: last write time and length, or (MinValue, -1) when it is not there.</summary>
    public static (DateTime, long) Of(string path)
    {
        try
        {
            var info = new FileInfo(path);
            return info.Exists ? (info.LastWriteTimeUtc, info.Length) : (DateTime.MinValue, -1);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or ArgumentException or NotSupportedException)
        {
            return (DateTime.MinValue, -1);
        }
    }

    /// <summary>Call right before reading a file whose content the running gateway will serve from.</summary>
    public static void BeforeRead(string path)
    {
        if (Full(path) is { } full)
        {
            LastRead[full] = Of(full);
        }
    }

    /// <summary><see cref="BeforeRead(string)"/> for each of a set of files read together (the policy files).</summary>
    public static void BeforeRead(IEnumerable<string> paths)
    {
        foreach (var path in paths)
        {
            BeforeRead(path);
        }
    }

    /// <summary>The stamp recorded before the file's last read, or its stamp now if it was never read.</summary>
    public static (DateTime, long) AtLastRead(string path)
        => Full(path) is { } full && LastRead.TryGetValue(full, out var stamp) ? stamp : Of(path);

    private static string? Full(string path)
    {
        try
        {
            return Path.GetFullPath(path);
        }
        catch (Exception ex) when (ex is ArgumentException or NotSupportedException or PathTooLongException)
        {
            return null;
        }
    }
}

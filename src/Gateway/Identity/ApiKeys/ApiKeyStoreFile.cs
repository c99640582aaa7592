using System.Security.Cryptography;

namespace Gateway.Identity.ApiKeys;

/// <summary>
/// Writing the store safely: one writer at a time (an exclusive lock on <c>STORE.lock</c> beside it, so two
/// <c>apikey create</c> never lose each other's key), and atomically (a temp file in the same folder, flushed to disk,
/// then renamed over the store, so the gateway never reads a half-written file). On Unix the file is created owner
/// read/write only (0600).
/// </summary>
internal static class ApiKeyStoreFile
{
    private static readonly TimeSpan LockTimeout = TimeSpan.FromSeconds(10);

    public static UnixFileMode OwnerOnly => UnixFileMode.UserRead | UnixFileMode.UserWrite;

    /// <summary>Waits (up to 10 s) for the store's write lock; dispose to release. Throws <see cref="IOException"/>
    /// when another writer holds it longer.</summary>
    public static IDisposable AcquireLock(string storeFile)
    {
        var lockFile = storeFile + ".lock";
        var start = System.Diagnostics.Stopwatch.GetTimestamp();
        while (true)
        {
            try
            {
                return new FileStream(lockFile, OwnerOnlyOptions(FileMode.OpenOrCreate, FileAccess.ReadWrite));
            }
            catch (IOException) when (System.Diagnostics.Stopwatch.GetElapsedTime(start) < LockTimeout && File.Exists(lockFile))
            {
                Thread.Sleep(50);
            }
        }
    }

    public static void WriteAtomically(string storeFile, ReadOnlySpan<byte> content)
    {
        var full = Path.GetFullPath(storeFile);
        var dir = Path.GetDirectoryName(full)!;
        var temp = Path.Combine(dir, "." + Path.GetFileName(full) + "." + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(6)) + ".tmp");
        try
        {
            using (var stream = new FileStream(temp, OwnerOnlyOptions(FileMode.CreateNew, FileAccess.Write)))
            {
                if (!OperatingSystem.IsWindows())
                {
                    // The create mode is filtered by the umask; set it exactly.
                    File.SetUnixFileMode(stream.SafeFileHandle, OwnerOnly);
                }

                stream.Write(content);
                stream.Flush(flushToDisk: true);
            }

            File.Move(temp, full, overwrite: true);
        }
        finally
        {
            if (File.Exists(temp))
            {
                File.Delete(temp);
            }
        }
    }

    private static FileStreamOptions OwnerOnlyOptions(FileMode mode, FileAccess access)
    {
        var options = new FileStreamOptions { Mode = mode, Access = access, Share = FileShare.None };
        if (!OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = OwnerOnly;
        }

        return options;
    }
}

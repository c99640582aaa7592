using Microsoft.Extensions.Hosting;

namespace Gateway.Pipeline;

/// <summary>Watches the policy files and reloads them after changes settle (debounced, so an editor's several writes
/// make one reload). Polls as well, every few seconds, because file watching is not reliable on every file system.</summary>
internal sealed class PolicyFileWatcher(PolicyStore store) : BackgroundService
{
    private static readonly TimeSpan Debounce = TimeSpan.FromMilliseconds(300);
    private static readonly TimeSpan Poll = TimeSpan.FromSeconds(5);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var signal = new SemaphoreSlim(0);
        var watchers = new List<FileSystemWatcher>();
        IReadOnlyList<string>? watchedFiles = null;
        var stamps = Stamps();
        try
        {
            while (!stoppingToken.IsCancellationRequested)
            {
                var files = store.Files;
                if (!ReferenceEquals(files, watchedFiles))
                {
                    // First run, or a config reload changed the policy files: watch their folders.
                    foreach (var w in watchers)
                    {
                        w.Dispose();
                    }

                    watchers = Watch(files, signal);
                    watchedFiles = files;
                    stamps = Stamps();
                }

                var changed = await signal.WaitAsync(Poll, stoppingToken).ConfigureAwait(false);
                if (changed)
                {
                    await Task.Delay(Debounce, stoppingToken).ConfigureAwait(false);
                    while (signal.CurrentCount > 0)
                    {
                        await signal.WaitAsync(stoppingToken).ConfigureAwait(false);
                    }
                }

                var now = Stamps();
                if (!changed && now.SequenceEqual(stamps))
                {
                    continue;
                }

                await FileSettle.WaitStableAsync(files, stoppingToken).ConfigureAwait(false);
                stamps = Stamps();
                store.Reload();
            }
        }
        catch (OperationCanceledException)
        {
        }
        finally
        {
            foreach (var w in watchers)
            {
                w.Dispose();
            }
        }
    }

    private static List<FileSystemWatcher> Watch(IReadOnlyList<string> files, SemaphoreSlim signal)
    {
        var watchers = new List<FileSystemWatcher>();
        foreach (var dir in files.Select(Path.GetDirectoryName).Distinct())
        {
            if (dir is null || !Directory.Exists(dir))
            {
                continue;
            }

            var w = new FileSystemWatcher(dir)
            {
                NotifyFilter = NotifyFilters.LastWrite | NotifyFilters.FileName | NotifyFilters.Size | NotifyFilters.CreationTime,
                IncludeSubdirectories = false,
            };
            FileSystemEventHandler onChange = (_, e) =>
            {
                if (files.Contains(e.FullPath))
                {
                    signal.Release();
                }
            };
            w.Changed += onChange;
            w.Created += onChange;
            w.Renamed += (_, _) => signal.Release();
            w.EnableRaisingEvents = true;
            watchers.Add(w);
        }

        return watchers;
    }

    private List<(DateTime, long)> Stamps()
    {
        var list = new List<(DateTime, long)>();
        foreach (var f in store.Files)
        {
            var info = new FileInfo(f);
            list.Add(info.Exists ? (info.LastWriteTimeUtc, info.Length) : (DateTime.MinValue, -1));
        }

        return list;
    }
}

using Microsoft.Extensions.Hosting;

namespace Gateway.Pipeline;

/// <summary>
/// Watches a set of files and calls <see cref="OnChangedAsync"/> after they change: file-system events (debounced, so
/// an editor's several writes make one call), a poll every few seconds (file events are not reliable on every file
/// system), and a settle wait (<see cref="FileSettle"/>) so that a file being rewritten in pieces is never read half
/// written. When <see cref="WatchedFiles"/> returns a different list (a reload changed it), the watch moves with it.
/// </summary>
internal abstract class FileChangeWatcher : BackgroundService
{
    private static readonly TimeSpan Debounce = TimeSpan.FromMilliseconds(300);
    private static readonly TimeSpan Poll = TimeSpan.FromSeconds(5);

    /// <summary>The files whose change triggers a call; compared by reference to notice a new list.</summary>
    protected abstract IReadOnlyList<string> WatchedFiles { get; }

    /// <summary>The files that must have stopped changing before the call (defaults to the watched ones).</summary>
    protected virtual IReadOnlyList<string> SettleFiles => WatchedFiles;

    protected abstract Task OnChangedAsync(CancellationToken cancellationToken);

    private readonly SemaphoreSlim _signal = new(0);
    private List<FileSystemWatcher> _initialWatchers = [];
    private IReadOnlyList<string>? _initialFiles;
    private List<(DateTime, long)> _initialStamps = [];

    /// <summary>Starts the watch here, on the host's start, before any request is served (since .NET 10
    /// <see cref="ExecuteAsync"/> starts on a background thread), from the files' stamps as they were when last read
    /// (<see cref="FileStamps"/>): a change made since, before the watch began, is applied like any other.</summary>
    public override Task StartAsync(CancellationToken cancellationToken)
    {
        _initialFiles = WatchedFiles;
        _initialWatchers = Watch(_initialFiles, _signal);
        // What the files looked like when they were read, not now: a change since then is a change.
        _initialStamps = [.. _initialFiles.Select(FileStamps.AtLastRead)];
        return base.StartAsync(cancellationToken);
    }

    /// <summary>The first watchers, when <see cref="ExecuteAsync"/> never ran to take them over (a start that was
    /// cancelled): each holds an inotify instance.</summary>
    public override void Dispose()
    {
        if (Interlocked.Exchange(ref _handedOver, 1) == 0)
        {
            foreach (var w in _initialWatchers)
            {
                w.Dispose();
            }
        }

        base.Dispose();
    }

    private int _handedOver;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (Interlocked.Exchange(ref _handedOver, 1) == 1)
        {
            return; // disposed before it ran
        }

        var signal = _signal;
        var watchers = _initialWatchers;
        var watched = _initialFiles;
        var stamps = _initialStamps;
        try
        {
            while (!stoppingToken.IsCancellationRequested)
            {
                var files = WatchedFiles;
                if (!ReferenceEquals(files, watched))
                {
                    foreach (var w in watchers)
                    {
                        w.Dispose();
                    }

                    watchers = Watch(files, signal);
                    watched = files;
                    // A new list comes from a reload that just read these files: start from what it read.
                    stamps = [.. files.Select(FileStamps.AtLastRead)];
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

                if (Stamps(files).SequenceEqual(stamps))
                {
                    continue;
                }

                await FileSettle.WaitStableAsync(SettleFiles, stoppingToken).ConfigureAwait(false);
                stamps = Stamps(files);
                await OnChangedAsync(stoppingToken).ConfigureAwait(false);
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
            try
            {
                w.EnableRaisingEvents = true;
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or PlatformNotSupportedException)
            {
                // No file events here (the inotify instance limit of a crowded node, a file system without them): the
                // poll still notices every change, a few seconds later.
                w.Dispose();
                continue;
            }

            watchers.Add(w);
        }

        return watchers;
    }

    private static List<(DateTime, long)> Stamps(IReadOnlyList<string> files) => [.. files.Select(FileStamps.Of)];
}

using Microsoft.Extensions.Hosting;

namespace Gateway.Hosting;

/// <summary>Watches the config file (file events, debounced, plus a poll every few seconds) and asks
/// <see cref="GatewayState"/> to reload it after a change.</summary>
internal sealed class ConfigFileWatcher(GatewayState state) : BackgroundService
{
    private static readonly TimeSpan Debounce = TimeSpan.FromMilliseconds(300);
    private static readonly TimeSpan Poll = TimeSpan.FromSeconds(5);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var file = state.Current.ConfigFile;
        var signal = new SemaphoreSlim(0);
        using var watcher = new FileSystemWatcher(Path.GetDirectoryName(file)!)
        {
            NotifyFilter = NotifyFilters.LastWrite | NotifyFilters.FileName | NotifyFilters.Size | NotifyFilters.CreationTime,
        };
        FileSystemEventHandler onChange = (_, e) =>
        {
            if (e.FullPath == file)
            {
                signal.Release();
            }
        };
        watcher.Changed += onChange;
        watcher.Created += onChange;
        watcher.Renamed += (_, _) => signal.Release();
        watcher.EnableRaisingEvents = true;

        var stamp = Stamp(file);
        try
        {
            while (!stoppingToken.IsCancellationRequested)
            {
                var changed = await signal.WaitAsync(Poll, stoppingToken).ConfigureAwait(false);
                if (changed)
                {
                    await Task.Delay(Debounce, stoppingToken).ConfigureAwait(false);
                    while (signal.CurrentCount > 0)
                    {
                        await signal.WaitAsync(stoppingToken).ConfigureAwait(false);
                    }
                }

                var now = Stamp(file);
                if (now == stamp)
                {
                    continue;
                }

                await Pipeline.FileSettle.WaitStableAsync([file, .. state.Current.PolicyFiles], stoppingToken).ConfigureAwait(false);
                stamp = Stamp(file);
                await state.ReloadAsync(stoppingToken).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException)
        {
        }
    }

    private static (DateTime, long) Stamp(string file)
    {
        var info = new FileInfo(file);
        return info.Exists ? (info.LastWriteTimeUtc, info.Length) : (DateTime.MinValue, -1);
    }
}

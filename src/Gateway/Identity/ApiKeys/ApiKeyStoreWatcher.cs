using Gateway.Pipeline;

namespace Gateway.Identity.ApiKeys;

/// <summary>Reloads the API key store when its file changes (see <see cref="FileChangeWatcher"/>); a bad or missing
/// file changes nothing (<see cref="ApiKeyStore.Reload"/>). Does nothing when API keys are off.</summary>
internal sealed class ApiKeyStoreWatcher(ApiKeyStore store) : FileChangeWatcher
{
    protected override IReadOnlyList<string> WatchedFiles => store.Files;

    protected override Task ExecuteAsync(CancellationToken stoppingToken)
        => store.Enabled ? base.ExecuteAsync(stoppingToken) : Task.CompletedTask;

    protected override Task OnChangedAsync(CancellationToken cancellationToken)
    {
        store.Reload();
        return Task.CompletedTask;
    }
}

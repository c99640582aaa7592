namespace Gateway.Pipeline;

/// <summary>Reloads the policy files when they change (see <see cref="FileChangeWatcher"/>); a bad file changes
/// nothing (<see cref="PolicyStore.Reload"/>).</summary>
internal sealed class PolicyFileWatcher(PolicyStore store) : FileChangeWatcher
{
    protected override IReadOnlyList<string> WatchedFiles => store.Files;

    protected override Task OnChangedAsync(CancellationToken cancellationToken)
    {
        store.Reload();
        return Task.CompletedTask;
    }
}

using Gateway.Pipeline;

namespace Gateway.Identity.X509;

/// <summary>Reloads the trust bundles when a bundle file changes (see <see cref="FileChangeWatcher"/>); a bad file
/// changes nothing (<see cref="TrustBundleStore.Reload"/>).</summary>
internal sealed class TrustBundleWatcher(TrustBundleStore store) : FileChangeWatcher
{
    protected override IReadOnlyList<string> WatchedFiles => store.WatchedFiles;

    protected override Task OnChangedAsync(CancellationToken cancellationToken)
    {
        store.Reload();
        return Task.CompletedTask;
    }
}

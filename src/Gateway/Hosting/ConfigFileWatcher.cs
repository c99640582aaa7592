using Gateway.Pipeline;

namespace Gateway.Hosting;

/// <summary>Reloads the config file when it changes (see <see cref="FileChangeWatcher"/>). The policy files must have
/// settled too, since a config reload reads them again.</summary>
internal sealed class ConfigFileWatcher(GatewayState state) : FileChangeWatcher
{
    private readonly string[] _configFile = [state.Current.ConfigFile];

    protected override IReadOnlyList<string> WatchedFiles => _configFile;

    protected override IReadOnlyList<string> SettleFiles => [state.Current.ConfigFile, .. state.Current.PolicyFiles];

    protected override Task OnChangedAsync(CancellationToken cancellationToken) => state.ReloadAsync(cancellationToken);
}

using Gateway.Identity;
using Microsoft.Extensions.Hosting;

namespace Gateway.Hosting;

/// <summary>Starts every issuer's key manager with the host and stops them with it. Start waits (at most
/// <see cref="StartupWait"/>) for each issuer's first fetch, so that a healthy gateway serves its first request with
/// keys; an issuer that cannot be reached does not block start-up — its tokens fail closed until keys arrive.</summary>
internal sealed class IssuerKeyHostedService(JwtAuthenticator authenticator) : IHostedService
{
    private static readonly TimeSpan StartupWait = TimeSpan.FromSeconds(10);

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var first = new List<Task>();
        foreach (var issuer in authenticator.Issuers)
        {
            issuer.Keys.Start();
            first.Add(issuer.Keys.FirstAttempt);
        }

        await Task.WhenAny(Task.WhenAll(first), Task.Delay(StartupWait, cancellationToken)).ConfigureAwait(false);
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        foreach (var issuer in authenticator.Issuers)
        {
            await issuer.Keys.DisposeAsync().ConfigureAwait(false);
        }
    }
}

using Gateway.Identity;
using Microsoft.Extensions.Hosting;

namespace Gateway.Hosting;

/// <summary>Starts every issuer's key manager with the host and stops them with it.</summary>
internal sealed class IssuerKeyHostedService(JwtAuthenticator authenticator) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken)
    {
        foreach (var issuer in authenticator.Issuers)
        {
            issuer.Keys.Start();
        }

        return Task.CompletedTask;
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        foreach (var issuer in authenticator.Issuers)
        {
            await issuer.Keys.DisposeAsync().ConfigureAwait(false);
        }
    }
}

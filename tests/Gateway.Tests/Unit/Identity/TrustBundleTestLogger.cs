using Gateway.Identity.X509;
using Microsoft.Extensions.Logging;

namespace Gateway.Tests.Unit.Identity;

/// <summary>Keeps what <see cref="TrustBundleStore"/> logs, to check that a rejected reload says where and why.</summary>
internal sealed class TrustBundleTestLogger : ILogger<TrustBundleStore>
{
    private readonly List<(LogLevel Level, int EventId, string Message)> _entries = [];

    public IReadOnlyList<(LogLevel Level, int EventId, string Message)> Entries
    {
        get
        {
            lock (_entries)
            {
                return [.. _entries];
            }
        }
    }

    public IDisposable? BeginScope<TState>(TState state)
        where TState : notnull => null;

    public bool IsEnabled(LogLevel logLevel) => true;

    public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
    {
        lock (_entries)
        {
            _entries.Add((logLevel, eventId.Id, formatter(state, exception)));
        }
    }
}

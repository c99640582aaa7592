using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;

namespace Gateway.Tests.Integration;

/// <summary>
/// Free loopback ports for test servers, taken below the kernel's ephemeral range (32768+ on Linux) so that the
/// outgoing connections of other tests running in parallel can never grab them between the check and the bind; a
/// port is never handed out twice in one test run.
/// </summary>
internal static class Ports
{
    private static readonly ConcurrentDictionary<int, bool> Taken = new();

    public static int Free()
    {
        for (var attempt = 0; attempt < 1000; attempt++)
        {
            var port = Random.Shared.Next(20000, 32000);
            if (!Taken.TryAdd(port, true))
            {
                continue;
            }

            try
            {
                using var l = new TcpListener(IPAddress.Loopback, port);
                l.Start();
                return port;
            }
            catch (SocketException)
            {
                // in use by something else: try another
            }
        }

        throw new InvalidOperationException("no free loopback port found");
    }
}

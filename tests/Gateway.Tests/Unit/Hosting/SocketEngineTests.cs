using System.Net;
using System.Net.Sockets;
using Gateway.Configuration;
using Gateway.Hosting;

namespace Gateway.Tests.Unit.Hosting;

/// <summary>
/// <c>Listen.Scheduling: inline</c> needs .NET's socket engine to complete operations on its event threads; the
/// gateway sets the variable before its first socket unless the operator set it. The suite itself runs that way
/// (gateway-tests.runsettings), so the integration tests exercise the default scheduling.
/// </summary>
// Program.Main (the run verb tests) sets the same variable: the "Console" collection runs them one at a time.
[Collection("Console")]
public sealed class SocketEngineTests
{
    [Fact]
    public void PrepareSocketEngine_SetsTheVariableOnlyForInlineAndOnlyWhenUnset()
    {
        var name = IoScheduling.InlineCompletionsVariable;
        var original = Environment.GetEnvironmentVariable(name);
        try
        {
            Environment.SetEnvironmentVariable(name, null);
            Assert.Null(Program.PrepareSocketEngine(IoScheduling.ThreadPool));
            Assert.Null(Environment.GetEnvironmentVariable(name));

            Assert.Null(Program.PrepareSocketEngine(IoScheduling.Inline));
            Assert.Equal("1", Environment.GetEnvironmentVariable(name));

            // Thread-pool scheduling with the variable inherited at 1: completions would still run inline; said so.
            Assert.Contains("threadpool but DOTNET_SYSTEM_NET_SOCKETS_INLINE_COMPLETIONS=1", Program.PrepareSocketEngine(IoScheduling.ThreadPool));
            Assert.Equal("1", Environment.GetEnvironmentVariable(name));

            // The operator's choice wins: 0 turns inline completions off even with inline scheduling.
            Environment.SetEnvironmentVariable(name, "0");
            Assert.Null(Program.PrepareSocketEngine(IoScheduling.Inline));
            Assert.Equal("0", Environment.GetEnvironmentVariable(name));
        }
        finally
        {
            Environment.SetEnvironmentVariable(name, original);
        }
    }

    [Fact]
    public async Task TestHost_CompletesSocketOperationsOnTheEngineThread()
    {
        if (!OperatingSystem.IsLinux() && !OperatingSystem.IsMacOS())
        {
            return; // the variable is the Unix socket engine's; Windows completes sockets on I/O completion ports
        }

        await CompletesOnEngineThreadAsync();
    }

    private static async Task CompletesOnEngineThreadAsync()
    {
        using var listener = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        listener.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        listener.Listen();
        using var client = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        await client.ConnectAsync(listener.LocalEndPoint!);
        using var server = await listener.AcceptAsync();

        var buffer = new byte[1];
        var receive = client.ReceiveAsync(buffer.AsMemory(), SocketFlags.None);
        Assert.False(receive.IsCompleted);
        var send = Task.Run(async () =>
        {
            await Task.Delay(50);
            await server.SendAsync(new byte[] { 42 }, SocketFlags.None);
        });

        // With inline completions the continuation runs on the engine's own event thread; without, on the pool.
        // Had the receive completed before the await, the continuation would run here, on the awaiting thread: that
        // proves nothing, so it is checked too.
        var awaiting = Environment.CurrentManagedThreadId;
        var (onPool, thread) = await ContinuesOnAsync(receive);
        Assert.NotEqual(awaiting, thread);
        Assert.False(onPool,
            "socket completions ran on the thread pool: the suite should run with DOTNET_SYSTEM_NET_SOCKETS_INLINE_COMPLETIONS=1 (gateway-tests.runsettings)");
        Assert.Equal(42, buffer[0]);
        await send;
    }

    private static async Task<(bool OnPool, int Thread)> ContinuesOnAsync(ValueTask<int> pending)
    {
        await pending.ConfigureAwait(false);
        return (Thread.CurrentThread.IsThreadPoolThread, Environment.CurrentManagedThreadId);
    }
}

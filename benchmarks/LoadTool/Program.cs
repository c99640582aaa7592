using LoadTool;

if (args.Length == 0 || args[0] is "-h" or "--help" or "help" || (args[0] == "run" && args.Contains("--help")))
{
    Console.WriteLine(LoadToolApp.Usage);
    Console.WriteLine();
    Console.WriteLine(LoadTool.Identity.KeyGenerator.Usage);
    return args.Length == 0 ? LoadToolApp.ExitUsage : LoadToolApp.ExitOk;
}

if (args[0] == "keygen")
{
    if (args.Contains("--help"))
    {
        Console.WriteLine(LoadTool.Identity.KeyGenerator.Usage);
        return LoadToolApp.ExitOk;
    }

    return LoadTool.Identity.KeyGenerator.Run(args[1..], Console.Out, Console.Error);
}

if (args[0] != "run")
{
    Console.Error.WriteLine($"loadtool: error: unknown command '{args[0]}' (the commands are 'run' and 'keygen'; see loadtool --help)");
    return LoadToolApp.ExitUsage;
}

// Socket completions run on the thread that polls for them instead of hopping to the thread pool. Measured against bare
// YARP at saturation, the generator pinned to one core: 40 µs of the tool's CPU per request without it (mostly thread-pool
// wake-ups and spinning), 15-17 µs with it (wrk: 11 µs), and 3-5 % more requests per second from the same server.
// With it on, .NET polls with one thread per core, so a machine with more cores is not limited to one. Set the variable
// to 0 to turn it off. It must be set before the first socket is created, which is why it is here.
if (Environment.GetEnvironmentVariable("DOTNET_SYSTEM_NET_SOCKETS_INLINE_COMPLETIONS") is null)
{
    Environment.SetEnvironmentVariable("DOTNET_SYSTEM_NET_SOCKETS_INLINE_COMPLETIONS", "1");
}

using var cts = new CancellationTokenSource();
Console.CancelKeyPress += (_, e) =>
{
    // First Ctrl+C: stop sending, then report what was measured. Second: the default (exit).
    if (!cts.IsCancellationRequested)
    {
        e.Cancel = true;
        Console.Error.WriteLine("\nloadtool: stopping; reporting what was measured (Ctrl+C again to abort)");
        cts.Cancel();
    }
};
return await LoadToolApp.RunAsync(args[1..], Console.Out, Console.Error, cts.Token);

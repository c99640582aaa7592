using LoadTool;

if (args.Length == 0 || args[0] is "-h" or "--help" or "help" || (args[0] == "run" && args.Contains("--help")))
{
    Console.WriteLine(LoadToolApp.Usage);
    return args.Length == 0 ? LoadToolApp.ExitUsage : LoadToolApp.ExitOk;
}

if (args[0] != "run")
{
    Console.Error.WriteLine($"loadtool: error: unknown command '{args[0]}' (the command is 'run'; see loadtool --help)");
    return LoadToolApp.ExitUsage;
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

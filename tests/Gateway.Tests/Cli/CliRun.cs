using System.Text;
using Gateway.Hosting;

namespace Gateway.Tests.Cli;

/// <summary>Runs <c>Program.Main</c> with Console.Out/Error captured (Console is global: tests using this are in the "Console" collection).</summary>
internal static class CliRun
{
    private static readonly SemaphoreSlim Gate = new(1, 1);

    public static async Task<(int Exit, string Out, string Err)> RunAsync(params string[] args)
    {
        await Gate.WaitAsync();
        var oldOut = Console.Out;
        var oldErr = Console.Error;
        var stdout = new StringWriter(new StringBuilder());
        var stderr = new StringWriter(new StringBuilder());
        try
        {
            Console.SetOut(stdout);
            Console.SetError(stderr);
            var exit = await Program.Main(args);
            return (exit, stdout.ToString(), stderr.ToString());
        }
        finally
        {
            Console.SetOut(oldOut);
            Console.SetError(oldErr);
            Gate.Release();
        }
    }

    public static string RepoFile(params string[] parts)
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "Gateway.sln")))
        {
            dir = dir.Parent;
        }

        Assert.NotNull(dir);
        return Path.Combine([dir!.FullName, .. parts]);
    }
}

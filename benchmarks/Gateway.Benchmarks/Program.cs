using BenchmarkDotNet.Running;

namespace Gateway.Benchmarks;

public static class Program
{
    public static async Task Main(string[] args)
    {
        if (args is ["footprint", ..])
        {
            await TokenCacheFootprint.RunAsync(args.Length > 1 ? int.Parse(args[1], System.Globalization.CultureInfo.InvariantCulture) : 20_000);
            return;
        }

        BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
    }
}

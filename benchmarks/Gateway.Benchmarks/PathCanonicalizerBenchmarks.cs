using BenchmarkDotNet.Attributes;
using Gateway.Pipeline;

namespace Gateway.Benchmarks;

/// <summary>The hygiene stage's path canonicalization, for a plain path and an encoded one.</summary>
[MemoryDiagnoser]
public class PathCanonicalizerBenchmarks
{
    [Benchmark(Baseline = true)]
    public bool Plain() => PathCanonicalizer.TryCanonicalize("/payments/orders/12345/items?x=1", 4096, out _, out _);

    [Benchmark]
    public bool Encoded() => PathCanonicalizer.TryCanonicalize("/payments/caf%C3%A9/items%20list", 4096, out _, out _);
}

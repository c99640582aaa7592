using System.Buffers;
using System.Net;
using BenchmarkDotNet.Attributes;
using Gateway.Audit;

namespace Gateway.Benchmarks;

/// <summary>One audit record serialized as a JSON line, as the background writer does for every request.</summary>
[MemoryDiagnoser]
public class AuditSerializationBenchmarks
{
    private readonly ArrayBufferWriter<byte> _buffer = new(64 * 1024);
    private AuditRecord _record;

    [GlobalSetup]
    public void Setup()
    {
        _record = new AuditRecord(DateTimeOffset.UtcNow, "0HNQBDI42USBI:00000001", "spiffe://demo.local/ns/shop/sa/frontend",
            "https://dev-issuer.gateway.local", "jwt", "dd286c8208bcc4e7a3a82f3f", "6ba20b1149073f72", "orders", "GET", "127.0.0.1:8080",
            "/orders/42", "allow", "frontend-reads-orders", "allowed_by_rule", 200, 1.873, IPAddress.Loopback)
        {
            Binding = "bearer",
        };
    }

    [Benchmark]
    public int Serialize()
    {
        _buffer.ResetWrittenCount();
        AuditJson.WriteLine(_buffer, _record);
        return _buffer.WrittenCount;
    }
}

using Gateway.Audit;
using Gateway.Configuration;
using Gateway.Observability;
using Microsoft.Extensions.Logging.Abstractions;

namespace Gateway.Tests.Integration;

/// <summary>The audit writer on its own: the file sink writes JSON lines, and a full channel in drop mode counts what it
/// drops instead of blocking the request.</summary>
public sealed class AuditWriterTests
{
    private static LoadedConfig Config(string dir, AuditOptions audit) => new()
    {
        ConfigFile = Path.Combine(dir, "gateway.json"),
        ConfigDirectory = dir,
        Configuration = new Microsoft.Extensions.Configuration.ConfigurationBuilder().Build(),
        Options = new GatewayOptions { Audit = audit },
        PolicyFiles = [],
        RouteIds = new HashSet<string>(),
        Diagnostics = [],
    };

    private static AuditRecord Record(string path) => new(DateTimeOffset.UtcNow, "req-1", "spiffe://example.org/a", "https://i", "jwt",
        "jti-1", "0011223344556677", "r", "GET", "h", path, "allow", "rule-1", "allowed_by_rule", 200, 1.5, System.Net.IPAddress.Loopback);

    [Fact]
    public async Task FileSink_WritesOneJsonLinePerRecord()
    {
        var dir = Directory.CreateTempSubdirectory("gw-audit-");
        try
        {
            var metrics = new GatewayMetrics();
            var writer = new AuditWriter(Config(dir.FullName, new AuditOptions { Sink = "file", Path = "audit/audit.log" }), metrics,
                NullLogger<AuditWriter>.Instance);
            await writer.StartAsync(CancellationToken.None);
            await writer.WriteAsync(Record("/a"));
            await writer.WriteAsync(Record("/b \"quoted\"\nnewline"));
            await writer.StopAsync(CancellationToken.None);

            var lines = await File.ReadAllLinesAsync(Path.Combine(dir.FullName, "audit", "audit.log"));
            Assert.Equal(2, lines.Length);
            var second = System.Text.Json.JsonDocument.Parse(lines[1]).RootElement;
            Assert.Equal("/b \"quoted\"\nnewline", second.GetProperty("path").GetString());
            Assert.Equal("rule-1", second.GetProperty("rule").GetString());
        }
        finally
        {
            dir.Delete(true);
        }
    }

    [Fact]
    public async Task DropMode_FullChannel_DropsAndCountsWithoutBlocking()
    {
        var dir = Directory.CreateTempSubdirectory("gw-audit-");
        try
        {
            var metrics = new GatewayMetrics();
            // Not started: nothing drains the channel, so it fills at once.
            var writer = new AuditWriter(Config(dir.FullName, new AuditOptions { Sink = "stdout", Capacity = 2 }), metrics,
                NullLogger<AuditWriter>.Instance);
            for (var i = 0; i < 5; i++)
            {
                var write = writer.WriteAsync(Record("/x"));
                Assert.True(write.IsCompleted);
                await write;
            }

            Assert.Equal(3, metrics.AuditRecords.WithLabels("dropped").Value);
        }
        finally
        {
            dir.Delete(true);
        }
    }

    [Fact]
    public async Task DropMode_HugeRecords_ByteCapDropsBeforeTheRecordCount()
    {
        var dir = Directory.CreateTempSubdirectory("gw-audit-");
        try
        {
            var metrics = new GatewayMetrics();
            var writer = new AuditWriter(Config(dir.FullName, new AuditOptions { Sink = "stdout", Capacity = 1_000_000 }), metrics,
                NullLogger<AuditWriter>.Instance);
            // Not started: nothing drains. Each record escapes 8,000 control characters to 48 KB.
            var hostile = "/" + new string('\u0001', 8000);
            for (var i = 0; i < 1000; i++)
            {
                await writer.WriteAsync(Record(hostile));
            }

            // Records are taken while the buffer holds less than the cap: the count is the cap over one record's size,
            // rounded up, far below Capacity.
            var one = new System.Buffers.ArrayBufferWriter<byte>();
            AuditJson.WriteLine(one, Record(hostile));
            var expected = (AuditWriter.MaxBufferBytes + one.WrittenCount - 1) / one.WrittenCount;
            Assert.Equal(1000 - expected, metrics.AuditRecords.WithLabels("dropped").Value);
        }
        finally
        {
            dir.Delete(true);
        }
    }

    [Fact]
    public async Task WaitMode_FullBuffer_RequestWaitsForTheWriter_NothingLost()
    {
        var dir = Directory.CreateTempSubdirectory("gw-audit-");
        try
        {
            var metrics = new GatewayMetrics();
            var writer = new AuditWriter(Config(dir.FullName, new AuditOptions { Sink = "file", Path = "audit.log", Capacity = 2, FullMode = "wait" }),
                metrics, NullLogger<AuditWriter>.Instance);
            await writer.WriteAsync(Record("/1"));
            await writer.WriteAsync(Record("/2"));
            var third = writer.WriteAsync(Record("/3")).AsTask();
            await Task.Delay(200);
            Assert.False(third.IsCompleted); // full and not started: the request waits

            await writer.StartAsync(CancellationToken.None);
            await third.WaitAsync(TimeSpan.FromSeconds(10));
            await writer.StopAsync(CancellationToken.None);

            var lines = await File.ReadAllLinesAsync(Path.Combine(dir.FullName, "audit.log"));
            Assert.Equal(["/1", "/2", "/3"], lines.Select(l => System.Text.Json.JsonDocument.Parse(l).RootElement.GetProperty("path").GetString()));
            Assert.Equal(0, metrics.AuditRecords.WithLabels("dropped").Value);
            Assert.Equal(3, metrics.AuditRecords.WithLabels("written").Value);
        }
        finally
        {
            dir.Delete(true);
        }
    }

    [Fact]
    public async Task ManyConcurrentWriters_EveryRecordWrittenWhole()
    {
        var dir = Directory.CreateTempSubdirectory("gw-audit-");
        try
        {
            var metrics = new GatewayMetrics();
            var writer = new AuditWriter(Config(dir.FullName, new AuditOptions { Sink = "file", Path = "audit.log", Capacity = 100_000 }),
                metrics, NullLogger<AuditWriter>.Instance);
            await writer.StartAsync(CancellationToken.None);
            await Task.WhenAll(Enumerable.Range(0, 8).Select(t => Task.Run(async () =>
            {
                for (var i = 0; i < 2000; i++)
                {
                    await writer.WriteAsync(Record($"/t{t}/{i}"));
                }
            })));
            await writer.StopAsync(CancellationToken.None);

            var paths = (await File.ReadAllLinesAsync(Path.Combine(dir.FullName, "audit.log")))
                .Select(l => System.Text.Json.JsonDocument.Parse(l).RootElement.GetProperty("path").GetString())
                .ToHashSet();
            Assert.Equal(16_000, paths.Count);
            Assert.Equal(16_000, metrics.AuditRecords.WithLabels("written").Value);
        }
        finally
        {
            dir.Delete(true);
        }
    }
}

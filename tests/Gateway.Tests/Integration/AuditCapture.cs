using System.Collections.Concurrent;
using System.Text;
using System.Text.Json;

namespace Gateway.Tests.Integration;

/// <summary>A write-only stream that collects the gateway's audit JSON lines.</summary>
internal sealed class AuditCapture : Stream
{
    private readonly StringBuilder _partial = new();
    private readonly object _lock = new();

    public ConcurrentQueue<string> Lines { get; } = new();

    public IReadOnlyList<JsonElement> Records()
        => Lines.Select(l => JsonDocument.Parse(l).RootElement.Clone()).ToList();

    public override void Write(byte[] buffer, int offset, int count) => Write(buffer.AsSpan(offset, count));

    public override void Write(ReadOnlySpan<byte> buffer)
    {
        lock (_lock)
        {
            _partial.Append(Encoding.UTF8.GetString(buffer));
            int nl;
            while ((nl = IndexOfNewline()) >= 0)
            {
                Lines.Enqueue(_partial.ToString(0, nl));
                _partial.Remove(0, nl + 1);
            }
        }
    }

    public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
    {
        Write(buffer.Span);
        return ValueTask.CompletedTask;
    }

    public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken)
    {
        Write(buffer.AsSpan(offset, count));
        return Task.CompletedTask;
    }

    public override void WriteByte(byte value) => Write([value]);

    private int IndexOfNewline()
    {
        for (var i = 0; i < _partial.Length; i++)
        {
            if (_partial[i] == '\n')
            {
                return i;
            }
        }

        return -1;
    }

    public override bool CanRead => false;
    public override bool CanSeek => false;
    public override bool CanWrite => true;
    public override long Length => 0;
    public override long Position { get => 0; set { } }
    public override void Flush() { }
    public override Task FlushAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
    public override void SetLength(long value) => throw new NotSupportedException();
}

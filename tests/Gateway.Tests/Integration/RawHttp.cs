using System.Net.Sockets;
using System.Text;

namespace Gateway.Tests.Integration;

/// <summary>Sends a request line byte for byte — HttpClient would normalize the tricks these tests are about.</summary>
internal static class RawHttp
{
    public static async Task<(int Status, string Response)> SendAsync(int port, string method, string target, params string[] headers)
    {
        using var client = new TcpClient();
        await client.ConnectAsync("127.0.0.1", port);
        var sb = new StringBuilder();
        sb.Append(method).Append(' ').Append(target).Append(" HTTP/1.1\r\n");
        sb.Append("Host: 127.0.0.1:").Append(port).Append("\r\n");
        foreach (var h in headers)
        {
            sb.Append(h).Append("\r\n");
        }

        sb.Append("Connection: close\r\n\r\n");
        var stream = client.GetStream();
        await stream.WriteAsync(Encoding.ASCII.GetBytes(sb.ToString()));
        using var reader = new StreamReader(stream, Encoding.UTF8);
        var cts = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        var response = await reader.ReadToEndAsync(cts.Token);
        var status = response.Length >= 12 && int.TryParse(response.AsSpan(9, 3), out var s) ? s : 0;
        return (status, response);
    }
}

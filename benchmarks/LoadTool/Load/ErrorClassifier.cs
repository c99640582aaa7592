using System.Net.Sockets;

namespace LoadTool.Load;

/// <summary>Maps a failed send to a short, stable error kind: <c>connection_refused</c>, <c>connection_reset</c>,
/// <c>timeout</c>, <c>response_ended</c>, …</summary>
internal static class ErrorClassifier
{
    public const string Timeout = "timeout";
    public const string NotSent = "not_sent";

    public static string Classify(Exception ex)
    {
        if (ex is TaskCanceledException or OperationCanceledException)
        {
            return ex.InnerException is TimeoutException ? Timeout : "canceled";
        }

        for (var e = ex; e is not null; e = e.InnerException)
        {
            if (e is SocketException se)
            {
                return se.SocketErrorCode switch
                {
                    SocketError.ConnectionRefused => "connection_refused",
                    SocketError.ConnectionReset => "connection_reset",
                    SocketError.TimedOut => Timeout,
                    SocketError.AddressAlreadyInUse or SocketError.AddressNotAvailable => "no_local_port",
                    SocketError.TooManyOpenSockets => "too_many_sockets",
                    var other => "socket_" + other.ToString().ToLowerInvariant(),
                };
            }
        }

        if (ex is HttpRequestException hre)
        {
            return hre.HttpRequestError switch
            {
                HttpRequestError.ConnectionError => "connection_error",
                HttpRequestError.ResponseEnded => "response_ended",
                HttpRequestError.InvalidResponse => "invalid_response",
                HttpRequestError.NameResolutionError => "name_resolution",
                HttpRequestError.SecureConnectionError => "tls_error",
                HttpRequestError.ConfigurationLimitExceeded => "limit_exceeded",
                _ => "http_error",
            };
        }

        return ex is IOException ? "io_error" : "error_" + ex.GetType().Name;
    }
}

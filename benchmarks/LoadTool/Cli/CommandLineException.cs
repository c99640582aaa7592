namespace LoadTool.Cli;

/// <summary>A usage or configuration error: the tool prints the message and exits with code 2.</summary>
internal sealed class CommandLineException(string message) : Exception(message);

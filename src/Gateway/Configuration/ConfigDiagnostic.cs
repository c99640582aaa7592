namespace Gateway.Configuration;

/// <summary>One problem in the config or a policy file: where it is and what is wrong.</summary>
public sealed record ConfigDiagnostic(string File, int Line, int Column, string Message, bool IsWarning = false)
{
    public override string ToString()
        => $"{File}:{Line}:{Column}: {(IsWarning ? "warning" : "error")}: {Message}";
}

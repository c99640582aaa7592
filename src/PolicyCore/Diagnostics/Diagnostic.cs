namespace PolicyCore.Diagnostics;

/// <summary>
/// One finding about a policy file: a stable code (see <see cref="DiagnosticCodes"/>), where it is (1-based line and
/// column), what is wrong and how to fix it.
/// </summary>
public sealed record Diagnostic(
    string Code,
    DiagnosticSeverity Severity,
    string File,
    int Line,
    int Column,
    string Message,
    string? Hint)
{
    public bool IsError => Severity == DiagnosticSeverity.Error;

    /// <summary>Compiler-style form: <c>file:line:col: error PC1003: message. hint: ...</c>.</summary>
    public override string ToString()
    {
        var severity = Severity == DiagnosticSeverity.Error ? "error" : "warning";
        var message = Message.TrimEnd('.');
        return Hint is null
            ? $"{File}:{Line}:{Column}: {severity} {Code}: {message}"
            : $"{File}:{Line}:{Column}: {severity} {Code}: {message}. hint: {Hint}";
    }
}

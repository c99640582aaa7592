namespace PolicyCore.Diagnostics;

/// <summary>How serious a diagnostic is. Any <see cref="Error"/> prevents a policy from loading.</summary>
public enum DiagnosticSeverity
{
    Warning,
    Error,
}

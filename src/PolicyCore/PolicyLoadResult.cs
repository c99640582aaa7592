using PolicyCore.Diagnostics;

namespace PolicyCore;

/// <summary>The outcome of a load: the compiled policy (null when any error was found) and every diagnostic.</summary>
public sealed class PolicyLoadResult
{
    internal PolicyLoadResult(PolicySet? policy, Diagnostic[] diagnostics)
    {
        Policy = policy;
        Diagnostics = Array.AsReadOnly(diagnostics);
    }

    /// <summary>Null when any <see cref="DiagnosticSeverity.Error"/> diagnostic exists.</summary>
    public PolicySet? Policy { get; }

    /// <summary>All diagnostics from all files, ordered by file (as given), line and column.</summary>
    public IReadOnlyList<Diagnostic> Diagnostics { get; }

    public bool Succeeded => Policy is not null;

    public bool HasWarnings
    {
        get
        {
            foreach (var diagnostic in Diagnostics)
            {
                if (diagnostic.Severity == DiagnosticSeverity.Warning)
                {
                    return true;
                }
            }

            return false;
        }
    }
}

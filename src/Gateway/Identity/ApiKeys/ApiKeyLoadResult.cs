using Gateway.Configuration;

namespace Gateway.Identity.ApiKeys;

/// <summary>A store load: the snapshot (null when there is any error, or when keys are off) and every problem found,
/// each with its file:line:col.</summary>
internal sealed record ApiKeyLoadResult(ApiKeySnapshot? Snapshot, IReadOnlyList<ConfigDiagnostic> Diagnostics)
{
    public static ApiKeyLoadResult Disabled { get; } = new(null, []);

    public bool HasErrors
    {
        get
        {
            foreach (var d in Diagnostics)
            {
                if (!d.IsWarning)
                {
                    return true;
                }
            }

            return false;
        }
    }
}

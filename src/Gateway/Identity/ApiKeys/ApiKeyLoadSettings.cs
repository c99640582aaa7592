namespace Gateway.Identity.ApiKeys;

/// <summary>What a store is checked against besides its own content. Both only produce warnings: a key naming an
/// unknown route reaches nothing more (fail closed), and the lifetime limit is enforced when a key is created.</summary>
/// <param name="KnownRouteIds">The config's route ids; null skips the check.</param>
/// <param name="MaxLifetime">The longest created → expires span; null skips the check.</param>
internal sealed record ApiKeyLoadSettings(IReadOnlySet<string>? KnownRouteIds = null, TimeSpan? MaxLifetime = null)
{
    public static ApiKeyLoadSettings None { get; } = new();
}

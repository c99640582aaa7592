using PolicyCore.Model;

namespace Gateway.Hosting.Policy;

/// <summary>One test of a policy test file: a request and what the policy should decide for it.</summary>
internal sealed class PolicyTestCase
{
    public required string File { get; init; }
    public required int Line { get; init; }
    public required int Column { get; init; }
    public required string Name { get; init; }
    public required ToolRequest Request { get; init; }
    public required Effect ExpectedEffect { get; init; }
    /// <summary>True when <c>expect.rule</c> is given; then <see cref="ExpectedRule"/> null means "no rule" (default deny).</summary>
    public bool ChecksRule { get; init; }
    public string? ExpectedRule { get; init; }
    public string? ExpectedReason { get; init; }
}

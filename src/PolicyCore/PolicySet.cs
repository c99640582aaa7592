using PolicyCore.Compilation;

namespace PolicyCore;

/// <summary>
/// A compiled, immutable policy snapshot: safe to share between threads and to swap atomically
/// (<c>Interlocked.Exchange</c>). Built only by <see cref="PolicyLoader"/>.
/// </summary>
public sealed class PolicySet
{
    private readonly string[] _ruleIds;

    internal PolicySet(long revision, string[] sourceFiles, CompiledRule[] rules)
    {
        Revision = revision;
        SourceFiles = Array.AsReadOnly(sourceFiles);
        Rules = rules;
        Index = RuleIndex.Build(rules);
        _ruleIds = new string[rules.Length];
        for (var i = 0; i < rules.Length; i++)
        {
            _ruleIds[i] = rules[i].Id;
        }

        RuleIds = Array.AsReadOnly(_ruleIds);
    }

    /// <summary>The revision the caller gave when loading (e.g. a reload counter), for logs and audit.</summary>
    public long Revision { get; }

    public int RuleCount => Rules.Length;

    /// <summary>The files this snapshot was compiled from, in load order.</summary>
    public IReadOnlyList<string> SourceFiles { get; }

    /// <summary>Rule ids in load order (files in the order given, rules in file order).</summary>
    public IReadOnlyList<string> RuleIds { get; }

    /// <summary>True when a rule with this id exists (ordinal).</summary>
    public bool ContainsRule(string ruleId) => Array.IndexOf(_ruleIds, ruleId) >= 0;

    internal CompiledRule[] Rules { get; }

    internal RuleIndex Index { get; }
}

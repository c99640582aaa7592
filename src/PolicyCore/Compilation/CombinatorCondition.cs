using PolicyCore.Model;

namespace PolicyCore.Compilation;

/// <summary><c>not</c> (one block), <c>any</c> (one of the blocks) and <c>all</c> (every block); each block is an AND of conditions.</summary>
internal sealed class CombinatorCondition(CombinatorKind kind, RuleCondition[][] blocks) : RuleCondition
{
    public override Truth Evaluate(RequestContext context, PolicyIdentity identity)
    {
        switch (kind)
        {
            case CombinatorKind.Not:
                var inner = All(blocks[0], context, identity);
                return inner switch
                {
                    Truth.True => Truth.False,
                    Truth.False => Truth.True,
                    _ => Truth.Error,
                };
            case CombinatorKind.Any:
                return Any(blocks, context, identity);
            default:
                var result = Truth.True;
                foreach (var block in blocks)
                {
                    var truth = All(block, context, identity);
                    if (truth == Truth.False)
                    {
                        return Truth.False;
                    }

                    if (truth == Truth.Error)
                    {
                        result = Truth.Error;
                    }
                }

                return result;
        }
    }

    public override string Describe()
    {
        var parts = new string[blocks.Length];
        for (var i = 0; i < parts.Length; i++)
        {
            parts[i] = Block(blocks[i]);
        }

        return kind switch
        {
            CombinatorKind.Not => "not " + parts[0],
            CombinatorKind.Any => "any [" + string.Join(", ", parts) + "]",
            _ => "all [" + string.Join(", ", parts) + "]",
        };
    }
}

internal enum CombinatorKind : byte
{
    Not,
    Any,
    All,
}

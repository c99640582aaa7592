using PolicyCore.Model;

namespace PolicyCore.Compilation;

/// <summary>
/// <c>headers</c> / <c>query</c> entries: <c>equals</c> (ordinal), <c>in</c> (one of) or <c>present: true|false</c>.
/// An absent header is a definite answer (equals/in are false); a context without <see cref="RequestContext.Attributes"/>
/// cannot be evaluated.
/// </summary>
internal sealed class RequestValueCondition(bool header, string name, string[] values, bool? present) : RuleCondition
{
    public override Truth Evaluate(RequestContext context, PolicyIdentity identity)
    {
        var attributes = context.Attributes;
        if (attributes is null)
        {
            return Truth.Error;
        }

        string? actual;
        var found = header ? attributes.TryGetHeader(name, out actual) : attributes.TryGetQuery(name, out actual);
        found &= actual is not null;
        if (present is { } expected)
        {
            return found == expected ? Truth.True : Truth.False;
        }

        if (!found)
        {
            return Truth.False;
        }

        foreach (var value in values)
        {
            if (string.Equals(actual, value, StringComparison.Ordinal))
            {
                return Truth.True;
            }
        }

        return Truth.False;
    }

    public override string Describe()
        => (header ? "headers: " : "query: ") + name + (present is { } p ? $" present {(p ? "true" : "false")}" : $" in {List(values)}");
}

namespace Gateway.Hosting.Policy;

/// <summary>Whether an identity satisfies a rule's conditions.</summary>
internal enum Reach
{
    No = 0,
    Yes = 1,
    /// <summary>Depends on the request's context (time, headers, query).</summary>
    Conditional = 2,
    /// <summary>The rule's <c>require</c> (a sender-constrained credential) is not met; it would reach with a bound credential.</summary>
    SenderConstraintRequired = 3,
}

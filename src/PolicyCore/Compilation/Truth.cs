namespace PolicyCore.Compilation;

/// <summary>
/// The three-valued result of a condition: <see cref="Error"/> means "cannot be evaluated" (missing claim, label,
/// SPIFFE segment, header access; a claim of the wrong shape). Combined like Kleene logic: in an AND a false operand
/// wins over an error, in an OR a true operand wins over an error, and NOT keeps an error an error. A rule whose
/// conditions end as <see cref="Error"/> does not match, and the evaluator counts it.
/// </summary>
internal enum Truth : byte
{
    False = 0,
    True = 1,
    Error = 2,
}

namespace PolicyCore.Compilation;

internal enum ClaimOperator : byte
{
    Equal,
    Contains,
    ContainsAny,
}

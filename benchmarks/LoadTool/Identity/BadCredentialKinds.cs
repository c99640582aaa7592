namespace LoadTool.Identity;

internal static class BadCredentialKinds
{
    public static string Name(BadCredentialKind kind) => kind switch
    {
        BadCredentialKind.Expired => "expired",
        BadCredentialKind.WrongAudience => "wrong_audience",
        BadCredentialKind.BadSignature => "bad_signature",
        BadCredentialKind.NoToken => "no_token",
        BadCredentialKind.ForbiddenPath => "forbidden_path",
        _ => kind.ToString(),
    };
}

namespace LoadTool.Identity;

/// <summary>The ways a request's credential is spoiled by <c>--bad-percent</c>. Every one of them must be refused.</summary>
internal enum BadCredentialKind
{
    /// <summary>A correctly signed token whose <c>exp</c> lies an hour in the past.</summary>
    Expired,

    /// <summary>A correctly signed token for another audience.</summary>
    WrongAudience,

    /// <summary>A valid token with one byte of its signature flipped.</summary>
    BadSignature,

    /// <summary>No Authorization header at all.</summary>
    NoToken,

    /// <summary>A valid token on a path that policy forbids (<c>--forbidden-path</c>).</summary>
    ForbiddenPath,
}

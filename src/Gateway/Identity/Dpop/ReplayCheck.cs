namespace Gateway.Identity.Dpop;

/// <summary>The answer of an <see cref="IDpopReplayStore"/>.</summary>
internal enum ReplayCheck : byte
{
    /// <summary>The key was not there and is now stored until its expiry: the proof is used for the first time.</summary>
    Registered = 0,

    /// <summary>The key is already stored and not expired: the proof was used before.</summary>
    Replayed,

    /// <summary>The store could not answer (full, unreachable, timed out): the caller refuses the proof.</summary>
    Unavailable,
}

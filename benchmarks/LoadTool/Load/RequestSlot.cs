using LoadTool.Identity;

namespace LoadTool.Load;

/// <summary>What request number i sends: its URI, its Authorization header value (or none), and whether (and how) its
/// credential is bad.</summary>
internal readonly record struct RequestSlot(Uri Uri, string? Authorization, BadCredentialKind? Bad);

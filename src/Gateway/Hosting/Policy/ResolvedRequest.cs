using PolicyCore.Model;

namespace Gateway.Hosting.Policy;

/// <summary>A <see cref="ToolRequest"/> with its context; <see cref="RouteInferred"/> when the route came from the config's routes.</summary>
internal sealed record ResolvedRequest(ToolRequest Request, RequestContext Context, bool RouteInferred);

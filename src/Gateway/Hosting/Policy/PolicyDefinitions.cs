using YamlDotNet.RepresentationModel;

namespace Gateway.Hosting.Policy;

/// <summary>
/// The roles (grants) and identity aliases as written in the policy files, for showing who a role or alias selects and
/// for diffing them. Read tolerantly: the loader has already validated the files.
/// </summary>
internal sealed class PolicyDefinitions
{
    public Dictionary<string, List<string>> Roles { get; } = new(StringComparer.Ordinal);
    public Dictionary<string, string> Aliases { get; } = new(StringComparer.Ordinal);

    public static PolicyDefinitions Read(IEnumerable<string> files)
    {
        var result = new PolicyDefinitions();
        foreach (var file in files)
        {
            try
            {
                var stream = new YamlStream();
                stream.Load(new StringReader(File.ReadAllText(file)));
                if (stream.Documents.Count == 0 || stream.Documents[0].RootNode is not YamlMappingNode root)
                {
                    continue;
                }

                if (Child(root, "identities") is YamlMappingNode ids)
                {
                    foreach (var (k, v) in ids.Children)
                    {
                        result.Aliases[Text(k)] = Text(v);
                    }
                }

                if (Child(root, "roles") is YamlMappingNode roles)
                {
                    foreach (var (k, v) in roles.Children)
                    {
                        var grants = new List<string>();
                        if (v is YamlMappingNode role && Child(role, "grants") is YamlSequenceNode seq)
                        {
                            grants.AddRange(seq.Select(Text));
                        }

                        result.Roles[Text(k)] = grants;
                    }
                }
            }
#pragma warning disable CA1031 // best effort: the policy loader reports real problems
            catch (Exception)
#pragma warning restore CA1031
            {
                // Shown without role/alias details.
            }
        }

        return result;
    }

    /// <summary>A node in flow style: <c>{ spiffe_ids: [a, b] }</c> becomes <c>spiffe_ids: [a, b]</c>.</summary>
    public static string Text(YamlNode node) => node switch
    {
        YamlScalarNode s => s.Value ?? "",
        YamlSequenceNode q => "[" + string.Join(", ", q.Select(Text)) + "]",
        YamlMappingNode m => string.Join("; ", m.Children.Select(c => Text(c.Key) + ": " + Inner(c.Value))),
        _ => "",
    };

    private static string Inner(YamlNode node) => node is YamlMappingNode ? "{ " + Text(node) + " }" : Text(node);

    private static YamlNode? Child(YamlMappingNode map, string key)
        => map.Children.FirstOrDefault(c => c.Key is YamlScalarNode s && s.Value == key).Value;
}

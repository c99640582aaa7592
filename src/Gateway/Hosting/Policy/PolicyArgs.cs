namespace Gateway.Hosting.Policy;

/// <summary>
/// The arguments of one <c>gateway policy VERB</c>: positionals, <c>--name value</c> options (a name may repeat) and
/// value-less flags (<c>--json</c>). Unknown options are usage errors, so a typo never silently changes a check.
/// </summary>
internal sealed class PolicyArgs
{
    private readonly Dictionary<string, List<string>> _options = new(StringComparer.Ordinal);
    private readonly HashSet<string> _flags = new(StringComparer.Ordinal);

    public List<string> Positionals { get; } = [];

    public static PolicyArgs Parse(IReadOnlyList<string> args, IReadOnlyCollection<string> options, IReadOnlyCollection<string> flags)
    {
        var result = new PolicyArgs();
        for (var i = 0; i < args.Count; i++)
        {
            var a = args[i];
            if (!a.StartsWith("--", StringComparison.Ordinal) || a.Length == 2)
            {
                result.Positionals.Add(a);
                continue;
            }

            var name = a[2..];
            string? value = null;
            var eq = name.IndexOf('=');
            if (eq > 0)
            {
                value = name[(eq + 1)..];
                name = name[..eq];
            }

            if (flags.Contains(name))
            {
                if (value is not null)
                {
                    throw new CommandLineException($"--{name} takes no value");
                }

                result._flags.Add(name);
                continue;
            }

            if (!options.Contains(name))
            {
                throw new CommandLineException($"unknown option --{name}");
            }

            if (value is null)
            {
                if (i + 1 >= args.Count)
                {
                    throw new CommandLineException($"option --{name} needs a value");
                }

                value = args[++i];
            }

            if (!result._options.TryGetValue(name, out var list))
            {
                result._options[name] = list = [];
            }

            list.Add(value);
        }

        return result;
    }

    public bool Has(string flag) => _flags.Contains(flag);

    public string? Get(string name) => _options.TryGetValue(name, out var l) ? l[^1] : null;

    public IReadOnlyList<string> GetAll(string name) => _options.TryGetValue(name, out var l) ? l : [];

    /// <summary><c>k=v</c> pairs of a repeatable option, in order.</summary>
    public List<KeyValuePair<string, string>> Pairs(string name)
    {
        var result = new List<KeyValuePair<string, string>>();
        foreach (var item in GetAll(name))
        {
            var eq = item.IndexOf('=');
            if (eq <= 0)
            {
                throw new CommandLineException($"--{name} '{item}': write NAME=VALUE");
            }

            result.Add(new(item[..eq], item[(eq + 1)..]));
        }

        return result;
    }
}

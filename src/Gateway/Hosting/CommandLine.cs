namespace Gateway.Hosting;

internal sealed class CommandLineException(string message) : Exception(message);

/// <summary><c>--name value</c> options; a name may repeat.</summary>
internal sealed class CommandLine
{
    private readonly Dictionary<string, List<string>> _values = new(StringComparer.Ordinal);

    public static CommandLine Parse(string[] args)
    {
        var cl = new CommandLine();
        for (var i = 0; i < args.Length; i++)
        {
            var a = args[i];
            if (!a.StartsWith("--", StringComparison.Ordinal) || a.Length == 2)
            {
                throw new CommandLineException($"unexpected argument '{a}'");
            }

            var name = a[2..];
            string value;
            var eq = name.IndexOf('=');
            if (eq > 0)
            {
                value = name[(eq + 1)..];
                name = name[..eq];
            }
            else if (i + 1 < args.Length)
            {
                value = args[++i];
            }
            else
            {
                throw new CommandLineException($"option --{name} needs a value");
            }

            if (!cl._values.TryGetValue(name, out var list))
            {
                cl._values[name] = list = [];
            }

            list.Add(value);
        }

        return cl;
    }

    public string? Get(string name) => _values.TryGetValue(name, out var l) ? l[^1] : null;

    public IReadOnlyList<string> GetAll(string name) => _values.TryGetValue(name, out var l) ? l : [];
}

using Gateway.Hosting.Policy;

namespace Gateway.Hosting;

/// <summary>
/// <c>gateway policy VERB</c>: policy-as-code tools that work without a running gateway — test, explain, reach, who,
/// diff. Text by default, JSON with <c>--json</c>; exit 0 on success, 1 on a failed check, 2 on usage or load errors.
/// </summary>
internal static class PolicyVerbs
{
    internal const string DefaultConfig = "config/gateway.json";

    public const string UsageText = """
        usage: gateway policy VERB [options]   (every verb: --config FILE (default config/gateway.json), --json)
          test    [DIR|FILE]                     run policy test files (default: policies/tests next to the config)
          explain --subject S [--issuer I] [--auth-method jwt|mtls|api_key] [--claim K=V]... [--method GET]
                  [--host H] --path P [--route R] [--label K=V]... [--header K=V]... [--query K=V]... [--time ISO] [--all]
                  [--sender-constrained]
                                                 the decision for one request, every matching rule, near misses and why
          reach   --identity S [--issuer I] [--auth-method M] [--claim K=V]... [--sender-constrained]
                                                 every route, method and path the identity can reach, with the rules
          who     --route R [--method M] [--path P] [--host H]
                                                 which identities, roles, aliases and patterns can reach a route
          diff    OLD NEW [--requests FILE] [--allow-flips]
                                                 rules added/removed/changed; with requests (JSONL, an audit log, or a
                                                 test file), every request whose decision flips (exit 1 unless --allow-flips)
        """;

    public static int Run(string[] args, TextWriter output, TextWriter error)
    {
        if (args.Length == 0 || args[0] is "help" or "--help" or "-h")
        {
            (args.Length == 0 ? error : output).WriteLine(UsageText);
            return args.Length == 0 ? 2 : 0;
        }

        var rest = args[1..];
        try
        {
            return args[0] switch
            {
                "test" => PolicyTestCommand.Run(rest, output, error),
                "explain" => PolicyExplainCommand.Run(rest, output, error),
                "reach" => PolicyReachCommand.Run(rest, output, error),
                "who" => PolicyWhoCommand.Run(rest, output, error),
                "diff" => PolicyDiffCommand.Run(rest, output, error),
                _ => throw new CommandLineException($"unknown policy verb '{args[0]}'"),
            };
        }
        catch (CommandLineException ex)
        {
            error.WriteLine("error: " + ex.Message);
            error.WriteLine(UsageText);
            return 2;
        }
    }
}

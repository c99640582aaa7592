using System.Text;
using PolicyCore.Compilation;
using PolicyCore.Diagnostics;
using PolicyCore.Syntax;
using PolicyCore.Validation;

namespace PolicyCore;

/// <summary>
/// Parse → validate → compile. All files given together form one policy; every diagnostic from every file is returned
/// at once, and the policy is built only when there is no error.
/// </summary>
public static class PolicyLoader
{
    /// <summary>Largest policy file accepted, in bytes (1 MiB).</summary>
    public const int MaxFileBytes = 1024 * 1024;

    public static PolicyLoadResult LoadFiles(IReadOnlyList<string> paths, long revision = 0, IReadOnlySet<string>? knownRouteIds = null)
    {
        ArgumentNullException.ThrowIfNull(paths);
        var diagnostics = new DiagnosticBag();
        var files = new List<PolicyFileSyntax>(paths.Count);
        if (paths.Count == 0)
        {
            diagnostics.Error(
                DiagnosticCodes.FileUnreadable, "(none)", SourcePosition.Start, "no policy files were given",
                "give at least one policy file; an empty policy would deny everything");
        }

        foreach (var path in paths)
        {
            var text = ReadFile(path, diagnostics);
            if (text is not null)
            {
                files.Add(Parse(path, text, diagnostics));
            }
        }

        return Finish(files, paths, revision, knownRouteIds, diagnostics);
    }

    public static PolicyLoadResult LoadText(string fileName, string yaml, long revision = 0, IReadOnlySet<string>? knownRouteIds = null)
    {
        ArgumentNullException.ThrowIfNull(fileName);
        ArgumentNullException.ThrowIfNull(yaml);
        var diagnostics = new DiagnosticBag();
        var files = new List<PolicyFileSyntax>(1);
        if (yaml.Length > MaxFileBytes || Encoding.UTF8.GetByteCount(yaml) > MaxFileBytes)
        {
            TooLarge(fileName, diagnostics);
        }
        else
        {
            files.Add(Parse(fileName, yaml, diagnostics));
        }

        return Finish(files, [fileName], revision, knownRouteIds, diagnostics);
    }

    private static PolicyFileSyntax Parse(string file, string text, DiagnosticBag diagnostics)
    {
        var errorsBefore = diagnostics.Count;
        var root = YamlTreeReader.Read(file, text, diagnostics);
        if (root is null && diagnostics.Count > errorsBefore)
        {
            return new PolicyFileSyntax(file); // syntax error already reported; don't pile "missing version" on top
        }

        return PolicySyntaxParser.Parse(file, root, diagnostics);
    }

    private static PolicyLoadResult Finish(
        List<PolicyFileSyntax> files, IReadOnlyList<string> sourceFiles, long revision, IReadOnlySet<string>? knownRouteIds, DiagnosticBag diagnostics)
    {
        PolicyValidator.Validate(files, knownRouteIds, diagnostics);
        var policy = diagnostics.HasErrors ? null : PolicyCompiler.Compile(files, sourceFiles, revision);
        return new PolicyLoadResult(policy, diagnostics.ToSortedArray(sourceFiles));
    }

    private static string? ReadFile(string path, DiagnosticBag diagnostics)
    {
        if (string.IsNullOrWhiteSpace(path))
        {
            diagnostics.Error(DiagnosticCodes.FileUnreadable, path ?? "", SourcePosition.Start, "empty policy file path", "give the path of a policy file");
            return null;
        }

        try
        {
            var info = new FileInfo(path);
            if (!info.Exists)
            {
                diagnostics.Error(
                    DiagnosticCodes.FileUnreadable, path, SourcePosition.Start, $"policy file not found: {info.FullName}",
                    "check the path (relative paths are resolved from the working directory)");
                return null;
            }

            if (info.Length > MaxFileBytes)
            {
                TooLarge(path, diagnostics);
                return null;
            }

            return File.ReadAllText(path, Encoding.UTF8);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or ArgumentException or NotSupportedException or System.Security.SecurityException)
        {
            diagnostics.Error(
                DiagnosticCodes.FileUnreadable, path, SourcePosition.Start, $"cannot read the policy file: {ex.Message}",
                "check that the file exists and the process may read it");
            return null;
        }
    }

    private static void TooLarge(string file, DiagnosticBag diagnostics)
        => diagnostics.Error(
            DiagnosticCodes.InputLimitExceeded, file, SourcePosition.Start, $"the policy file is larger than {MaxFileBytes / 1024} KiB",
            "split the policy into several files");
}

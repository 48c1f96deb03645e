namespace Summon.IntegrationTests.Harness;

/// <summary>
/// The published NativeAOT <c>summon</c> executable under test. <c>SUMMON_BIN</c> names it (test.sh sets it);
/// without it the first use publishes <c>src/Summon</c> into <c>artifacts/bin</c> of the repository, once per
/// test run, under <c>flock</c> so concurrent test runs do not publish over each other.
/// </summary>
internal static class SummonBinary
{
    private static readonly Lazy<string> s_path = new(Locate, LazyThreadSafetyMode.ExecutionAndPublication);

    public static string Path => s_path.Value;

    private static string Locate()
    {
        string? fromEnvironment = Environment.GetEnvironmentVariable("SUMMON_BIN");
        if (!string.IsNullOrEmpty(fromEnvironment))
        {
            string full = System.IO.Path.GetFullPath(fromEnvironment);
            if (!File.Exists(full))
            {
                throw new InvalidOperationException($"SUMMON_BIN={fromEnvironment} does not exist.");
            }

            return full;
        }

        string repository = RepositoryRoot.Find();
        string artifacts = System.IO.Path.Combine(repository, "artifacts");
        string output = System.IO.Path.Combine(artifacts, "bin");
        Directory.CreateDirectory(artifacts);
        CommandResult publish = Command.Run(
            "flock",
            [System.IO.Path.Combine(artifacts, ".publish.lock"),
             "dotnet", "publish", System.IO.Path.Combine(repository, "src", "Summon"),
             "-c", "Release", "-o", output, "--nologo"],
            PublishEnvironment(),
            timeout: TimeSpan.FromMinutes(15),
            workingDirectory: repository);
        if (publish.ExitCode != 0)
        {
            throw new InvalidOperationException($"Publishing summon failed.\n{publish}");
        }

        string binary = System.IO.Path.Combine(output, "summon");
        if (!File.Exists(binary))
        {
            throw new InvalidOperationException($"Publish succeeded but {binary} is missing.\n{publish}");
        }

        return binary;
    }

    // `dotnet test` hands the test host MSBuild and VSTest variables meant for itself; a nested `dotnet publish`
    // that inherits them may try to reuse the parent's build nodes or SDK resolver, so they are left out.
    internal static Dictionary<string, string> PublishEnvironment()
    {
        var environment = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (System.Collections.DictionaryEntry entry in Environment.GetEnvironmentVariables())
        {
            string key = (string)entry.Key;
            if (key.StartsWith("MSBUILD", StringComparison.OrdinalIgnoreCase)
                || key.StartsWith("VSTEST", StringComparison.OrdinalIgnoreCase)
                || key.Equals("DOTNET_HOST_PATH", StringComparison.Ordinal))
            {
                continue;
            }

            environment[key] = (string?)entry.Value ?? "";
        }

        return environment;
    }
}

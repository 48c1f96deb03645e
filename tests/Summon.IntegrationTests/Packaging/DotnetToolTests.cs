using Summon.IntegrationTests.Harness;

namespace Summon.IntegrationTests.Packaging;

/// <summary>
/// The .NET tool package: `dotnet tool install summon` from a local feed gives the NativeAOT summon. The feed is
/// SUMMON_TOOL_FEED (test.sh packs it beside the published binary); without it the test packs src/Summon itself.
/// NuGet's package cache and sources are private to the test, so no earlier build and no nuget.org package named
/// summon can stand in for this one.
/// </summary>
public sealed class DotnetToolTests
{
    [Fact]
    public void Tool_installs_from_a_local_feed_and_runs()
    {
        using var root = new TempRoot();
        string feed = Environment.GetEnvironmentVariable("SUMMON_TOOL_FEED") is { Length: > 0 } given ? given : Pack(root);
        Assert.Contains(Directory.GetFiles(feed, "*.nupkg"), p => Path.GetFileName(p).StartsWith("summon.linux-x64.", StringComparison.Ordinal));

        string config = root.WriteFile("nuget.config", $"""
            <?xml version="1.0" encoding="utf-8"?>
            <configuration>
              <packageSources>
                <clear />
                <add key="local" value="{feed}" />
              </packageSources>
            </configuration>
            """);
        var environment = new Dictionary<string, string>(SummonBinary.PublishEnvironment())
        {
            ["NUGET_PACKAGES"] = Path.Combine(root.Dir, "nuget-packages"),
            ["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1",
            ["DOTNET_NOLOGO"] = "1",
        };
        string tools = Path.Combine(root.Dir, "tools");
        CommandResult install = Command.Run("dotnet", ["tool", "install", "summon", "--tool-path", tools, "--configfile", config],
            environment, timeout: TimeSpan.FromMinutes(3), workingDirectory: root.Dir);
        Assert.True(install.ExitCode == 0, install.ToString());

        string installed = Path.Combine(tools, "summon");
        CommandResult version = Command.Run(installed, ["--version"]);
        CommandResult published = Command.Run(SummonBinary.Path, ["--version"]);
        Assert.True(version.ExitCode == 0 && version.StdOut == published.StdOut, $"{version}\n{published}");

        // The installed tool is the native executable, not a framework-dependent app: it works with no dotnet on PATH.
        (string socketPath, string servicePath) = DemoUnits.Write(root, FreePort.Tcp());
        var bare = new Dictionary<string, string>(root.Environment) { ["PATH"] = "/usr/bin:/bin" };
        CommandResult verify = Command.Run(installed, ["verify", servicePath, socketPath], bare);
        Assert.True(verify is { ExitCode: 0, StdOut: "", StdErr: "" }, verify.ToString());
    }

    /// <summary>packaging/dotnet-tool/pack.sh into the test's own feed.</summary>
    private static string Pack(TempRoot root)
    {
        string repository = RepositoryRoot.Find();
        string feed = Path.Combine(root.Dir, "feed");
        CommandResult pack = Command.Run(Path.Combine(repository, "packaging", "dotnet-tool", "pack.sh"), ["--out", feed],
            SummonBinary.PublishEnvironment(), timeout: TimeSpan.FromMinutes(15), workingDirectory: repository);
        Assert.True(pack.ExitCode == 0, pack.ToString());
        return feed;
    }
}

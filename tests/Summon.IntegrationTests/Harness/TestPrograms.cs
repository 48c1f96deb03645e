namespace Summon.IntegrationTests.Harness;

/// <summary>
/// The real peers under tests/Programs, built once per test run: <c>listen-check</c>, <c>without-clone3</c> and
/// <c>sandbox-probe</c> (C, cc)
/// and the Kestrel app
/// (framework-dependent <c>dotnet publish</c>). test.sh builds both and names them with SUMMON_LISTEN_CHECK and
/// SUMMON_KESTREL_APP; without those the first use builds into artifacts/ under <c>flock</c>, like
/// <see cref="SummonBinary"/>.
/// </summary>
internal static class TestPrograms
{
    private static readonly Lazy<string> s_listenCheck = new(LocateListenCheck, LazyThreadSafetyMode.ExecutionAndPublication);
    private static readonly Lazy<string> s_withoutClone3 = new(() => BuildC("without-clone3"), LazyThreadSafetyMode.ExecutionAndPublication);
    private static readonly Lazy<string> s_seccompProbe = new(() => BuildC("seccomp-probe"), LazyThreadSafetyMode.ExecutionAndPublication);
    private static readonly Lazy<string> s_sandboxProbe = new(() => BuildC("sandbox-probe"), LazyThreadSafetyMode.ExecutionAndPublication);
    private static readonly Lazy<string> s_kestrelApp = new(LocateKestrelApp, LazyThreadSafetyMode.ExecutionAndPublication);
    private static readonly Lazy<string> s_dotnet = new(LocateDotnet, LazyThreadSafetyMode.ExecutionAndPublication);

    private static readonly Lazy<string> s_lfdEcho = new(BuildLfdEcho, LazyThreadSafetyMode.ExecutionAndPublication);
    private static readonly Lazy<string> s_loadClient = new(() => BuildBench("loadclient"), LazyThreadSafetyMode.ExecutionAndPublication);

    /// <summary>Full path of bench/src/loadclient: the benchmarks' load generator (connect, one line, half-close, read the
    /// echo), printing its own counts (ok=, fail=, …); built into artifacts/ on first use.</summary>
    public static string LoadClient => s_loadClient.Value;

    /// <summary>Full path of bench/src/lfd-echo: the single-threaded sd_listen_fds echo server of the benchmarks, which
    /// ends on SIGTERM by the default action (built into artifacts/ on first use).</summary>
    public static string LfdEcho => s_lfdEcho.Value;

    /// <summary>Full path of the listen-check executable.</summary>
    public static string ListenCheck => s_listenCheck.Value;

    /// <summary>Full path of without-clone3: runs a program with clone3(2) failing with ENOSYS (a seccomp filter).</summary>
    public static string WithoutClone3 => s_withoutClone3.Value;

    /// <summary>Full path of seccomp-probe: tries what the system-call filters refuse, one "name=errno" line each.</summary>
    public static string SeccompProbe => s_seccompProbe.Value;
    /// <summary>
    /// Full path of sandbox-probe: reports what its sandbox allows, one <c>key=value</c> line per probe (the list is
    /// at the top of tests/Programs/sandbox-probe.c); read it with <see cref="SandboxProbeReport"/>.
    /// </summary>
    public static string SandboxProbe => s_sandboxProbe.Value;

    /// <summary>Full path of KestrelApp.dll, run as <c>dotnet KestrelApp.dll</c>.</summary>
    public static string KestrelAppDll => s_kestrelApp.Value;

    /// <summary>Full path of the <c>dotnet</c> host (units get an absolute ExecStart= path).</summary>
    public static string Dotnet => s_dotnet.Value;

    /// <summary>systemd-socket-proxyd as Debian installs it with systemd.</summary>
    public static string SocketProxyd => "/lib/systemd/systemd-socket-proxyd";

    private static string LocateListenCheck() =>
        Environment.GetEnvironmentVariable("SUMMON_LISTEN_CHECK") is { Length: > 0 } given
            ? Existing(given, "SUMMON_LISTEN_CHECK")
            : BuildC("listen-check");

    /// <summary>tests/Programs/NAME.c built with cc into artifacts/NAME when missing or older than the source.</summary>
    private static string BuildC(string name)
    {
        string repository = RepositoryRoot.Find();
        string source = Path.Combine(repository, "tests", "Programs", name + ".c");
        string artifacts = Path.Combine(repository, "artifacts");
        string output = Path.Combine(artifacts, name);
        Directory.CreateDirectory(artifacts);
        if (!File.Exists(output) || File.GetLastWriteTimeUtc(output) < File.GetLastWriteTimeUtc(source))
        {
            CommandResult build = Command.Run(
                "flock",
                [Path.Combine(artifacts, $".{name}.lock"), "cc", "-O2", "-Wall", "-Wextra", "-Werror", "-o", output, source],
                timeout: TimeSpan.FromMinutes(2),
                workingDirectory: repository);
            if (build.ExitCode != 0)
            {
                throw new InvalidOperationException($"Building {name} failed.\n{build}");
            }
        }

        return output;
    }

    private static string BuildLfdEcho() => BuildBench("lfd-echo", "listen.c");

    /// <summary>bench/src/NAME.c (with <paramref name="extra"/> sources of bench/src) built with cc into artifacts/NAME
    /// when missing or older than the source.</summary>
    private static string BuildBench(string name, params string[] extra)
    {
        string repository = RepositoryRoot.Find();
        string sources = Path.Combine(repository, "bench", "src");
        string artifacts = Path.Combine(repository, "artifacts");
        string output = Path.Combine(artifacts, name);
        Directory.CreateDirectory(artifacts);
        if (!File.Exists(output) || File.GetLastWriteTimeUtc(output) < File.GetLastWriteTimeUtc(Path.Combine(sources, name + ".c")))
        {
            CommandResult build = Command.Run(
                "flock",
                [Path.Combine(artifacts, $".{name}.lock"), "cc", "-O2", "-Wall", "-pthread", "-o", output,
                 Path.Combine(sources, name + ".c"), .. extra.Select(e => Path.Combine(sources, e))],
                timeout: TimeSpan.FromMinutes(2),
                workingDirectory: repository);
            if (build.ExitCode != 0)
                throw new InvalidOperationException($"Building {name} failed.\n{build}");
        }
        return output;
    }

    private static string LocateKestrelApp()
    {
        if (Environment.GetEnvironmentVariable("SUMMON_KESTREL_APP") is { Length: > 0 } given)
        {
            return Existing(given, "SUMMON_KESTREL_APP");
        }

        string repository = RepositoryRoot.Find();
        string artifacts = Path.Combine(repository, "artifacts");
        string output = Path.Combine(artifacts, "kestrel-app");
        Directory.CreateDirectory(artifacts);
        CommandResult publish = Command.Run(
            "flock",
            [Path.Combine(artifacts, ".kestrel-app.lock"),
             "dotnet", "publish", Path.Combine(repository, "tests", "Programs", "KestrelApp"),
             "-c", "Release", "-o", output, "--nologo"],
            SummonBinary.PublishEnvironment(),
            timeout: TimeSpan.FromMinutes(10),
            workingDirectory: repository);
        if (publish.ExitCode != 0)
        {
            throw new InvalidOperationException($"Publishing the Kestrel test app failed.\n{publish}");
        }

        return Existing(Path.Combine(output, "KestrelApp.dll"), "the published Kestrel app");
    }

    private static string LocateDotnet()
    {
        string? path = Environment.GetEnvironmentVariable("PATH");
        foreach (string directory in (path ?? "/usr/bin").Split(':', StringSplitOptions.RemoveEmptyEntries))
        {
            string candidate = Path.Combine(directory, "dotnet");
            if (File.Exists(candidate))
            {
                return candidate;
            }
        }

        return Environment.ProcessPath is { } host && Path.GetFileName(host) == "dotnet"
            ? host
            : throw new InvalidOperationException("No dotnet host on PATH.");
    }

    private static string Existing(string path, string what)
    {
        string full = Path.GetFullPath(path);
        return File.Exists(full) ? full : throw new InvalidOperationException($"{what}: {full} does not exist.");
    }
}

using System.CommandLine;
using System.Globalization;
using System.Reflection;

namespace Summon.Cli.Commands;

/// <summary>
/// demo: the main job of the README. Lays the demo-echo units (embedded, verbatim from examples/demo-echo)
/// into a private unit directory, enables demo-echo.socket, says how to connect, and runs a user-mode manager.
/// </summary>
internal static class DemoVerb
{
    private static readonly string[] Files = ["demo-echo.socket", "demo-echo@.service"];

    public static void AddTo(Command root)
    {
        var port = new Option<int>("--port") { Description = "TCP port for demo-echo.socket", DefaultValueFactory = _ => 9091 };
        var command = new Command("demo", "Run a manager serving the demo-echo example (Accept=yes echo with /bin/cat)") { port };
        command.SetAction(r => Run(r.GetValue(port)));
        root.Subcommands.Add(command);
    }

    private static int Run(int port)
    {
        string? xdg = Environment.GetEnvironmentVariable("XDG_RUNTIME_DIR");
        string baseDir = string.IsNullOrEmpty(xdg)
            ? Path.Combine(Path.GetTempPath(), "summon-demo-" + Summon.Processes.ProcessIdentity.EffectiveUid.ToString(CultureInfo.InvariantCulture))
            : Path.Combine(xdg, "summon-demo");
        string units = Path.Combine(baseDir, "units");
        Environment.SetEnvironmentVariable("SUMMON_UNIT_PATH", units);
        Environment.SetEnvironmentVariable("SUMMON_RUNTIME_DIR", Path.Combine(baseDir, "run"));
        Environment.SetEnvironmentVariable("SUMMON_STATE_DIR", Path.Combine(baseDir, "state"));
        var context = CliContext.Create(user: true, system: false);
        // Only once the manager holds the demo's directories: a second demo must leave the running one's units alone.
        return DaemonVerb.Run(context, claimed: () => LayOut(context, units, baseDir, port));
    }

    /// <summary>Writes and enables the demo's units and says how to try them.</summary>
    private static void LayOut(CliContext context, string units, string baseDir, int port)
    {
        if (Directory.Exists(units))
            Directory.Delete(units, recursive: true);
        Directory.CreateDirectory(units);
        foreach (var file in Files)
        {
            using var resource = Assembly.GetExecutingAssembly().GetManifestResourceStream("demo-echo/" + file)
                ?? throw new InvalidOperationException($"Embedded example {file} is missing.");
            string text = new StreamReader(resource).ReadToEnd();
            if (port != 9091)
                text = text.Replace("127.0.0.1:9091", "127.0.0.1:" + port.ToString(CultureInfo.InvariantCulture), StringComparison.Ordinal);
            File.WriteAllText(Path.Combine(units, file), text);
        }

        foreach (var line in context.Installer.Enable("demo-echo.socket").Changes)
            Console.WriteLine(line);

        string p = port.ToString(CultureInfo.InvariantCulture);
        string summon = ShellWord(Executable());
        Console.WriteLine($"""
            Summon demo: demo-echo.socket listens on 127.0.0.1:{p}; each connection runs one demo-echo@.service (/bin/cat).
              Try:    printf 'socket activation works\n' | {summon} connect 127.0.0.1:{p}
              Then, in another shell:
                export SUMMON_UNIT_PATH={ShellWord(units)} SUMMON_RUNTIME_DIR={ShellWord(Path.Combine(baseDir, "run"))} SUMMON_STATE_DIR={ShellWord(Path.Combine(baseDir, "state"))}
                {summon} --user status demo-echo.socket
                {summon} --user journal -u demo-echo.socket
              Stop with Ctrl-C.
            """);
    }

    /// <summary>
    /// The absolute path of the running executable, which the printed commands call: under `dotnet run` that is the
    /// build output's apphost, since nothing puts `summon` on PATH. A run through the `dotnet` muxer names the dll's
    /// apphost beside it.
    /// </summary>
    private static string Executable()
    {
        string? path = Environment.ProcessPath;
        if (path is null || Path.GetFileName(path) == "dotnet")
            path = Path.Combine(AppContext.BaseDirectory, "summon");
        return Path.GetFullPath(path);
    }

    /// <summary>A word the shell reads back unchanged: as is when it holds only safe characters, else single-quoted.</summary>
    private static string ShellWord(string word) =>
        word.Length > 0 && word.All(c => char.IsAsciiLetterOrDigit(c) || "/._-+:@%,=".Contains(c))
            ? word
            : "'" + word.Replace("'", "'\\''", StringComparison.Ordinal) + "'";
}

using Summon.IntegrationTests.Harness;

namespace Summon.IntegrationTests.Packaging;

/// <summary>
/// `summon completion bash|zsh` driven the way the shells drive it: the completion function is called with the
/// words typed so far, against a running manager for unit names. zsh's completion builtins only exist inside a
/// completion widget, so its test defines stand-ins that print what they were given.
/// </summary>
public sealed class ShellCompletionTests
{
    [Fact]
    public async Task Bash_completes_verbs_options_values_and_unit_names_from_the_manager()
    {
        using var root = new TempRoot();
        DemoUnits.Write(root, FreePort.Tcp());
        string script = WriteScript(root, "bash");
        using DaemonProcess daemon = await DaemonProcess.StartAsync(root);
        Assert.Equal(0, Cli.Run(root, "start", DemoUnits.SocketName).ExitCode);

        // Subsets where a verb or option added later would also be offered.
        Assert.Superset(new HashSet<string>(["start", "status", "stop"]), Bash(root, script, "st").ToHashSet());
        Assert.DoesNotContain("daemon", Bash(root, script, "st"));
        Assert.Superset(new HashSet<string>(["condition", "dump-unit", "security", "timespan", "verify"]), Bash(root, script, "analyze", "").ToHashSet());
        Assert.Superset(new HashSet<string>(["--no-block", "--no-legend", "--no-pager", "--now"]), Bash(root, script, "enable", "--no").ToHashSet());
        Assert.Equal(["bash", "zsh"], Bash(root, script, "completion", ""));
        // Unit files as well as loaded units, templates included, as Debian's systemctl completion gathers them.
        Assert.Equal([DemoUnits.SocketName, DemoUnits.TemplateName], Bash(root, script, "status", "demo"));
        Assert.Equal([DemoUnits.SocketName], Bash(root, script, "--user", "journal", "-u", "demo-echo.s"));
        Assert.Contains(Path.Combine(root.UnitDir, DemoUnits.SocketName), Bash(root, script, "verify", Path.Combine(root.UnitDir, "demo-echo.")));
    }

    [Fact]
    public async Task Zsh_completes_verbs_options_and_unit_names_from_the_manager()
    {
        string? zsh = new[] { "/usr/bin/zsh", "/bin/zsh" }.FirstOrDefault(File.Exists);
        Assert.True(zsh is not null, "zsh is not installed (test.sh installs it)");
        using var root = new TempRoot();
        DemoUnits.Write(root, FreePort.Tcp());
        string script = WriteScript(root, "zsh");
        using DaemonProcess daemon = await DaemonProcess.StartAsync(root);
        Assert.Equal(0, Cli.Run(root, "start", DemoUnits.SocketName).ExitCode);

        Assert.Superset(new HashSet<string>(["start", "status", "stop"]), Zsh(root, zsh, script, "st").ToHashSet());
        Assert.Contains("--now", Zsh(root, zsh, script, "enable", "--"));
        Assert.Contains(DemoUnits.SocketName, Zsh(root, zsh, script, "status", "demo"));
        Assert.Contains(DemoUnits.SocketName, Zsh(root, zsh, script, "journal", "--unit", "demo"));
    }

    private static string WriteScript(TempRoot root, string shell)
    {
        CommandResult generated = Cli.Run(root, "completion", shell);
        Assert.True(generated.ExitCode == 0 && generated.StdErr == "", generated.ToString());
        return root.WriteFile("completion." + shell, generated.StdOut);
    }

    /// <summary>Calls _summon for `summon WORDS…` (the last word being the one completed); returns COMPREPLY sorted.</summary>
    private static string[] Bash(TempRoot root, string script, params string[] words)
    {
        const string Driver = """
            source "$1"; shift
            COMP_WORDS=("$@"); COMP_CWORD=$(( $# - 1 ))
            _summon
            printf '%s\n' "${COMPREPLY[@]}"
            """;
        CommandResult result = Cli.RunProgram(root, "bash", null, ["-c", Driver, "bash", script, SummonBinary.Path, .. words]);
        Assert.True(result.ExitCode == 0, result.ToString());
        return [.. result.StdOutLines.Where(l => l.Length > 0).Distinct().Order(StringComparer.Ordinal)];
    }

    private static string[] Zsh(TempRoot root, string zsh, string script, params string[] words)
    {
        const string Driver = """
            compdef() { : }
            compset() { : }
            _files() { print -r -- @files }
            # compadd keeps what starts with PREFIX, the word being completed, as inside a completion widget.
            compadd() {
                local -a offered
                if [[ $1 == -a ]]; then offered=(${(P)2}); else shift; offered=("$@"); fi
                local word
                for word in $offered; do [[ $word == ${PREFIX}* ]] && print -r -- $word; done
                return 0
            }
            source "$1"; shift
            words=("$@"); CURRENT=$#; PREFIX=${words[CURRENT]}
            _summon
            """;
        CommandResult result = Cli.RunProgram(root, zsh, null, ["-f", "-c", Driver, "zsh", script, SummonBinary.Path, .. words]);
        Assert.True(result.ExitCode == 0 && result.StdErr == "", result.ToString());
        return result.StdOutLines;
    }
}

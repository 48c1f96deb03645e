using Summon.IntegrationTests.Harness;

namespace Summon.IntegrationTests;

/// <summary>
/// mask, unmask, edit and revert through the systemctl name, against a running manager: units live in a vendor
/// directory (the second of SUMMON_UNIT_PATH) and the first is the administrator's, where these verbs write.
/// `edit` runs on a terminal (util-linux script) with $EDITOR set to a small script.
/// </summary>
public sealed class MaskEditTests
{
    private const string Unit = "e.service";
    private const string UnitText = "[Unit]\nDescription=Edit me\n[Service]\nExecStart=/bin/sleep 1000\n";
    private const string MarkerStart = "### Anything between here and the comment below will become the new contents of the file";
    private const string MarkerEnd = "### Lines below this comment will be discarded";

    /// <summary>The etc directory (written) and units directory (vendor), and the systemctl link.</summary>
    private static (string Etc, string Systemctl) Setup(TempRoot root)
    {
        string etc = Path.Combine(root.Dir, "etc");
        Directory.CreateDirectory(etc);
        root.SetEnvironment("SUMMON_UNIT_PATH", $"{etc}:{root.UnitDir}");
        root.WriteUnit(Unit, UnitText);
        string systemctl = Path.Combine(root.Dir, "bin", "systemctl");
        Directory.CreateDirectory(Path.GetDirectoryName(systemctl)!);
        File.CreateSymbolicLink(systemctl, SummonBinary.Path);
        return (etc, systemctl);
    }

    /// <summary>An editor that records what it was given (to $SAW) and inserts two lines after the start marker
    /// (with --full, appends a line).</summary>
    private static string Editor(TempRoot root) => root.WriteFile("bin/edit.sh",
        "#!/bin/sh\ncat \"$1\" > \"$SAW\"\n" +
        $"if grep -q '^{MarkerStart}$' \"$1\"; then sed -i 's/^{MarkerStart}$/&\\n[Service]\\nEnvironment=EDITED=1/' \"$1\"; else echo '# edited' >> \"$1\"; fi\n",
        executable: true);

    [Fact]
    public async Task Mask_makes_the_manager_refuse_the_start_and_unmask_undoes_it()
    {
        using var root = new TempRoot();
        var (etc, systemctl) = Setup(root);
        using DaemonProcess daemon = await DaemonProcess.StartAsync(root);

        CommandResult mask = Cli.RunProgram(root, systemctl, null, "mask", Unit);
        Assert.True(mask is { ExitCode: 0, StdOut: "" }, mask.ToString());
        Assert.Equal([$"Created symlink {etc}/{Unit} \u2192 /dev/null."], mask.StdErrLines);
        Assert.Equal("/dev/null", new FileInfo(Path.Combine(etc, Unit)).LinkTarget);

        CommandResult start = Cli.RunProgram(root, systemctl, null, "start", Unit);
        Assert.True(start.ExitCode == 1, start.ToString());
        Assert.Equal([$"Failed to start {Unit}: Unit {Unit} is masked."], start.StdErrLines);

        CommandResult status = Cli.RunProgram(root, systemctl, null, "status", Unit);
        Assert.True(status.ExitCode == 3, status.ToString());
        Assert.Contains($"     Loaded: masked (Reason: Unit {Unit} is masked.)", status.StdOutLines);
        Assert.Equal("masked\n", Cli.RunProgram(root, systemctl, null, "is-enabled", Unit).StdOut);

        CommandResult unmask = Cli.RunProgram(root, systemctl, null, "unmask", Unit);
        Assert.True(unmask.ExitCode == 0, unmask.ToString());
        Assert.Equal([$"Removed \"{etc}/{Unit}\"."], unmask.StdErrLines);
        CommandResult started = Cli.RunProgram(root, systemctl, null, "start", Unit);
        Assert.True(started.ExitCode == 0, started.ToString());
        Assert.Equal("active", Cli.IsActive(root, Unit));
        Assert.Equal(0, Cli.Run(root, "stop", Unit).ExitCode);
    }

    [Fact]
    public async Task Edit_writes_the_drop_in_the_editor_filled_in_and_reloads_the_manager()
    {
        using var root = new TempRoot();
        var (etc, systemctl) = Setup(root);
        string saw = Path.Combine(root.Dir, "saw");
        using DaemonProcess daemon = await DaemonProcess.StartAsync(root);

        CommandResult edit = Tty.Run(Tty.Environment(root, ("EDITOR", Editor(root)), ("SAW", saw)), systemctl, "edit", Unit);
        Assert.True(edit.ExitCode == 0, edit.ToString());

        string dropIn = Path.Combine(etc, Unit + ".d", "override.conf");
        Assert.Equal($"### Editing {dropIn}\n{MarkerStart}\n\n\n\n{MarkerEnd}\n\n### {root.UnitDir}/{Unit}\n" +
            "# [Unit]\n# Description=Edit me\n# [Service]\n# ExecStart=/bin/sleep 1000\n", File.ReadAllText(saw));
        Assert.Equal("[Service]\nEnvironment=EDITED=1\n", File.ReadAllText(dropIn));
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(dropIn));
        Assert.Equal(["override.conf"], Directory.GetFiles(Path.GetDirectoryName(dropIn)!).Select(Path.GetFileName));
        Assert.Equal(dropIn, Cli.ShowOne(root, Unit, "DropInPaths"));

        // Edited again, the current drop-in is what the editor sees between the markers.
        CommandResult again = Tty.Run(Tty.Environment(root, ("EDITOR", "true"), ("SAW", saw)), systemctl, "edit", Unit);
        Assert.True(again.ExitCode == 0, again.ToString());
        Assert.Equal("[Service]\nEnvironment=EDITED=1\n", File.ReadAllText(dropIn));
    }

    [Fact]
    public void Edit_that_changes_nothing_creates_nothing_and_full_edits_a_copy()
    {
        using var root = new TempRoot();
        var (etc, systemctl) = Setup(root);
        string saw = Path.Combine(root.Dir, "saw");

        CommandResult unchanged = Tty.Run(Tty.Environment(root, ("EDITOR", "true")), systemctl, "edit", Unit);
        Assert.True(unchanged.ExitCode == 0, unchanged.ToString());
        Assert.Contains($"Editing \"{etc}/{Unit}.d/override.conf\" canceled: temporary file is empty.", unchanged.StdOut);
        Assert.False(Directory.Exists(Path.Combine(etc, Unit + ".d")), unchanged.ToString());

        CommandResult fullUnchanged = Tty.Run(Tty.Environment(root, ("EDITOR", "true")), systemctl, "edit", "--full", Unit);
        Assert.True(fullUnchanged is { ExitCode: 0, StdOut: "" }, fullUnchanged.ToString());
        Assert.Empty(Directory.GetFileSystemEntries(etc));

        CommandResult full = Tty.Run(Tty.Environment(root, ("EDITOR", Editor(root)), ("SAW", saw)), systemctl, "edit", "--full", Unit);
        Assert.True(full.ExitCode == 0, full.ToString());
        Assert.Equal(UnitText, File.ReadAllText(saw));
        Assert.Equal(UnitText + "# edited\n", File.ReadAllText(Path.Combine(etc, Unit)));

        // revert removes the copy (a vendor version exists) and the drop-ins.
        Assert.Equal(0, Tty.Run(Tty.Environment(root, ("EDITOR", Editor(root)), ("SAW", saw)), systemctl, "edit", Unit).ExitCode);
        CommandResult revert = Cli.RunProgram(root, systemctl, null, "revert", Unit);
        Assert.True(revert.ExitCode == 0, revert.ToString());
        Assert.Equal([$"Removed \"{etc}/{Unit}.d/override.conf\".", $"Removed \"{etc}/{Unit}.d\".", $"Removed \"{etc}/{Unit}\"."], revert.StdErrLines);
        Assert.Empty(Directory.GetFileSystemEntries(etc));
    }

    [Fact]
    public void Edit_refuses_without_a_terminal_a_masked_unit_and_a_unit_without_a_file()
    {
        using var root = new TempRoot();
        var (_, systemctl) = Setup(root);
        var env = Tty.Environment(root, ("EDITOR", "true"));

        CommandResult noTty = Cli.RunProgram(root, systemctl, null, "edit", Unit);
        Assert.True(noTty is { ExitCode: 1, StdOut: "", StdErr: "Cannot edit units if not on a tty.\n" }, noTty.ToString());

        CommandResult missing = Tty.Run(env, systemctl, "edit", "nope.service");
        Assert.True(missing.ExitCode == 1, missing.ToString());
        Assert.Equal("Run 'systemctl edit --force --full nope.service' to create a new unit.\n", missing.StdOut);

        Assert.Equal(0, Cli.RunProgram(root, systemctl, null, "mask", Unit).ExitCode);
        CommandResult masked = Tty.Run(env, systemctl, "edit", Unit);
        Assert.True(masked is { ExitCode: 1, StdOut: $"Cannot edit {Unit}: unit is masked.\n" }, masked.ToString());
    }

    [Fact]
    public void Edit_picks_the_editor_as_systemctl_does()
    {
        using var root = new TempRoot();
        var (etc, systemctl) = Setup(root);
        string log = Path.Combine(root.Dir, "editors");
        foreach (string name in (string[])["systemd-editor", "env-editor", "editor"])
            root.WriteFile($"bin/{name}", $"#!/bin/sh\necho {name} >> {log}\n", executable: true);
        string bin = Path.Combine(root.Dir, "bin");

        Tty.Run(Tty.Environment(root, ("SYSTEMD_EDITOR", $"{bin}/systemd-editor"), ("EDITOR", $"{bin}/env-editor")), systemctl, "edit", Unit);
        Tty.Run(Tty.Environment(root, ("EDITOR", $"{bin}/env-editor"), ("VISUAL", "/nonexistent")), systemctl, "edit", Unit);
        Tty.Run(Tty.Environment(root, ("EDITOR", "/nonexistent/editor"), ("PATH", $"{bin}:{root.Environment["PATH"]}")), systemctl, "edit", Unit);
        Assert.Equal("systemd-editor\nenv-editor\neditor\n", File.ReadAllText(log));
        Assert.Empty(Directory.GetFileSystemEntries(etc));
    }
}

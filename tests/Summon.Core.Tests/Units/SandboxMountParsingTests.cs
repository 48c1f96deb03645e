using Summon.Units;

namespace Summon.Core.Tests.Units;

/// <summary>The file-system keys of the sandbox (issue 14, mounts) as systemd 252 reads them (the warnings as
/// `systemd-analyze verify` prints them for the same lines).</summary>
public sealed class SandboxMountParsingTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("summon-mounts-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private (SandboxMountSettings Mounts, string[] Warnings) Load(string lines)
    {
        File.WriteAllText(Path.Combine(_dir, "a.service"), $"[Service]\nExecStart=/bin/true\n{lines}\n");
        var loader = new UnitLoader(UnitSearchPath.FromDirectories([_dir]), new SpecifierContext { Hostname = "vm" });
        LoadedUnit unit = loader.Load(UnitName.Parse("a.service"));
        return (unit.Service!.Exec.Mounts, [.. unit.Diagnostics.Select(d => d.Message)]);
    }

    [Fact]
    public void ReadsEveryKeyWithItsPrefixesAndOptions()
    {
        var (m, warnings) = Load("""
            ProtectSystem=strict
            ProtectHome=read-only
            PrivateTmp=yes
            PrivateDevices=yes
            ProtectKernelTunables=yes
            ProtectKernelModules=yes
            ProtectKernelLogs=yes
            ProtectControlGroups=yes
            PrivateMounts=yes
            MountFlags=slave
            ReadWritePaths=-/var/lib/a +/b -+/c
            ReadWriteDirectories=/d
            ReadOnlyPaths=/e//f/
            InaccessiblePaths=-/g
            ExecPaths=/h
            NoExecPaths=/
            TemporaryFileSystem=/i:ro,size=1M /j
            BindPaths=/k -/l:/m:norbind
            BindReadOnlyPaths=/n:/o
            """);
        Assert.Empty(warnings);
        Assert.Equal((ProtectSystemMode.Strict, ProtectHomeMode.ReadOnly, MountPropagation.Slave), (m.ProtectSystem, m.ProtectHome, m.MountFlags));
        Assert.True(m.PrivateTmp && m.PrivateDevices && m.ProtectKernelTunables && m.ProtectKernelModules && m.ProtectKernelLogs && m.ProtectControlGroups);
        Assert.Equal(
            [new("/var/lib/a", true, false), new("/b", false, true), new("/c", true, true), new("/d", false, false)],
            m.ReadWritePaths);
        Assert.Equal([new SandboxPath("/e/f", false, false)], m.ReadOnlyPaths);
        Assert.Equal([new SandboxPath("/g", true, false)], m.InaccessiblePaths);
        Assert.Equal([new SandboxTemporaryFileSystem("/i", "ro,size=1M"), new("/j", "")], m.TemporaryFileSystems);
        Assert.Equal(
            [new SandboxBind("/k", "/k", false, true, false), new("/l", "/m", true, false, false), new("/n", "/o", false, true, true)],
            m.Binds);
    }

    [Fact]
    public void BadValuesWarnAsSystemdDoesAndEmptyResets()
    {
        var (m, warnings) = Load("""
            ProtectSystem=maybe
            ProtectHome=perhaps
            MountFlags=shred
            ReadOnlyPaths=relative
            ReadWritePaths=/a
            ReadWritePaths=
            BindPaths=/a:rel
            BindPaths=/a:/b:/c:/d
            ReadWritePaths=+-/y
            TemporaryFileSystem=rel:ro
            """);
        Assert.Equal(
            [
                "Failed to parse protect system value, ignoring: maybe",
                "Failed to parse protect home value, ignoring: perhaps",
                "Failed to parse mount flag, ignoring: shred",
                "ReadOnlyPaths= path is not absolute, ignoring: relative",
                "BindPaths= path is not absolute, ignoring: rel",
                "Invalid option string, ignoring setting: /c:/d",
                "ReadWritePaths= path is not absolute, ignoring: -/y",
                "TemporaryFileSystem= path is not absolute, ignoring: rel",
            ],
            warnings);
        Assert.Equal((ProtectSystemMode.No, ProtectHomeMode.No), (m.ProtectSystem, m.ProtectHome));
        Assert.Empty(m.ReadWritePaths);
        Assert.False(m.Any(dynamicUser: false));
        Assert.True(m.Any(dynamicUser: true));
    }

    [Fact]
    public void DynamicUserImpliesStrictReadOnlyHomeAndPrivateTmp()
    {
        var (m, _) = Load("ProtectHome=tmpfs");
        Assert.Equal(ProtectSystemMode.Strict, m.EffectiveProtectSystem(dynamicUser: true));
        Assert.Equal(ProtectHomeMode.Tmpfs, m.EffectiveProtectHome(dynamicUser: true));
        Assert.True(m.EffectivePrivateTmp(dynamicUser: true));
        Assert.Equal(ProtectHomeMode.ReadOnly, new SandboxMountSettings().EffectiveProtectHome(dynamicUser: true));
    }
    [Fact]
    public void ReadsTheRootAndProcKeysAndWarnsOnBadValuesAsSystemdDoes()
    {
        var (m, warnings) = Load("""
            ProtectProc=invisible
            ProcSubset=pid
            MountAPIVFS=no
            RootImage=/srv/image.raw
            """);
        Assert.All(warnings, w => Assert.Contains("RootImage=", w, StringComparison.Ordinal));   // refused at start, not applied
        Assert.Equal((ProtectProcMode.Invisible, ProcSubsetMode.Pid, false, "/srv/image.raw"), (m.ProtectProc, m.ProcSubset, m.MountApiVfs, m.RootImage));
        Assert.True(m.EffectiveMountApiVfs(hasRootDirectory: false));   // ProtectProc= implies it

        var (bad, badWarnings) = Load("ProtectProc=hidden\nProcSubset=some\nMountAPIVFS=maybe");
        Assert.Equal(
            ["Failed to parse /proc/ protection mode, ignoring: hidden", "Failed to parse /proc/ subset mode, ignoring: some",
             "Failed to parse boolean value, ignoring: maybe"],
            badWarnings);
        Assert.Equal((ProtectProcMode.Default, ProcSubsetMode.All, null), (bad.ProtectProc, bad.ProcSubset, bad.MountApiVfs));
        Assert.False(bad.Any(dynamicUser: false));
        Assert.True(bad.EffectiveMountApiVfs(hasRootDirectory: true));
        Assert.False(bad.EffectiveMountApiVfs(hasRootDirectory: false));
    }
}

using Summon.Posix;
using Summon.Units;

namespace Summon.Core.Tests.Units;

/// <summary>The system-call filter keys as systemd 252 reads them: the warnings are the ones `systemd-analyze verify`
/// printed for the same lines, and the sets merge as config_parse_syscall_filter() merges them.</summary>
public sealed class SeccompParsingTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("summon-seccomp-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private (SeccompSettings Settings, string[] Warnings) Load(string lines)
    {
        File.WriteAllText(Path.Combine(_dir, "a.service"), $"[Service]\nExecStart=/bin/true\n{lines}\n");
        var loader = new UnitLoader(UnitSearchPath.FromDirectories([_dir]), new SpecifierContext { Hostname = "vm" });
        LoadedUnit unit = loader.Load(UnitName.Parse("a.service"));
        return (unit.Service!.Exec.Seccomp, [.. unit.Diagnostics.Select(d => d.Message)]);
    }

    [Fact]
    public void Bad_values_warn_as_systemd_252_does()
    {
        (_, string[] warnings) = Load("""
            SystemCallFilter=read:EPERM
            SystemCallFilter=@nosuch bogus_call
            SystemCallFilter=~write:EBOGUS
            SystemCallErrorNumber=EBOGUS
            SystemCallErrorNumber=log
            SystemCallArchitectures=native bogus
            RestrictAddressFamilies=AF_BOGUS AF_INET
            RestrictNamespaces=bogus
            SystemCallLog=@nosuch
            SystemCallFilter=~open:4096
            SystemCallErrorNumber=0
            """);
        Assert.Equal(
            [
                "Allow-listed system calls cannot take error number, ignoring: read:EPERM",
                "Unknown system call group, ignoring: @nosuch",
                "Failed to parse system call, ignoring: bogus_call",
                "Failed to parse syscall:errno, ignoring: write:EBOGUS",
                "Failed to parse error number, ignoring: EBOGUS",
                "Failed to parse error number, ignoring: log",
                "Failed to parse system call architecture \"bogus\", ignoring: Invalid argument",
                "Failed to parse address family, ignoring: AF_BOGUS",
                "Failed to parse namespace type string, ignoring: bogus",
                "Unknown system call group, ignoring: @nosuch",
                "Failed to parse syscall:errno, ignoring: open:4096",
                "Invalid error number, ignoring: 0",
            ],
            warnings);
    }

    [Fact]
    public void Good_values_load_without_a_word_and_are_honoured()
    {
        (SeccompSettings s, string[] warnings) = Load("""
            SystemCallFilter=~write:kill read:0 close:4095 @clock:EACCES
            SystemCallErrorNumber=kill
            SystemCallErrorNumber=13
            SystemCallArchitectures=x86-64 x86 x32 arm64
            RestrictAddressFamilies=none
            RestrictAddressFamilies=~AF_UNIX
            RestrictNamespaces=~user net
            RestrictNamespaces=cgroup time
            SystemCallLog=~read
            RestrictRealtime=yes
            LockPersonality=yes
            MemoryDenyWriteExecute=yes
            """);
        Assert.Empty(warnings);
        Assert.False(s.SyscallAllowList);
        Assert.Equal((SeccompSettings.ActionKill, 0, 4095, 13), (s.SyscallFilter!["write"], s.SyscallFilter["read"], s.SyscallFilter["close"], s.SyscallFilter["settimeofday"]));
        Assert.Equal(13, s.SyscallErrorNumber);
        Assert.False(s.AddressFamiliesAllowList);
        Assert.Equal([1], s.AddressFamilies!.ToArray());
        Assert.Equal(SeccompSettings.NamespacesAll & ~0x10000000UL & ~0x40000000UL | 0x02000000 | 0x80, s.NamespacesRetained);
        Assert.Equal((false, true), (s.SyscallLogAllowList, s.SyscallLog!.Contains("read")));
        Assert.False(s.IsEmpty);
    }

    [Fact]
    public void An_allow_list_starts_with_default_and_a_later_deny_line_takes_calls_out()
    {
        // systemd.exec(5): "if you have started with an allow list rule for read() and write(), and right after it add a
        // deny list rule for write(), then write() will be removed from the set."
        (SeccompSettings s, string[] warnings) = Load("SystemCallFilter=read write\nSystemCallFilter=~write\nSystemCallFilter=~ptrace:EPERM");
        Assert.Empty(warnings);
        Assert.True(s.SyscallAllowList);
        Assert.True(s.SyscallFilter!.ContainsKey("read") && s.SyscallFilter.ContainsKey("execve") && !s.SyscallFilter.ContainsKey("write"));
        Assert.Equal(1, s.SyscallFilter["ptrace"]);   // an errno on an allow list's "~" entry keeps it, refused with that errno
        (SeccompSettings reset, _) = Load("SystemCallFilter=read\nSystemCallFilter=");
        Assert.Null(reset.SyscallFilter);
    }

    [Fact]
    public void Booleans_replace_a_namespace_list_and_DynamicUser_implies_RestrictSUIDSGID()
    {
        (SeccompSettings s, _) = Load("RestrictNamespaces=net\nRestrictNamespaces=yes\nDynamicUser=yes");
        Assert.Equal(0UL, s.NamespacesRetained);
        Assert.True(s.RestrictSuidSgidEffective);
        (SeccompSettings none, _) = Load("RestrictAddressFamilies=none");
        Assert.True(none.AddressFamiliesAllowList && !none.IsEmpty);
        (SeccompSettings off, _) = Load("RestrictNamespaces=no\nRestrictAddressFamilies=~AF_UNIX\nRestrictAddressFamilies=");
        Assert.True(off.IsEmpty);
    }

    [Fact]
    public void The_generated_tables_know_the_sets_and_the_numbers()
    {
        Assert.Equal(0, SyscallNumbers.X8664("read"));
        Assert.Equal(101, SyscallNumbers.X8664("ptrace"));
        Assert.Equal(-1, SyscallNumbers.X8664("cacheflush"));
        Assert.Contains("@default", SyscallGroups.Members("@system-service")!);
        Assert.Contains("ptrace", SyscallGroups.Members("@debug")!);
        Assert.Equal((17, 1), (AddressFamilies.Number("AF_PACKET"), AddressFamilies.Number("AF_UNIX")));
        Assert.Equal((1, 117), (ErrnoNames.Number("EPERM"), ErrnoNames.Number("EUCLEAN")));
    }
}

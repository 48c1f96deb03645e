using System.Buffers.Binary;
using Summon.Manager.Exec;
using Summon.Posix;
using Summon.Processes;
using Summon.Units;

namespace Summon.Core.Tests.Processes;

/// <summary>
/// The compiled filters run through a classic-BPF interpreter of the tests' own (the instructions SeccompFilter
/// emits), over struct seccomp_data: what each filter answers for a call. The integration tests (SeccompTests) check
/// the same filters in the kernel with real processes.
/// </summary>
public sealed class SeccompFilterTests
{
    private static uint Run(ulong[] program, uint arch, int nr, params ulong[] args)
    {
        var data = new byte[64];
        BinaryPrimitives.WriteInt32LittleEndian(data, nr);
        BinaryPrimitives.WriteUInt32LittleEndian(data.AsSpan(4), arch);
        for (int i = 0; i < args.Length; i++)
            BinaryPrimitives.WriteUInt64LittleEndian(data.AsSpan(16 + 8 * i), args[i]);
        uint a = 0;
        for (int pc = 0; pc < program.Length; pc++)
        {
            ulong insn = program[pc];
            ushort code = (ushort)insn;
            byte jt = (byte)(insn >> 16), jf = (byte)(insn >> 24);
            uint k = (uint)(insn >> 32);
            switch (code)
            {
                case 0x20: a = BinaryPrimitives.ReadUInt32LittleEndian(data.AsSpan((int)k)); break;
                case 0x54: a &= k; break;
                case 0x15: pc += a == k ? jt : jf; break;
                case 0x25: pc += a > k ? jt : jf; break;
                case 0x45: pc += (a & k) != 0 ? jt : jf; break;
                case 0x06: return k;
                default: throw new InvalidOperationException($"opcode {code:x}");
            }
        }

        throw new InvalidOperationException("fell off the program");
    }

    private static int Nr(string name) => SyscallNumbers.X8664(name);

    private static SeccompFilter Filter(SeccompSettings s, string name) =>
        SeccompPlan.Build(s, new ExecAttributes()).Filters.Single(f => f.Name == name);

    private const uint Allow = SeccompFilter.Allow, X64 = SeccompFilter.ArchX8664;

    [Fact]
    public void An_allow_list_allows_its_calls_and_default_and_kills_the_rest()
    {
        var s = new SeccompSettings { SyscallFilter = new() { ["read"] = -1, ["execve"] = -1, ["ptrace"] = 13 }, SyscallAllowList = true };
        ulong[] p = Filter(s, "SystemCallFilter=").Compile(X64);
        Assert.Equal(Allow, Run(p, X64, Nr("read")));
        Assert.Equal(SeccompFilter.Errno | 13, Run(p, X64, Nr("ptrace")));
        Assert.Equal(SeccompFilter.KillProcess, Run(p, X64, Nr("write")));
        Assert.Equal(SeccompFilter.Errno | 38, Run(p, SeccompFilter.ArchI386, 3));
        Assert.Equal(SeccompFilter.Errno | 38, Run(p, X64, 0x40000000 | Nr("read")));
    }

    [Fact]
    public void A_deny_list_refuses_with_SystemCallErrorNumber()
    {
        var s = new SeccompSettings { SyscallFilter = new() { ["ptrace"] = -1, ["acct"] = SeccompSettings.ActionKill }, SyscallErrorNumber = 117 };
        ulong[] p = Filter(s, "SystemCallFilter=").Compile(X64);
        Assert.Equal((SeccompFilter.Errno | 117, SeccompFilter.KillProcess, Allow),
            (Run(p, X64, Nr("ptrace")), Run(p, X64, Nr("acct")), Run(p, X64, Nr("getpid"))));
    }

    [Fact]
    public void Argument_rules_check_the_flags_systemd_checks()
    {
        var mdwe = Filter(new SeccompSettings { MemoryDenyWriteExecute = true }, "MemoryDenyWriteExecute=").Compile(X64);
        Assert.Equal(SeccompFilter.Errno | 1, Run(mdwe, X64, Nr("mmap"), 0, 4096, 3 | 4));
        Assert.Equal(Allow, Run(mdwe, X64, Nr("mmap"), 0, 4096, 1 | 4));
        Assert.Equal(SeccompFilter.Errno | 1, Run(mdwe, X64, Nr("mprotect"), 0, 4096, 4));

        var rt = Filter(new SeccompSettings { RestrictRealtime = true }, "RestrictRealtime=").Compile(X64);
        Assert.Equal((SeccompFilter.Errno | 1, SeccompFilter.Errno | 1, Allow, Allow, SeccompFilter.Errno | 1, SeccompFilter.Errno | 1),
            (Run(rt, X64, Nr("sched_setscheduler"), 0, 1), Run(rt, X64, Nr("sched_setscheduler"), 0, 2), Run(rt, X64, Nr("sched_setscheduler"), 0, 3),
             Run(rt, X64, Nr("sched_setscheduler"), 0, 5), Run(rt, X64, Nr("sched_setscheduler"), 0, 0x40000000), Run(rt, X64, Nr("sched_setscheduler"), 0, 1UL << 32)));

        var af = Filter(new SeccompSettings { AddressFamilies = [1, 2], AddressFamiliesAllowList = true }, "RestrictAddressFamilies=").Compile(X64);
        Assert.Equal((Allow, Allow, SeccompFilter.Errno | 97, SeccompFilter.Errno | 97, Allow),
            (Run(af, X64, Nr("socket"), 1), Run(af, X64, Nr("socket"), 2), Run(af, X64, Nr("socket"), 0), Run(af, X64, Nr("socket"), 17),
             Run(af, X64, Nr("socketpair"), 17)));

        var ns = Filter(new SeccompSettings { NamespacesRetained = 0x40000000 }, "RestrictNamespaces=").Compile(X64);
        Assert.Equal((Allow, SeccompFilter.Errno | 1, SeccompFilter.Errno | 1, SeccompFilter.Errno | 38, Allow),
            (Run(ns, X64, Nr("unshare"), 0x40000000), Run(ns, X64, Nr("unshare"), 0x10000000), Run(ns, X64, Nr("setns"), 3, 0),
             Run(ns, X64, Nr("clone3")), Run(ns, X64, Nr("clone"), 17)));
    }

    [Fact]
    public void SystemCallArchitectures_native_kills_other_ABIs()
    {
        ulong[] p = Filter(new SeccompSettings { SyscallArchitectures = ["native"] }, "SystemCallArchitectures=").Compile(X64);
        Assert.Equal((Allow, SeccompFilter.KillProcess, SeccompFilter.KillProcess),
            (Run(p, X64, Nr("read")), Run(p, SeccompFilter.ArchI386, 3), Run(p, X64, 0x40000000)));
    }

    [Fact]
    public void The_filters_come_in_systemd_order_with_the_call_filter_last()
    {
        var s = new SeccompSettings
        {
            SyscallFilter = new() { ["read"] = -1 }, SyscallAllowList = true, AddressFamilies = [1], AddressFamiliesAllowList = true,
            LockPersonality = true, ProtectClock = true, MemoryDenyWriteExecute = true,
        };
        SeccompProgram program = SeccompPlan.Build(s, new ExecAttributes());
        Assert.Equal(["RestrictAddressFamilies=", "MemoryDenyWriteExecute=", "ProtectClock=", "LockPersonality=", "SystemCallFilter="],
            program.Filters.Select(f => f.Name));
        Assert.Equal((232, 228), (program.Filters[0].ExitStatus, program.Filters[^1].ExitStatus));
        Assert.Equal(program.Size, BinaryPrimitives.ReadInt32LittleEndian(program.Block));
    }
}

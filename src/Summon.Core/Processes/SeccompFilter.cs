namespace Summon.Processes;

/// <summary>
/// One seccomp filter as the kernel runs it: a classic BPF program over struct seccomp_data that checks the audit
/// architecture (calls of another ABI get <see cref="ForeignAction"/>, x32's numbers included), then tries its
/// <see cref="Rules"/> in order and returns the first matching rule's action, else <see cref="DefaultAction"/>.
/// Each filter is installed on its own, as systemd installs one per setting, so the kernel's precedence between
/// their actions is the same as under systemd.
/// </summary>
internal sealed class SeccompFilter
{
    /// <summary>SECCOMP_RET_* actions.</summary>
    public const uint KillProcess = 0x80000000, Trap = 0x00030000, Errno = 0x00050000, Log = 0x7ffc0000, Allow = 0x7fff0000;

    /// <summary>AUDIT_ARCH_X86_64, AUDIT_ARCH_I386, AUDIT_ARCH_AARCH64, AUDIT_ARCH_ARM.</summary>
    public const uint ArchX8664 = 0xc000003e, ArchI386 = 0x40000003, ArchAarch64 = 0xc00000b7, ArchArm = 0x40000028;

    /// <summary>__X32_SYSCALL_BIT: x32 calls come with the x86-64 audit architecture and this bit in their number.</summary>
    public const uint X32Bit = 0x40000000;

    /// <summary>The most instructions the kernel takes in one filter (BPF_MAXINSNS).</summary>
    public const int MaxInstructions = 4096;

    // Classic BPF opcodes (linux/bpf_common.h).
    private const ushort LdAbs = 0x20, JeqK = 0x15, JgtK = 0x25, JsetK = 0x45, RetK = 0x06, AndK = 0x54;
    private const int OffNr = 0, OffArch = 4, OffArgs = 16;
    private const int ToEnd = -1;

    public SeccompFilter(string name, int exitStatus, uint defaultAction)
    {
        Name = name;
        ExitStatus = exitStatus;
        DefaultAction = defaultAction;
    }

    /// <summary>The setting this filter applies ("SystemCallFilter=", "RestrictNamespaces=", …), for messages and tests.</summary>
    public string Name { get; }

    /// <summary>systemd's exit status when the kernel refuses this filter (228 SECCOMP, 232 ADDRESS_FAMILIES).</summary>
    public int ExitStatus { get; }

    public uint DefaultAction { get; }

    /// <summary>What a call of another ABI (i386 through int 0x80, x32) gets: the tables here are the native ones, so such
    /// a call cannot be checked and is refused (ENOSYS, as on a kernel without that ABI) unless the filter says more.</summary>
    public uint ForeignAction { get; init; } = Errno | 38;

    /// <summary>Audit architectures other than the native one that get <see cref="Allow"/> (SystemCallArchitectures=).</summary>
    public uint[] AllowedArchitectures { get; init; } = [];

    /// <summary>x32 calls are allowed (SystemCallArchitectures=x32).</summary>
    public bool AllowX32 { get; init; }

    public List<SeccompRule> Rules { get; } = [];

    /// <summary>The program's instructions (struct sock_filter: code, jt, jf, k) for <paramref name="nativeArch"/>.</summary>
    public ulong[] Compile(uint nativeArch)
    {
        var code = new List<ulong>(8 + Rules.Count * 3);
        code.Add(Insn(LdAbs, 0, 0, OffArch));
        code.Add(Insn(JeqK, (byte)(AllowedArchitectures.Length * 2 + 1), 0, nativeArch));
        foreach (uint arch in AllowedArchitectures)
        {
            code.Add(Insn(JeqK, 0, 1, arch));
            code.Add(Insn(RetK, 0, 0, Allow));
        }

        code.Add(Insn(RetK, 0, 0, ForeignAction));
        code.Add(Insn(LdAbs, 0, 0, OffNr));
        if (nativeArch == ArchX8664)
        {
            code.Add(Insn(JsetK, 0, 1, X32Bit));
            code.Add(Insn(RetK, 0, 0, AllowX32 ? Allow : ForeignAction));
        }

        bool holdsNumber = true;
        var rule = new List<(ushort Code, int Jt, int Jf, uint K)>(16);
        foreach (SeccompRule r in Rules)
        {
            rule.Clear();
            if (!holdsNumber)
                rule.Add((LdAbs, 0, 0, OffNr));
            rule.Add((JeqK, 0, ToEnd, (uint)r.Number));
            foreach (SeccompCondition c in r.Conditions)
                AddCondition(rule, c);
            rule.Add((RetK, 0, 0, r.Action));
            holdsNumber = r.Conditions.Length == 0;
            for (int i = 0; i < rule.Count; i++)
            {
                var (op, jt, jf, k) = rule[i];
                code.Add(Insn(op, Offset(jt, i, rule.Count), Offset(jf, i, rule.Count), k));
            }
        }

        code.Add(Insn(RetK, 0, 0, DefaultAction));
        if (code.Count > MaxInstructions)
            throw new InvalidOperationException($"{Name}: the filter needs {code.Count} instructions, more than the kernel's {MaxInstructions}.");
        return [.. code];
    }

    private static void AddCondition(List<(ushort, int, int, uint)> rule, SeccompCondition c)
    {
        uint lo = (uint)(OffArgs + 8 * c.Argument), hi = lo + 4;
        switch (c.Compare)
        {
            case SeccompCompare.AnyBit:
                rule.Add((LdAbs, 0, 0, lo));
                rule.Add((JsetK, 0, ToEnd, c.Value));
                break;
            case SeccompCompare.AllBits:
                rule.Add((LdAbs, 0, 0, lo));
                rule.Add((AndK, 0, 0, c.Value));
                rule.Add((JeqK, 0, ToEnd, c.Value));
                break;
            case SeccompCompare.Equal:
                rule.Add((LdAbs, 0, 0, lo));
                rule.Add((JeqK, 0, ToEnd, c.Value));
                break;
            case SeccompCompare.NotEqual:
                rule.Add((LdAbs, 0, 0, lo));
                rule.Add((JeqK, ToEnd, 0, c.Value));
                break;
            case SeccompCompare.Above:
                rule.Add((LdAbs, 0, 0, hi));
                rule.Add((JeqK, 0, 2, 0));
                rule.Add((LdAbs, 0, 0, lo));
                rule.Add((JgtK, 0, ToEnd, c.Value));
                break;
        }
    }

    /// <summary>A jump to the end of the rule (the next rule) from instruction <paramref name="at"/>.</summary>
    private static byte Offset(int jump, int at, int count) => (byte)(jump == ToEnd ? count - at - 1 : jump);

    private static ulong Insn(ushort code, byte jt, byte jf, uint k) => code | ((ulong)jt << 16) | ((ulong)jf << 24) | ((ulong)k << 32);
}

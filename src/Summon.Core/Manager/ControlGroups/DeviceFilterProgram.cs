namespace Summon.Manager.ControlGroups;

/// <summary>
/// The cgroup2 device filter (BPF_PROG_TYPE_CGROUP_DEVICE) for a list of <see cref="DeviceRule"/>s: an access is
/// allowed when one rule's class, numbers and access letters cover it, else refused (EPERM), as the v1 devices
/// controller answers after "a" was denied. Its context is struct bpf_cgroup_dev_ctx: access_type (the access bits in
/// the upper half, the class in the lower), major, minor.
/// </summary>
internal static class DeviceFilterProgram
{
    /// <summary>BPF_DEVCG_DEV_BLOCK and BPF_DEVCG_DEV_CHAR.</summary>
    public const int Block = 1, Char = 2;

    private const short OffAccessType = 0, OffMajor = 4, OffMinor = 8;

    public static ulong[] Build(IReadOnlyList<DeviceRule> rules)
    {
        var a = new BpfAssembler();
        a.LoadWord(BpfAssembler.R2, BpfAssembler.R1, OffAccessType);
        a.Alu32Imm(BpfAssembler.And, BpfAssembler.R2, 0xffff);
        a.LoadWord(BpfAssembler.R3, BpfAssembler.R1, OffAccessType);
        a.Alu32Imm(BpfAssembler.Rsh, BpfAssembler.R3, 16);
        a.LoadWord(BpfAssembler.R4, BpfAssembler.R1, OffMajor);
        a.LoadWord(BpfAssembler.R5, BpfAssembler.R1, OffMinor);
        foreach (var rule in rules)
        {
            int next = a.NewLabel();
            a.Jump32(BpfAssembler.Jne, BpfAssembler.R2, rule.Kind == 'b' ? Block : Char, next);
            // The access asked for must be within the rule's: nothing left once its letters are masked out.
            a.Alu64Reg(BpfAssembler.Mov, BpfAssembler.R0, BpfAssembler.R3);
            a.Alu32Imm(BpfAssembler.And, BpfAssembler.R0, ~(int)rule.Access);
            a.Jump32(BpfAssembler.Jne, BpfAssembler.R0, 0, next);
            if (rule.Major is { } major)
                a.Jump32(BpfAssembler.Jne, BpfAssembler.R4, (int)major, next);
            if (rule.Minor is { } minor)
                a.Jump32(BpfAssembler.Jne, BpfAssembler.R5, (int)minor, next);
            a.Return(1);
            a.Place(next);
        }
        a.Return(0);
        return a.Finish();
    }
}

namespace Summon.Manager.ControlGroups;

/// <summary>
/// Writes eBPF instructions (struct bpf_insn: opcode, dst and src registers, offset, immediate, one 64-bit word each)
/// with jumps to labels placed later, for the cgroup programs Summon builds by hand (<see cref="DeviceFilterProgram"/>,
/// <see cref="IpFilterProgram"/>). Only forward jumps: the kernel's verifier refuses loops.
/// </summary>
internal sealed class BpfAssembler
{
    // Instruction classes, sizes, operations and sources of linux/bpf.h and bpf_common.h.
    public const byte Ldx = 0x01, Alu = 0x04, Jmp = 0x05, Jmp32 = 0x06, Alu64 = 0x07;
    public const byte Word = 0x00, Mem = 0x60;
    public const byte Add = 0x00, And = 0x50, Rsh = 0x70, Mov = 0xb0;
    public const byte Ja = 0x00, Jeq = 0x10, Jne = 0x50, Call = 0x80, Exit = 0x90;
    public const byte K = 0x00, X = 0x08;

    /// <summary>R0 the result, R1–R5 arguments (clobbered by calls), R6–R9 kept across calls, R10 the frame pointer.</summary>
    public const byte R0 = 0, R1 = 1, R2 = 2, R3 = 3, R4 = 4, R5 = 5, R6 = 6, R7 = 7, R8 = 8, R10 = 10;

    private readonly List<ulong> _code = [];
    private readonly List<int> _labels = [];
    private readonly List<(int At, int Label)> _jumps = [];

    public int Count => _code.Count;

    public static ulong Encode(byte code, byte dst, byte src, short offset, int immediate) =>
        code | ((ulong)(byte)(dst | (src << 4)) << 8) | ((ulong)(ushort)offset << 16) | ((ulong)(uint)immediate << 32);

    public void Emit(byte code, byte dst, byte src, short offset, int immediate) => _code.Add(Encode(code, dst, src, offset, immediate));

    /// <summary>dst = *(u32 *)(src + offset).</summary>
    public void LoadWord(byte dst, byte src, short offset) => Emit(Ldx | Mem | Word, dst, src, offset, 0);

    /// <summary>A 64-bit ALU operation with an immediate (sign-extended) or a register.</summary>
    public void Alu64Imm(byte op, byte dst, int immediate) => Emit((byte)(Alu64 | op | K), dst, 0, 0, immediate);

    public void Alu64Reg(byte op, byte dst, byte src) => Emit((byte)(Alu64 | op | X), dst, src, 0, 0);

    /// <summary>A 32-bit ALU operation (the upper half of dst becomes zero).</summary>
    public void Alu32Imm(byte op, byte dst, int immediate) => Emit((byte)(Alu | op | K), dst, 0, 0, immediate);

    public int NewLabel()
    {
        _labels.Add(-1);
        return _labels.Count - 1;
    }

    public void Place(int label) => _labels[label] = _code.Count;

    /// <summary>A conditional jump comparing the low 32 bits of dst with the immediate (JMP32), to <paramref name="label"/>.</summary>
    public void Jump32(byte op, byte dst, int immediate, int label)
    {
        _jumps.Add((_code.Count, label));
        Emit((byte)(Jmp32 | op | K), dst, 0, 0, immediate);
    }

    /// <summary>A 64-bit conditional jump against an immediate, to <paramref name="label"/>.</summary>
    public void Jump64(byte op, byte dst, int immediate, int label)
    {
        _jumps.Add((_code.Count, label));
        Emit((byte)(Jmp | op | K), dst, 0, 0, immediate);
    }

    public void Goto(int label)
    {
        _jumps.Add((_code.Count, label));
        Emit(Jmp | Ja, 0, 0, 0, 0);
    }

    public void CallHelper(int helper) => Emit(Jmp | Call, 0, 0, 0, helper);

    /// <summary>r0 = <paramref name="value"/>; exit.</summary>
    public void Return(int value)
    {
        Emit(Alu64 | Mov | K, R0, 0, 0, value);
        Emit(Jmp | Exit, 0, 0, 0, 0);
    }

    /// <summary>The program with every jump's offset filled in; throws when a label was never placed.</summary>
    public ulong[] Finish()
    {
        foreach ((int at, int label) in _jumps)
        {
            int target = _labels[label];
            if (target < 0)
                throw new InvalidOperationException($"BPF label {label} was never placed");
            int offset = target - at - 1;
            _code[at] = (_code[at] & ~(0xffffUL << 16)) | ((ulong)(ushort)(short)offset << 16);
        }
        return [.. _code];
    }
}

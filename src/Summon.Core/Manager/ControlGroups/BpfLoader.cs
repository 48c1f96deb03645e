using System.Runtime.InteropServices;
using System.Text;
using Summon.Interop;
using Summon.Posix;

namespace Summon.Manager.ControlGroups;

/// <summary>
/// Loads a hand-built program into the kernel (BPF_PROG_LOAD, where the verifier checks it) and attaches it to a
/// cgroup (BPF_PROG_ATTACH with BPF_F_ALLOW_MULTI, as systemd does: a delegated subtree can add filters, not remove
/// ours). The attachment holds the program; the fd can be closed once every cgroup that needs it has it.
/// </summary>
internal static class BpfLoader
{
    /// <summary>bpf_prog_type values.</summary>
    public const int SocketFilter = 1, CgroupSkb = 8, CgroupDevice = 15;

    /// <summary>bpf_attach_type values.</summary>
    public const int Ingress = 0, Egress = 1, Device = 6;

    private const uint AllowMulti = 2;

    // The licence the programs declare; no helper they call is restricted to GPL programs.
    private static readonly byte[] s_license = "Dual MIT/GPL\0"u8.ToArray();

    /// <summary>
    /// The loaded program, or null with the errno (EPERM: no CAP_BPF/CAP_SYS_ADMIN; EINVAL: the verifier refused it,
    /// its words in <paramref name="log"/> when one is given).
    /// </summary>
    public static unsafe SafeFdHandle? Load(int type, int attachType, ulong[] instructions, out int errno, StringBuilder? log = null)
    {
        byte* attr = stackalloc byte[128];
        new Span<byte>(attr, 128).Clear();
        byte[]? logBuffer = log is null ? null : new byte[1 << 16];
        fixed (ulong* code = instructions)
        fixed (byte* license = s_license)
        fixed (byte* logBytes = logBuffer)
        {
            *(uint*)(attr + 0) = (uint)type;
            *(uint*)(attr + 4) = (uint)instructions.Length;
            *(ulong*)(attr + 8) = (ulong)code;
            *(ulong*)(attr + 16) = (ulong)license;
            if (logBuffer is not null)
            {
                *(uint*)(attr + 24) = 1;
                *(uint*)(attr + 28) = (uint)logBuffer.Length;
                *(ulong*)(attr + 32) = (ulong)logBytes;
            }
            Encoding.ASCII.GetBytes("summon").CopyTo(new Span<byte>(attr + 48, 16));
            *(uint*)(attr + 68) = (uint)attachType;
            long fd = Libc.Bpf(Libc.BPF_PROG_LOAD, attr, 72);
            errno = fd < 0 ? Marshal.GetLastPInvokeError() : 0;
            if (logBuffer is not null)
                log!.Append(Encoding.ASCII.GetString(logBuffer, 0, Math.Max(0, Array.IndexOf(logBuffer, (byte)0))));
            return fd < 0 ? null : new SafeFdHandle((int)fd);
        }
    }

    /// <summary>Attaches <paramref name="program"/> to the cgroup open at <paramref name="cgroup"/>: 0, or the errno.</summary>
    public static unsafe int Attach(SafeHandle cgroup, SafeHandle program, int attachType)
    {
        bool cgroupRef = false, programRef = false;
        try
        {
            cgroup.DangerousAddRef(ref cgroupRef);
            program.DangerousAddRef(ref programRef);
            byte* attr = stackalloc byte[24];
            new Span<byte>(attr, 24).Clear();
            *(uint*)(attr + 0) = (uint)cgroup.DangerousGetHandle();
            *(uint*)(attr + 4) = (uint)program.DangerousGetHandle();
            *(uint*)(attr + 8) = (uint)attachType;
            *(uint*)(attr + 12) = AllowMulti;
            return Libc.Bpf(Libc.BPF_PROG_ATTACH, attr, 20) == 0 ? 0 : Marshal.GetLastPInvokeError();
        }
        finally
        {
            if (programRef)
                program.DangerousRelease();
            if (cgroupRef)
                cgroup.DangerousRelease();
        }
    }

    /// <summary>Describes a load or attach failure for the journal line ("Operation not permitted").</summary>
    public static string Describe(int errno) => Errno.Describe(errno);
}

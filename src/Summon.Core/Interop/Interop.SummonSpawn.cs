using System.Runtime.InteropServices;

namespace Summon.Interop;

/// <summary>
/// The manager's own native spawn routine (Interop/Native/summon_spawn.c): clone3(CLONE_VM) with a C child that maps
/// fds, applies credentials and limits, writes its pid into the prepared LISTEN_PID/SYSTEMD_EXEC_PID values and execs
/// the service: what systemd's exec child does, with no intermediate exec. Linked statically into the
/// NativeAOT binary (DirectPInvoke); under the JIT it is libsummon_spawn.so next to the assemblies.
/// </summary>
internal static unsafe partial class SummonSpawn
{
    internal const string Library = "libsummon_spawn";

    // Keep in step with summon_spawn.c.
    internal const int SETSID = 1, IGNORE_SIGPIPE = 2, UMASK = 4, NICE = 8, UID = 16, GID = 32, GROUPS = 64, SETPGID = 128;

    /// <summary>Flags for the process attributes (issue 13): <see cref="Args.Attrs"/> is set; a session keyring of
    /// the child's own.</summary>
    internal const int ATTRS = 256, KEYRING = 512;

    /// <summary>Flags for the terminal: fd 0 becomes the controlling terminal (forced); <see cref="Args.TtyPath"/> is
    /// reset, hung up before the streams are opened.</summary>
    internal const int CTTY = 1024, CTTY_FORCE = 2048, TTY_RESET = 4096, TTY_VHANGUP = 8192;

    /// <summary>Flags for the sandbox's steps (summon_sandbox.h): <see cref="Args.Mounts"/>,
    /// <see cref="Args.Privileges"/>, <see cref="Args.Seccomp"/> are read.</summary>
    internal const int MOUNTS = 16384, PRIVILEGES = 32768, SECCOMP = 65536;

    /// <summary><see cref="Attrs.Set"/> bits; keep in step with summon_spawn.c.</summary>
    internal const int ATTR_OOM = 1, ATTR_SCHED = 2, ATTR_CPUS = 4, ATTR_NUMA = 8, ATTR_IOPRIO = 16, ATTR_TIMERSLACK = 32,
        ATTR_PERSONALITY = 64, ATTR_SECUREBITS = 128, ATTR_KEYRING_SHARED = 256;

    /// <summary>Words of <see cref="Attrs"/>' CPU and NUMA node masks: CPUs and nodes 0..1023.</summary>
    internal const int MaskWords = 16;

    /// <summary>Mode flag: do not wait for the child's execve (no CLONE_VFORK); a failed step is read back with
    /// <see cref="TakeFailure"/> once the child is reaped.</summary>
    internal const int MODE_ASYNC = 1;

    /// <summary>No step failed. Any other <see cref="Args.FailedStep"/> is systemd's exit status of the failed step
    /// (203 EXEC, 200 CHDIR, 217 USER, …), which is also what the child exited with.</summary>
    internal const int STEP_NONE = 0;

    /// <summary><see cref="Args.Fds"/> values below zero: /dev/null; the file in <see cref="Args.Opens"/> for that
    /// slot, opened by the child; a copy of the child's fd 1.</summary>
    internal const int FD_NULL = -1, FD_OPEN = -2, FD_SAME_AS_1 = -3;

    /// <summary>A file the child opens for one of its stdio slots (struct summon_open).</summary>
    [StructLayout(LayoutKind.Sequential)]
    internal struct Open
    {
        public byte* Path;
        public int Flags;
        public uint Mode;
    }

    [StructLayout(LayoutKind.Sequential)]
    internal struct Rlimit
    {
        public int Resource;
        public int Padding;
        public ulong Soft;
        public ulong Hard;
    }

    [StructLayout(LayoutKind.Sequential)]
    internal struct Args
    {
        public byte* Path;
        public byte** Argv;
        public byte** Envp;
        public byte* Cwd;
        public int* Fds;
        public int FdCount;
        public int Flags;
        public byte* PidDigits0;
        public byte* PidDigits1;
        public uint Umask;
        public int Nice;
        public uint Uid;
        public uint Gid;
        public uint* Groups;
        public int GroupCount;
        public int LimitCount;
        public Rlimit* Limits;
        public Open* Opens;
        public int ExecFd;
        public int Padding;
        public int FailedStep;
        public int FailedErrno;
        public Attrs* Attrs;
        public byte* TtyPath;
        // Control groups: CLONE_INTO_CGROUP's directory fd, its cgroup.procs for the child's own write where clone3
        // could not place it, and the v1 hierarchies' cgroup.procs the child joins (-1, -1, null: none).
        public int CgroupFd;
        public int CgroupProcsFd;
        public int* MoreProcs;
        public int MoreProcsCount;
        public int Padding2;
        // The sandbox (summon_sandbox.h): each read only when its flag is set.
        public void* Mounts;
        public void* Privileges;
        public void* Seccomp;
    }

    /// <summary>struct summon_attrs: the process attributes the child applies.</summary>
    [StructLayout(LayoutKind.Sequential)]
    internal struct Attrs
    {
        public int Set;
        public int OomScoreAdjust;
        public int SchedPolicy;
        public int SchedPriority;
        public int IoPrio;
        public int SecureBits;
        public uint Personality;
        public int NumaPolicy;
        public ulong TimerSlackNs;
        public fixed ulong Cpus[MaskWords];
        public fixed ulong NumaNodes[MaskWords];
    }

    /// <summary>The exec helper's copy of the child's attribute steps: phase 1 before the credentials change (with
    /// the session keyring when <paramref name="keyring"/> is 1), phase 2 after it. 0, or the failed step with
    /// <paramref name="errno"/>.</summary>
    [LibraryImport(Library, EntryPoint = "summon_apply_attrs")]
    internal static partial int ApplyAttrs(Attrs* attrs, int keyring, int phase, long uid, long gid, int* errno);

    /// <summary>0 with the pid and its pidfd (-1 when the kernel gave none), or an errno; in synchronous mode, when a
    /// step in the child failed, <see cref="Args.FailedStep"/> says which (the child is already reaped).</summary>
    [LibraryImport(Library, EntryPoint = "summon_spawn")]
    internal static partial int Spawn(Args* args, int mode, int* pid, int* pidfd);

    /// <summary>For a reaped child started with <see cref="MODE_ASYNC"/>: the step that failed in it (its exit status,
    /// with the errno), or <see cref="STEP_NONE"/> when it reached execve.</summary>
    [LibraryImport(Library, EntryPoint = "summon_spawn_take_failure")]
    internal static partial int TakeFailure(int pid, int* errno);

    /// <summary>How many <see cref="MODE_ASYNC"/> children are on their way to execve, one held there past the native
    /// stuck bound not counted.</summary>
    [LibraryImport(Library, EntryPoint = "summon_spawn_pending")]
    internal static partial int Pending();

    /// <summary>How many <see cref="Pending"/> children make the manager stop accepting (four per CPU).</summary>
    [LibraryImport(Library, EntryPoint = "summon_spawn_depth")]
    internal static partial int Depth();

    /// <summary>Reads the manager's ignored signals once, before the first spawn needs them.</summary>
    [LibraryImport(Library, EntryPoint = "summon_spawn_prepare")]
    internal static partial void Prepare();

    /// <summary>sizeof(struct summon_spawn_args) in the C library: a cheap load-and-layout check.</summary>
    [LibraryImport(Library, EntryPoint = "summon_spawn_abi")]
    internal static partial int Abi();
}

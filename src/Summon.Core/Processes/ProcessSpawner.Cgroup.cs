using System.Globalization;
using System.Runtime.InteropServices;
using Summon.Interop;
using Summon.Posix;

namespace Summon.Processes;

internal static partial class ProcessSpawner
{
    /// <summary>
    /// The fds of a <see cref="ChildCgroup"/> held (DangerousAddRef) for as long as the native routine reads them, as
    /// the values of <see cref="SummonSpawn.Args"/>.
    /// </summary>
    private readonly ref struct CgroupFds
    {
        private readonly ChildCgroup? _cgroup;

        public CgroupFds(ChildCgroup? cgroup)
        {
            _cgroup = cgroup;
            More = cgroup is null ? [] : new int[cgroup.MoreProcs.Count];
            if (cgroup is null)
                return;
            if (More.Length > 8)
                throw new SpawnException("cgroup", Errno.EINVAL, ExitStatusNames.Cgroup);
            bool added = false;
            cgroup.Directory.DangerousAddRef(ref added);
            cgroup.Procs.DangerousAddRef(ref added);
            for (int i = 0; i < More.Length; i++)
            {
                cgroup.MoreProcs[i].DangerousAddRef(ref added);
                More[i] = (int)cgroup.MoreProcs[i].DangerousGetHandle();
            }
        }

        public int[] More { get; }

        public unsafe void Fill(ref SummonSpawn.Args args, int* moreProcs)
        {
            args.CgroupFd = -1;
            args.CgroupProcsFd = -1;
            if (_cgroup is null)
                return;
            args.CgroupFd = (int)_cgroup.Directory.DangerousGetHandle();
            args.CgroupProcsFd = (int)_cgroup.Procs.DangerousGetHandle();
            for (int i = 0; i < More.Length; i++)
                moreProcs[i] = More[i];
            args.MoreProcs = More.Length == 0 ? null : moreProcs;
            args.MoreProcsCount = More.Length;
        }

        public void Dispose()
        {
            if (_cgroup is null)
                return;
            _cgroup.Directory.DangerousRelease();
            _cgroup.Procs.DangerousRelease();
            foreach (var procs in _cgroup.MoreProcs)
                procs.DangerousRelease();
        }
    }

    /// <summary>
    /// Without the in-process routine the child cannot be told to join its cgroup before execve (posix_spawn runs no
    /// code of ours there): the manager moves it right after the spawn. What it forked in between stays outside, a
    /// window the in-process routine (always there in the NativeAOT binary) does not have.
    /// </summary>
    private static unsafe void JoinAfterSpawn(SpawnedProcess process, ChildCgroup cgroup)
    {
        byte[] pid = System.Text.Encoding.ASCII.GetBytes(process.Pid.ToString(CultureInfo.InvariantCulture));
        fixed (byte* p = pid)
        {
            foreach (SafeHandle procs in (SafeHandle[])[.. cgroup.MoreProcs, cgroup.Procs])
                _ = Libc.Write(procs, p, pid.Length);
        }
    }
}

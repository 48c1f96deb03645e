using System.Runtime.CompilerServices;
using Summon.Interop;
using Summon.Posix;

namespace Summon.Processes;

internal static partial class ProcessSpawner
{
    /// <summary>
    /// The request through posix_spawn, of the service itself or of <paramref name="spawnPath"/>, its exec helper
    /// (<paramref name="viaHelper"/>): the fd map in <paramref name="sources"/> (already free of clobbering) as
    /// dup2/open file actions, then closefrom, the working directory, signals and the session as attributes.
    /// </summary>
    [SkipLocalsInit]
    private static unsafe SpawnedProcess SpawnWithPosixSpawn(
        SpawnRequest request, in ComposedArgv argv, string spawnPath, bool viaHelper, ReadOnlySpan<int> sources)
    {
        long* fileActions = stackalloc long[Libc.PosixSpawnFileActionsSize / sizeof(long)];
        long* attr = stackalloc long[Libc.PosixSpawnAttrSize / sizeof(long)];
        bool actionsReady = false, attrReady = false;
        NativeArgBlock block = NativeArgBlock.Create(spawnPath, in argv, request.Environment, request.WorkingDirectory);
        try
        {
            // With a helper, a missing service binary would only show up as the shell's exit 127: check it here.
            if (viaHelper && Libc.Access(block.Argv[argv.TargetPathIndex], Libc.X_OK) != 0)
                throw new SpawnException(request.Path, Errno.Last);

            Check(Libc.PosixSpawnFileActionsInit(fileActions), request.Path);
            actionsReady = true;
            AddFileActions(fileActions, request, sources, block.WorkingDirectory);
            Check(Libc.PosixSpawnAttrInit(attr), request.Path);
            attrReady = true;
            SetAttributes(attr, request);

            int pid;
            int spawnError = Libc.PosixSpawn(&pid, block.Path, fileActions, attr, block.Argv, block.Envp);
            if (spawnError != 0)
                throw new SpawnException(spawnPath, spawnError);   // the helper's path when the helper did not start

            return Track(pid, request.Path);
        }
        finally
        {
            if (actionsReady)
                Libc.PosixSpawnFileActionsDestroy(fileActions);
            if (attrReady)
                Libc.PosixSpawnAttrDestroy(attr);
            block.Dispose();
        }
    }

    /// <summary>dup2 each source onto its slot (a file the child opens, a copy of fd 1, or /dev/null for a missing
    /// one), closefrom past the map, chdir. posix_spawn reports a failed open as its own error, without the step.</summary>
    private static unsafe void AddFileActions(long* fileActions, SpawnRequest request, ReadOnlySpan<int> sources, byte* workingDirectory)
    {
        string path = request.Path;
        for (int i = 0; i < sources.Length; i++)
        {
            if (sources[i] >= 0)
            {
                Check(Libc.PosixSpawnFileActionsAddDup2(fileActions, sources[i], i), path);
            }
            else if (sources[i] == SummonSpawn.FD_SAME_AS_1)
            {
                Check(Libc.PosixSpawnFileActionsAddDup2(fileActions, 1, i), path);
            }
            else if (sources[i] == SummonSpawn.FD_OPEN)
            {
                ChildFile file = FileAt(request, i)!;
                int length = System.Text.Encoding.UTF8.GetByteCount(file.Path);
                var name = new byte[length + 1];   // the fallback's rare case: no stack buffer in a loop
                NativeArgBlock.WriteZ(file.Path, name);
                fixed (byte* pathz = name)   // posix_spawn_file_actions_addopen copies the path
                    Check(Libc.PosixSpawnFileActionsAddOpen(fileActions, i, pathz, file.Flags | Libc.O_NOCTTY, file.Mode), path);
            }
            else
            {
                fixed (byte* devNull = "/dev/null\0"u8)
                    Check(Libc.PosixSpawnFileActionsAddOpen(fileActions, i, devNull, i == 0 ? Libc.O_RDONLY : Libc.O_WRONLY, 0), path);
            }
        }

        Check(Libc.PosixSpawnFileActionsAddCloseFrom(fileActions, sources.Length), path);
        if (workingDirectory != null)
            Check(Libc.PosixSpawnFileActionsAddChdir(fileActions, workingDirectory), path);
    }

    /// <summary>Empty signal mask, every signal at SIG_DFL but an ignored SIGPIPE, a new session or process group.</summary>
    [SkipLocalsInit]
    private static unsafe void SetAttributes(long* attr, SpawnRequest request)
    {
        long* sigmask = stackalloc long[Libc.SigSetSize / sizeof(long)];
        long* sigdefault = stackalloc long[Libc.SigSetSize / sizeof(long)];
        Libc.SigEmptySet(sigmask);
        Libc.SigFillSet(sigdefault);
        if (request.IgnoreSigpipe)
            Libc.SigDelSet(sigdefault, Signals.SIGPIPE);
        short flags = Libc.POSIX_SPAWN_SETSIGMASK | Libc.POSIX_SPAWN_SETSIGDEF;
        if (request.NewSession)
            flags |= Libc.POSIX_SPAWN_SETSID;
        else if (request.NewProcessGroup)
            flags |= Libc.POSIX_SPAWN_SETPGROUP;   // the attribute's process group is 0: the child's own pid
        Check(Libc.PosixSpawnAttrSetSigMask(attr, sigmask), request.Path);
        Check(Libc.PosixSpawnAttrSetSigDefault(attr, sigdefault), request.Path);
        Check(Libc.PosixSpawnAttrSetFlags(attr, flags), request.Path);
    }

    private static void Check(int error, string path)
    {
        if (error != 0)
            throw new SpawnException(path, error);
    }
}

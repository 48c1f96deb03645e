using System.Globalization;
using Summon.Control;
using Summon.Interop;
using Summon.Posix;

namespace Summon.Manager.Reexec;

/// <summary>
/// `daemon-reexec` and SIGUSR2 in the old image (docs/reexec.md): a copy of the state is read by the target binary
/// first (<see cref="ReexecCheck"/>), off the loop; only when it can, a fresh state goes into a memfd, the journal is
/// committed and closed, the CLI has its reply, and the process execve's itself in place (same PID). Whatever fails
/// before the new image runs leaves this one serving, and says why in the journal and to the CLI.
/// </summary>
internal sealed class Reexecutor(UnitManager manager, ReexecParts parts)
{
    /// <summary>The name of the check's copy in the runtime directory (0600, removed after the check).</summary>
    public const string CheckFile = "reexec-state.json";

    /// <summary>The running binary, whatever became of its path; --binary names another.</summary>
    public const string RunningBinary = "/proc/self/exe";

    private bool _inProgress;

    /// <summary>How many re-execs this manager has been through.</summary>
    public long Generation { get; set; }

    /// <summary>Why the last re-exec did not happen, or null; said in Ping's reply until the next one starts.</summary>
    public string? LastFailure { get; set; }

    /// <summary>The control method: its reply comes once the check is done, and the execve follows that reply's write.</summary>
    public Task<ControlReply> RequestAsync(string? binary)
    {
        var reply = new TaskCompletionSource<ControlReply>(TaskCreationOptions.RunContinuationsAsynchronously);
        Start(binary,
            refused: why => reply.SetResult(new ControlReply { Errors = { $"Failed to re-execute the manager: {why}; it keeps running as it is." } }),
            passed: target => reply.SetResult(new ControlReply
            {
                Units = { ManagerIdentity.Of(Environment.ProcessId, Generation + 1, null) },
                AfterSent = () => Exec(target),
            }));
        return reply.Task;
    }

    /// <summary>SIGUSR2: the same, with the manager's own binary and nobody to answer.</summary>
    public void RequestFromSignal() => Start(null, refused: _ => { }, passed: Exec);

    /// <summary>How long the control clients held may take to get their replies before the execve closes them.</summary>
    public static readonly TimeSpan Drain = TimeSpan.FromSeconds(2);

    private static readonly TimeSpan DrainPoll = TimeSpan.FromMilliseconds(5);

    /// <summary>
    /// The control socket stops accepting (newcomers wait in its backlog for the new image) and the clients held get
    /// their replies, for up to <see cref="Drain"/>; then the execve.
    /// </summary>
    private void Exec(string binary)
    {
        parts.Control.Accepting(false);
        long until = manager.Loop.Time.GetTimestamp() + (long)(Drain.TotalSeconds * manager.Loop.Time.TimestampFrequency);
        void ExecWhenDrained()
        {
            if (parts.Control.Clients == 0 || manager.Loop.Time.GetTimestamp() >= until)
                ExecNow(binary);
            else
                manager.Loop.Schedule(DrainPoll, ExecWhenDrained);
        }
        ExecWhenDrained();
    }

    private void Start(string? binary, Action<string> refused, Action<string> passed)
    {
        string target = binary ?? OwnBinary();
        string? why = _inProgress ? "a re-execution is already in progress"
            : manager.ShuttingDown ? "the manager is shutting down"
            : !Path.IsPathFullyQualified(target) ? $"the binary '{target}' is not an absolute path"
            : null;
        if (why is not null)
        {
            // Refused before it began: the re-exec in progress, if any, is left to say its own outcome.
            ManagerLog.ReexecRefused(manager.Log, why);
            refused(why);
            return;
        }
        _inProgress = true;
        LastFailure = null;
        byte[] state;
        try
        {
            state = Snapshot(target, out _, out _);
        }
        catch (Exception e)
        {
            // Whatever the units' writer throws, the manager stays as it is and the next request may try again.
            Refuse($"the state cannot be written: {e.Message}", refused);
            return;
        }
        string file = Path.Combine(parts.RuntimeDirectory, CheckFile);
        ManagerLog.ReexecChecking(manager.Log, target, file);
        Task.Run(() => WriteCopy(file, state, target)).ContinueWith(written => manager.Loop.Post(() =>
        {
            if (written.Result is { } notWritten)
            {
                Refuse(notWritten, refused);
                return;
            }
            ReexecCheck.Start(manager, target, file, ReexecCheck.Timeout, verdict =>
            {
                // An unlink in the runtime directory: done here, so that the next request's copy cannot be the one removed.
                try
                {
                    File.Delete(file);
                }
                catch (Exception e) when (e is IOException or UnauthorizedAccessException)
                {
                }
                if (verdict is not null)
                    Refuse(verdict, refused);
                else
                    passed(target);
            });
        }), TaskScheduler.Default);
    }

    /// <summary>
    /// The running binary by its path when that path still is it (the process keeps its name: execve names it after the
    /// path's last part, and /proc/self/exe would make it "exe"), else /proc/self/exe (the file was replaced or removed).
    /// </summary>
    private static string OwnBinary()
    {
        string? path = new FileInfo(RunningBinary).LinkTarget;
        return path is not null && Path.IsPathFullyQualified(path) && Identity(path) is { } file && Identity(RunningBinary) == file ? path : RunningBinary;
    }

    /// <summary>A file's device and inode (struct stat's first two members on Linux's 64-bit ABIs), or null.</summary>
    private static unsafe (ulong Device, ulong Inode)? Identity(string path)
    {
        byte* buffer = stackalloc byte[Libc.StatSize];
        if (Libc.Fstatat(Libc.AT_FDCWD, path, buffer, 0) < 0)
            return null;
        return (*(ulong*)buffer, *(ulong*)(buffer + 8));
    }

    /// <summary>Off the loop: the copy the check reads (0600), and whether the binary is there to run; why not, or null.</summary>
    private static string? WriteCopy(string file, byte[] state, string binary)
    {
        if (OperatingSystem.IsWindows())
            throw new PlatformNotSupportedException();
        if (Libc.Access(binary, Libc.X_OK) < 0)
            return $"{binary} cannot be run: {Errno.Describe(Errno.Last)}";
        try
        {
            File.Delete(file);
            using var stream = new FileStream(file, new FileStreamOptions
            {
                Mode = FileMode.CreateNew,
                Access = FileAccess.Write,
                UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite,
            });
            stream.Write(state);
            return null;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return $"the copy of the state cannot be written to {file}: {e.Message}";
        }
    }

    private void Refuse(string why, Action<string> refused)
    {
        _inProgress = false;
        LastFailure = why;
        ManagerLog.ReexecRefused(manager.Log, why);
        refused(why);
    }

    /// <summary>The state document now, with what it carries (<paramref name="carried"/>) and its manager part.</summary>
    private byte[] Snapshot(string binary, out CarriedFds carried, out ReexecManagerState own)
    {
        var fds = CarriedFds.ForWriting();
        own = new ReexecManagerState
        {
            Pid = Environment.ProcessId,
            Binary = binary,
            Generation = Generation + 1,
            Started = manager.Metrics.Started,
            NextJobId = manager.Jobs.NextId,
            ControlFd = fds.Carry(parts.Control.ListenerHandle),
            NotifyFd = parts.Notify is { } notify ? fds.Carry(notify) : -1,
            MetricsFd = parts.Metrics is { } metrics ? fds.Carry(metrics) : -1,
            RuntimeLockFd = fds.Carry(parts.RuntimeLock),
            StateLockFd = parts.StateLock is { } stateLock ? fds.Carry(stateLock) : -1,
        };
        byte[] units = ReexecStateCodec.WriteUnits(w => ReexecUnits.Write(w, manager, fds));
        carried = fds;
        return ReexecStateCodec.Write(own, fds, units);
    }

    /// <summary>On the loop, after the check passed and the CLI has its reply: the execve, or the undo of everything before it.</summary>
    private void ExecNow(string binary)
    {
        SafeFdHandle? memfd = null;
        CarriedFds? carried = null;
        bool suspended = false;
        try
        {
            byte[] state = Snapshot(binary, out carried, out var own);
            if (Environment.GetEnvironmentVariable(ReexecVariables.TruncateForTests) is { Length: > 0 })
                state = state[..(state.Length / 2)];
            memfd = StateMemfd(state);
            var argv = ReexecImage.Argv();
            var envp = ReexecImage.Environment(
            [
                $"{ReexecVariables.State}={memfd.DangerousGetHandle().ToInt32().ToString(CultureInfo.InvariantCulture)}",
                $"{ReexecVariables.Fds}={ReexecVariables.FormatFds(carried.Carried.Select(h => h.DangerousGetHandle().ToInt32()), own)}",
                $"{ReexecVariables.Generation}={own.Generation.ToString(CultureInfo.InvariantCulture)}",
            ]);

            ManagerLog.Reexecuting(manager.Log, binary);
            suspended = parts.Journal.Suspend(TimeSpan.FromSeconds(10));
            SafeFdHandle[] all = [.. carried.Carried.Cast<SafeFdHandle>(), memfd];
            int errno = ReexecImage.SetCloseOnExec(all, on: false);
            if (errno == 0)
                errno = ReexecImage.Execve(binary, argv, envp);
            ReexecImage.SetCloseOnExec(all, on: true);
            Failed($"execve({binary}): {Errno.Describe(errno)}", suspended);
        }
        catch (Exception e)
        {
            if (carried is not null)
                ReexecImage.SetCloseOnExec(carried.Carried, on: true);
            Failed(e.Message, suspended);
        }
        finally
        {
            memfd?.Dispose();
        }
    }

    private void Failed(string why, bool suspended)
    {
        if (suspended)
            parts.Journal.Resume();
        parts.Control.Accepting(true);
        Refuse(why, _ => { });
    }

    /// <summary>The state in a memfd (close-on-exec until the execve), read by the new image from its start.</summary>
    private static unsafe SafeFdHandle StateMemfd(byte[] state)
    {
        var memfd = new SafeFdHandle(Libc.MemfdCreate("summon-reexec-state", Libc.MFD_CLOEXEC));
        if (memfd.IsInvalid)
            throw ErrnoException.FromLast("memfd_create");
        fixed (byte* p = state)
        {
            int written = 0;
            while (written < state.Length)
            {
                nint n = Libc.Write(memfd, p + written, state.Length - written);
                if (n < 0)
                {
                    var e = ErrnoException.FromLast("write(memfd)");
                    memfd.Dispose();
                    throw e;
                }
                written += (int)n;
            }
        }
        return memfd;
    }
}

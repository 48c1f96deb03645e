using System.Globalization;
using Summon.Interop;
using Summon.Posix;

namespace Summon.Manager.Reexec;

/// <summary>
/// The new image's side of a re-exec, from its environment: the state document read from the memfd (or why it could
/// not be: the manager is then degraded, never dead), and the carried fds, which are close-on-exec again from here on
/// so no child inherits one nobody claimed. The manager's own fds are found by the document, else by their names in
/// <see cref="ReexecVariables.Fds"/>.
/// </summary>
internal sealed class ReexecResume : IDisposable
{
    private readonly Dictionary<string, int> _named;

    private ReexecResume(ReexecDocument? document, string? degraded, CarriedFds fds, Dictionary<string, int> named)
    {
        Document = document;
        Degraded = degraded;
        Fds = fds;
        _named = named;
    }

    /// <summary>The state document; null when the manager resumes degraded.</summary>
    public ReexecDocument? Document { get; }

    /// <summary>Why the document cannot be used, in one line; null when it can.</summary>
    public string? Degraded { get; private set; }

    public CarriedFds Fds { get; }

    /// <summary>The re-exec generation this image is.</summary>
    public long Generation { get; private init; }

    /// <summary>
    /// The re-exec this image continues, or null when it was not started by one. The variables are removed either way
    /// (from what children and a later re-exec inherit), and the memfd is closed once read.
    /// </summary>
    public static ReexecResume? FromEnvironment()
    {
        string? state = Environment.GetEnvironmentVariable(ReexecVariables.State);
        string? listed = Environment.GetEnvironmentVariable(ReexecVariables.Fds);
        string? generation = Environment.GetEnvironmentVariable(ReexecVariables.Generation);
        foreach (var name in (string[])[ReexecVariables.State, ReexecVariables.Fds, ReexecVariables.Generation])
            Environment.SetEnvironmentVariable(name, null);
        if (state is null && listed is null)
            return null;

        var named = ReexecVariables.ParseFds(listed);
        foreach (var (fd, _) in named)
        {
            // Until someone claims it, no child may inherit it.
            using var handle = new SafeFdHandle(fd, ownsHandle: false);
            Libc.Fcntl(handle, Libc.F_SETFD, Libc.FD_CLOEXEC);
        }
        var names = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var (fd, name) in named)
            if (name.Length > 0)
                names[name] = fd;

        ReexecDocument? document = null;
        string? degraded;
        try
        {
            document = ReexecStateCodec.Read(ReadState(state));
            degraded = document.Manager.Pid == Environment.ProcessId ? null : $"the state was written by PID {document.Manager.Pid}, not this process";
        }
        catch (FormatException e)
        {
            degraded = e.Message;
        }
        if (degraded is not null)
        {
            document?.Dispose();
            document = null;
        }
        var numbers = document is not null ? document.Fds : named.ConvertAll(f => f.Fd);
        long.TryParse(generation, NumberStyles.None, CultureInfo.InvariantCulture, out long carriedGeneration);
        return new ReexecResume(document, degraded, CarriedFds.Received(numbers), names)
        {
            Generation = document?.Manager.Generation ?? carriedGeneration,
        };
    }

    /// <summary>The memfd's whole content; a FormatException says why it cannot be had.</summary>
    private static unsafe byte[] ReadState(string? variable)
    {
        if (!int.TryParse(variable, NumberStyles.None, CultureInfo.InvariantCulture, out int fd) || fd < 3)
            throw new FormatException($"{ReexecVariables.State}={variable} does not name an fd");
        using var memfd = new SafeFdHandle(fd);
        var buffer = new byte[64 * 1024];
        int length = 0;
        while (true)
        {
            if (length == buffer.Length)
                Array.Resize(ref buffer, buffer.Length * 2);
            nint n;
            fixed (byte* p = buffer)
                n = Libc.Pread(memfd, p + length, buffer.Length - length, length);
            if (n < 0)
                throw new FormatException($"the state memfd {fd} cannot be read: {Errno.Describe(Errno.Last)}");
            if (n == 0)
                break;
            length += (int)n;
        }
        return buffer[..length];
    }

    /// <summary>The manager's fd named <paramref name="name"/> (<see cref="ReexecVariables"/>), now owned by the caller; null when none was carried.</summary>
    public SafeFdHandle? Take(string name)
    {
        int fd = -1;
        if (Document?.Manager is { } m)
        {
            fd = name switch
            {
                ReexecVariables.Control => m.ControlFd,
                ReexecVariables.Notify => m.NotifyFd,
                ReexecVariables.Metrics => m.MetricsFd,
                ReexecVariables.RuntimeLock => m.RuntimeLockFd,
                ReexecVariables.StateLock => m.StateLockFd,
                _ => -1,
            };
        }
        else if (_named.TryGetValue(name, out int found))
        {
            fd = found;
        }
        if (fd < 0)
            return null;
        try
        {
            return Fds.Claim(fd);
        }
        catch (FormatException)
        {
            return null;
        }
    }

    /// <summary>The restore failed after the document was read: the manager goes on degraded.</summary>
    public void Degrade(string why) => Degraded ??= why;

    /// <summary>
    /// Every fd nobody claimed, for nested activation's adoption (<see cref="InheritedSockets"/>): the carried listening
    /// sockets of the units, matched by address when the boot binds them; what is left is closed when boot ends.
    /// </summary>
    public List<(SafeFdHandle Fd, string Name)> TakeUnclaimed()
    {
        var left = new List<(SafeFdHandle, string)>();
        foreach (int fd in Fds.Unclaimed.ToList())
            left.Add((Fds.Claim(fd), "reexec"));
        return left;
    }

    /// <summary>Closes the fds nobody claimed (their owners are gone with the old image).</summary>
    public void CloseUnclaimed()
    {
        foreach (int fd in Fds.Unclaimed.ToList())
            Fds.Claim(fd).Dispose();
    }

    public void Dispose() => Document?.Dispose();
}

using System.Text;
using Summon.Interop;
using Summon.Posix;
using Summon.Processes;

namespace Summon.Manager.Reexec;

/// <summary>
/// Before execve: the target binary reads a copy of the state as its restore would (`BINARY daemon
/// --check-deserialize FILE`), started through the manager's process seam and watched through its pidfd on the loop,
/// bounded by <see cref="Timeout"/>. Its verdict comes back on the loop: null when the binary can read the state, else
/// one line saying why not.
/// </summary>
internal sealed class ReexecCheck
{
    /// <summary>How long the binary may take to read the state.</summary>
    public static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);

    private const int MaxOutput = 4096;

    private readonly UnitManager _manager;
    private readonly string _binary;
    private readonly Action<string?> _done;
    private readonly IChildProcess _child;
    private readonly SafeFdHandle _output;
    private readonly ulong _token;
    private readonly IDisposable _timer;
    private bool _timedOut;

    private ReexecCheck(UnitManager manager, string binary, IChildProcess child, SafeFdHandle output, TimeSpan timeout, Action<string?> done)
    {
        _manager = manager;
        _binary = binary;
        _child = child;
        _output = output;
        _done = done;
        _token = manager.Loop.Register(child.ExitHandle, Libc.EPOLLIN, _ => OnExit());
        _timer = manager.Loop.Schedule(timeout, () =>
        {
            _timedOut = true;
            _child.SignalGroup(Signals.SIGKILL);
        });
    }

    /// <summary>The check's argv after the binary's name: the hidden option of the daemon verb.</summary>
    public static string[] Arguments(string file) => ["daemon", "--check-deserialize", file];

    /// <summary>Starts the check of <paramref name="file"/> by <paramref name="binary"/>, on the loop; <paramref name="done"/> runs there once.</summary>
    public static unsafe void Start(UnitManager manager, string binary, string file, TimeSpan timeout, Action<string?> done)
    {
        int* fds = stackalloc int[2];
        if (Libc.Pipe2(fds, Libc.O_CLOEXEC | Libc.O_NONBLOCK) < 0)
        {
            done($"cannot make a pipe for the check: {Errno.Describe(Errno.Last)}");
            return;
        }
        var output = new SafeFdHandle(fds[0]);
        IChildProcess child;
        using (var input = new SafeFdHandle(fds[1]))
        {
            try
            {
                child = manager.Launcher.Spawn(new SpawnRequest
                {
                    Path = binary,
                    Argv = ["summon", .. Arguments(file)],
                    Environment = Environment(),
                    Stdout = input,
                    Stderr = input,
                    ExecFailureAtExit = true,
                });
            }
            catch (SpawnException e)
            {
                output.Dispose();
                done($"{binary} cannot be started: {Errno.Describe(e.Errno)}");
                return;
            }
        }
        manager.HelperPids.Add(child.Pid);
        _ = new ReexecCheck(manager, binary, child, output, timeout, done);
    }

    /// <summary>The manager's own environment, without the variables of a re-exec it came from.</summary>
    private static List<string> Environment()
    {
        var env = new List<string>();
        foreach (System.Collections.DictionaryEntry entry in System.Environment.GetEnvironmentVariables())
            if (entry.Key is string name && !name.StartsWith("SUMMON_REEXEC_", StringComparison.Ordinal))
                env.Add($"{name}={entry.Value}");
        return env;
    }

    private void OnExit()
    {
        if (!_child.TryReap(out var status))
            return;
        _manager.Loop.Unregister(_token);
        _timer.Dispose();
        _manager.HelperPids.Remove(_child.Pid);
        string said = LastLine(ReadOutput());
        var failure = _child.SpawnFailure;
        _child.Dispose();
        _output.Dispose();
        _manager.OnProcessReaped();
        string? why = null;
        if (failure is not null)
            why = $"{_binary} cannot be run: {Errno.Describe(failure.Errno)}";
        else if (_timedOut)
            why = $"{_binary} did not finish reading the state within {Timeout.TotalSeconds:0}s";
        else if (!status.IsSuccess)
            why = said.Length > 0
                ? $"{_binary} cannot read the state: {said}"
                : $"{_binary} cannot read the state: its check ended with {status} and said nothing";
        _done(why);
    }

    private unsafe string ReadOutput()
    {
        var buffer = new byte[MaxOutput];
        int length = 0;
        fixed (byte* p = buffer)
        {
            while (length < buffer.Length)
            {
                nint n = Libc.Read(_output, p + length, buffer.Length - length);
                if (n <= 0)
                    break;
                length += (int)n;
            }
        }
        return Encoding.UTF8.GetString(buffer, 0, length);
    }

    private static string LastLine(string text)
    {
        var lines = text.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        return lines.Length == 0 ? "" : lines[^1];
    }
}

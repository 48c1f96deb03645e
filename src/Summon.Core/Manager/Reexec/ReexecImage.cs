using System.Runtime.InteropServices;
using System.Text;
using Summon.Interop;
using Summon.Posix;

namespace Summon.Manager.Reexec;

/// <summary>
/// The execve of a re-exec: the manager's original argv (argv[0] kept: the binary is multi-call) and environment, as
/// the kernel recorded them at its own execve (/proc/self/cmdline and environ), less what was meant for the first
/// image alone (LISTEN_*: those fds were taken already) plus the re-exec's variables. Only the carried fds lose
/// close-on-exec, just before the call, and get it back when the call returns.
/// </summary>
internal static class ReexecImage
{
    private static readonly string[] NotCarried =
        ["LISTEN_PID", "LISTEN_FDS", "LISTEN_FDNAMES", ReexecVariables.State, ReexecVariables.Fds, ReexecVariables.Generation];

    /// <summary>The original argv, each argument's bytes.</summary>
    public static List<byte[]> Argv() => Split(File.ReadAllBytes("/proc/self/cmdline"));

    /// <summary>The original environment less what must not be carried, plus <paramref name="added"/> ("NAME=VALUE").</summary>
    public static List<byte[]> Environment(IEnumerable<string> added)
    {
        var env = new List<byte[]>();
        foreach (var entry in Split(File.ReadAllBytes("/proc/self/environ")))
        {
            int equals = Array.IndexOf(entry, (byte)'=');
            string name = Encoding.UTF8.GetString(entry, 0, equals < 0 ? entry.Length : equals);
            if (Array.IndexOf(NotCarried, name) < 0)
                env.Add(entry);
        }
        foreach (var assignment in added)
            env.Add(Encoding.UTF8.GetBytes(assignment));
        return env;
    }

    /// <summary>Sets or clears close-on-exec on every handle; the first errno, or 0.</summary>
    public static int SetCloseOnExec(IEnumerable<SafeHandle> handles, bool on)
    {
        int first = 0;
        foreach (var handle in handles)
            if (Libc.Fcntl(handle, Libc.F_SETFD, on ? Libc.FD_CLOEXEC : 0) < 0 && first == 0)
                first = Errno.Last;
        return first;
    }

    /// <summary>execve(<paramref name="path"/>, argv, envp): returns only when it failed, with its errno.</summary>
    public static unsafe int Execve(string path, List<byte[]> argv, List<byte[]> envp)
    {
        var pinned = new List<GCHandle>(argv.Count + envp.Count + 1);
        byte** args = (byte**)NativeMemory.AllocZeroed((nuint)(argv.Count + 1), (nuint)sizeof(byte*));
        byte** env = (byte**)NativeMemory.AllocZeroed((nuint)(envp.Count + 1), (nuint)sizeof(byte*));
        try
        {
            byte* Pin(byte[] text)
            {
                var terminated = new byte[text.Length + 1];
                text.CopyTo(terminated, 0);
                var handle = GCHandle.Alloc(terminated, GCHandleType.Pinned);
                pinned.Add(handle);
                return (byte*)handle.AddrOfPinnedObject();
            }
            for (int i = 0; i < argv.Count; i++)
                args[i] = Pin(argv[i]);
            for (int i = 0; i < envp.Count; i++)
                env[i] = Pin(envp[i]);
            byte* file = Pin(Encoding.UTF8.GetBytes(path));
            Libc.Execve(file, args, env);
            return Errno.Last;
        }
        finally
        {
            foreach (var handle in pinned)
                handle.Free();
            NativeMemory.Free(args);
            NativeMemory.Free(env);
        }
    }

    private static List<byte[]> Split(byte[] block)
    {
        var parts = new List<byte[]>();
        int start = 0;
        for (int i = 0; i < block.Length; i++)
        {
            if (block[i] != 0)
                continue;
            parts.Add(block[start..i]);
            start = i + 1;
        }
        if (start < block.Length)
            parts.Add(block[start..]);
        return parts;
    }
}

using System.Net.Sockets;
using Summon.Interop;
using Summon.Posix;
using Summon.Units;

namespace Summon.Manager.Credentials;

/// <summary>
/// Gathers the bytes of a unit's credentials as systemd's acquire_credentials() does, in its order: LoadCredential=
/// (a file, every file under a directory, an AF_UNIX socket connected to once, or a bare name searched in the
/// manager's own credentials and the credential stores), then ImportCredential= globs, then SetCredential= for the ids
/// still missing (a default that a loaded credential overrides). A missing source fails the start, except a bare name
/// and a source whose id SetCredential= also gives, as systemd tolerates them. Reads block (a FIFO, a slow socket
/// peer): run off the event loop only.
/// </summary>
internal static class CredentialSources
{
    /// <summary>CREDENTIAL_SIZE_MAX and CREDENTIALS_TOTAL_SIZE_MAX of systemd: one credential, and all of a unit's
    /// (each counted with its id), at most 1 MiB.</summary>
    internal const int MaxSize = 1024 * 1024;

    private const uint S_IFREG = 0x8000, S_IFSOCK = 0xC000;

    /// <summary>"Argument list too long", systemd's answer to a credential over the size limit.</summary>
    private const int E2BIG = 7;

    /// <summary>The credentials of <paramref name="unit"/> by id, in the order they were found.</summary>
    /// <param name="searchPath">Where a bare name is looked for: the manager's own $CREDENTIALS_DIRECTORY first,
    /// then /etc/credstore, /run/credstore, /usr/lib/credstore.</param>
    /// <param name="socketTimeout">How long a credential socket may take to connect and to send its data.</param>
    public static List<(string Id, byte[] Data)> Gather(string unit, CredentialSettings wanted, IReadOnlyList<string> searchPath, TimeSpan socketTimeout)
    {
        var found = new List<(string Id, byte[] Data)>();
        var ids = new HashSet<string>(StringComparer.Ordinal);
        long left = MaxSize;
        var fallbacks = wanted.Set.Select(s => s.Id).ToHashSet(StringComparer.Ordinal);

        void Add(string id, byte[] data)
        {
            if (!ids.Add(id))
                return;
            left -= id.Length + data.Length;
            if (left < 0)
                throw new CredentialFailure(E2BIG, $"Credentials of {unit} exceed 1 MiB in all (at '{id}'); pass large data as a file path instead.");
            found.Add((id, data));
        }

        foreach (var load in wanted.Load)
        {
            if (load.Encrypted)
                throw Encrypted("LoadCredentialEncrypted", load.Id);
            if (!load.Path.StartsWith('/'))
            {
                // A bare name: the manager's own credential of that name, else a credential store; missing is fine.
                if (FindInSearchPath(load.Path, searchPath) is { } file)
                    Add(load.Id, ReadFile(load.Id, file));
                continue;
            }

            if (Directory.Exists(load.Path) && !IsSymlink(load.Path))
            {
                foreach (var (relative, file) in FilesUnder(load.Path))
                {
                    string id = load.Id + "_" + relative.Replace('/', '_');
                    if (!CredentialSettings.IsValidName(id))
                        throw new CredentialFailure(Errno.EINVAL, $"LoadCredential={load.Id}:{load.Path}: the file {file} would be credential '{id}', which is no valid name; rename it.");
                    if (!ids.Contains(id))
                        Add(id, ReadSource(unit, id, file, socketTimeout));
                }
                continue;
            }

            byte[] data;
            try
            {
                data = ReadSource(unit, load.Id, load.Path, socketTimeout);
            }
            catch (CredentialFailure e) when (e.Errno == Errno.ENOENT && fallbacks.Contains(load.Id))
            {
                continue;   // SetCredential= of the same id stands in for it
            }
            Add(load.Id, data);
        }

        foreach (var glob in wanted.Import)
            foreach (var (name, file) in Matches(glob, searchPath))
                if (!ids.Contains(name))
                    Add(name, ReadFile(name, file));

        foreach (var set in wanted.Set)
        {
            if (ids.Contains(set.Id))
                continue;
            if (set.Encrypted)
                throw Encrypted("SetCredentialEncrypted", set.Id);
            Add(set.Id, set.Data);
        }
        return found;
    }

    private static CredentialFailure Encrypted(string key, string id) => new(Errno.EOPNOTSUPP,
        $"{key}={id}: Summon cannot decrypt credentials (no TPM2 or host key); give it with LoadCredential= from a file only root can read instead.");

    private static string? FindInSearchPath(string name, IReadOnlyList<string> searchPath)
    {
        foreach (var dir in searchPath)
        {
            string file = Path.Combine(dir, name);
            if (File.Exists(file))
                return file;
        }
        return null;
    }

    /// <summary>Files of the search path matching an ImportCredential= glob (a name, or a prefix ending in '*'); the
    /// first directory that has a name wins.</summary>
    private static IEnumerable<(string Name, string File)> Matches(string glob, IReadOnlyList<string> searchPath)
    {
        bool prefix = glob.EndsWith('*');
        string stem = prefix ? glob[..^1] : glob;
        foreach (var dir in searchPath)
        {
            if (!Directory.Exists(dir))
                continue;
            var names = Directory.EnumerateFiles(dir).Select(Path.GetFileName).OfType<string>()
                .Where(n => prefix ? n.StartsWith(stem, StringComparison.Ordinal) : n == stem)
                .Where(CredentialSettings.IsValidName)
                .Order(StringComparer.Ordinal);
            foreach (var name in names)
                yield return (name, Path.Combine(dir, name));
        }
    }

    /// <summary>Regular files and sockets under <paramref name="root"/>, recursively and sorted, with their paths
    /// relative to it; symbolic links are left out, as systemd leaves them.</summary>
    private static IEnumerable<(string Relative, string File)> FilesUnder(string root)
    {
        var options = new EnumerationOptions { RecurseSubdirectories = true, AttributesToSkip = FileAttributes.ReparsePoint, IgnoreInaccessible = false };
        return Directory.EnumerateFiles(root, "*", options)
            .Where(f => TypeOf(f) is S_IFREG or S_IFSOCK)
            .Select(f => (Path.GetRelativePath(root, f), f))
            .Order();
    }

    private static bool IsSymlink(string path) => TypeOf(path) == Libc.S_IFLNK;

    private static unsafe uint TypeOf(string path)
    {
        byte* buffer = stackalloc byte[Libc.StatSize];
        if (Libc.Fstatat(Libc.AT_FDCWD, path, buffer, Libc.AT_SYMLINK_NOFOLLOW) < 0)
            return 0;
        return Libc.StatModeAndOwner(buffer).Mode & Libc.S_IFMT;
    }

    /// <summary>An absolute source: an AF_UNIX socket is connected to, anything else read as a file.</summary>
    private static byte[] ReadSource(string unit, string id, string path, TimeSpan socketTimeout)
    {
        if (TypeOf(path) == S_IFSOCK)
            return ReadSocket(unit, id, path, socketTimeout);
        return ReadFile(id, path);
    }

    private static byte[] ReadFile(string id, string path)
    {
        try
        {
            using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite, 1, FileOptions.None);
            return ReadAll(stream, id, path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw ReadFailure(id, path, e);
        }
    }

    /// <summary>
    /// Connects to the socket from an abstract address naming the unit and the credential, as systemd does
    /// ("\0RANDOM/unit/UNIT/ID", see systemd.exec(5)), and reads until the peer closes.
    /// </summary>
    private static byte[] ReadSocket(string unit, string id, string path, TimeSpan timeout)
    {
        try
        {
            using var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
            socket.ReceiveTimeout = socket.SendTimeout = (int)Math.Clamp(timeout.TotalMilliseconds, 1, int.MaxValue);
            socket.Bind(new UnixDomainSocketEndPoint($"\0{Random.Shared.NextInt64():x16}/unit/{unit}/{id}"));
            socket.Connect(new UnixDomainSocketEndPoint(path));
            socket.Shutdown(SocketShutdown.Send);
            var buffer = new MemoryStream();
            var chunk = new byte[16384];
            int n;
            while ((n = socket.Receive(chunk)) > 0)
            {
                buffer.Write(chunk, 0, n);
                if (buffer.Length > MaxSize)
                    throw TooLarge(id, path);
            }
            return buffer.ToArray();
        }
        catch (SocketException e)
        {
            int errno = e.SocketErrorCode == SocketError.TimedOut ? Errno.ETIMEDOUT : e.NativeErrorCode;
            throw new CredentialFailure(errno, $"Failed to read credential '{path}': {Errno.Describe(errno)}; the socket must send the data of '{id}' and close.");
        }
    }

    private static byte[] ReadAll(Stream stream, string id, string path)
    {
        var buffer = new MemoryStream();
        var chunk = new byte[16384];
        int n;
        while ((n = stream.Read(chunk, 0, chunk.Length)) > 0)
        {
            buffer.Write(chunk, 0, n);
            if (buffer.Length > MaxSize)
                throw TooLarge(id, path);
        }
        return buffer.ToArray();
    }

    private static CredentialFailure TooLarge(string id, string path) =>
        new(E2BIG, $"Failed to read credential '{path}': larger than 1 MiB; '{id}' must be smaller.");

    private static CredentialFailure ReadFailure(string id, string path, Exception e)
    {
        int errno = e switch
        {
            FileNotFoundException or DirectoryNotFoundException => Errno.ENOENT,
            UnauthorizedAccessException => Errno.EACCES,
            _ => e.HResult > 0 && e.HResult < 4096 ? e.HResult : Errno.EIO,
        };
        return new CredentialFailure(errno, $"Failed to read credential '{path}': {Errno.Describe(errno)}; make it readable by the manager or drop LoadCredential={id}.");
    }
}

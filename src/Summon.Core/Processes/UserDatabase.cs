using System.Runtime.InteropServices;
using System.Text;
using Summon.Interop;
using Summon.Posix;

namespace Summon.Processes;

/// <summary>
/// Lookups in the user and group databases through libc's reentrant NSS calls (getpwnam_r, getgrnam_r, …), so
/// that users from LDAP or systemd-userdb resolve as they do for getent. Results are errno values: 0, ESRCH
/// (no such entry, as systemd reports it) or the NSS error.
/// </summary>
internal static unsafe class UserDatabase
{
    private const int InitialBuffer = 1024, MaxBuffer = 1 << 20;

    /// <summary>One reentrant NSS call into <c>buffer</c>; <c>found</c> when it produced an entry.</summary>
    private delegate int NssCall(byte* buffer, nuint size, out bool found);

    /// <summary>
    /// Runs <paramref name="call"/> with a buffer that doubles on ERANGE (up to 1 MiB), as the _r functions ask.
    /// Returns 0 when found, ESRCH when the database has no such entry, or the NSS error.
    /// </summary>
    private static int WithGrowingBuffer(NssCall call)
    {
        for (int size = InitialBuffer; ; size *= 2)
        {
            byte[] buffer = new byte[size];
            int r;
            bool found;
            fixed (byte* b = buffer)
                r = call(b, (nuint)size, out found);
            if (r == 0 && found)
                return 0;
            if (r == Errno.ERANGE && size < MaxBuffer)
                continue;
            return r == 0 ? Errno.ESRCH : r;
        }
    }

    /// <summary>A user by name.</summary>
    public static int TryGetUser(string name, out UserRecord? user)
    {
        user = null;
        if (name.Contains('\0'))
            return Errno.ESRCH;
        byte[] key = Zero(name);
        UserRecord? record = null;
        int r = WithGrowingBuffer((byte* b, nuint size, out bool found) =>
        {
            Libc.Passwd pwd;
            Libc.Passwd* result;
            int e;
            fixed (byte* k = key)
                e = Libc.GetPwNamR(k, &pwd, b, size, &result);
            found = e == 0 && result != null;
            if (found)
                record = ToRecord(result);
            return e;
        });
        user = record;
        return r;
    }

    /// <summary>A user by uid.</summary>
    public static int TryGetUser(uint uid, out UserRecord? user)
    {
        UserRecord? record = null;
        int r = WithGrowingBuffer((byte* b, nuint size, out bool found) =>
        {
            Libc.Passwd pwd;
            Libc.Passwd* result;
            int e = Libc.GetPwUidR(uid, &pwd, b, size, &result);
            found = e == 0 && result != null;
            if (found)
                record = ToRecord(result);
            return e;
        });
        user = record;
        return r;
    }

    /// <summary>A group by name; <paramref name="canonical"/> is its name as the database spells it.</summary>
    public static int TryGetGroup(string name, out uint gid, out string? canonical)
    {
        gid = 0;
        canonical = null;
        if (name.Contains('\0'))
            return Errno.ESRCH;
        byte[] key = Zero(name);
        (uint Gid, string? Name) entry = default;
        int r = WithGrowingBuffer((byte* b, nuint size, out bool found) =>
        {
            Libc.Group grp;
            Libc.Group* result;
            int e;
            fixed (byte* k = key)
                e = Libc.GetGrNamR(k, &grp, b, size, &result);
            found = e == 0 && result != null;
            if (found)
                entry = (result->Gid, Utf8(result->Name));
            return e;
        });
        (gid, canonical) = entry;
        return r;
    }

    /// <summary>A group by gid.</summary>
    public static int TryGetGroup(uint gid, out string? name)
    {
        string? found = null;
        int r = WithGrowingBuffer((byte* b, nuint size, out bool ok) =>
        {
            Libc.Group grp;
            Libc.Group* result;
            int e = Libc.GetGrGidR(gid, &grp, b, size, &result);
            ok = e == 0 && result != null;
            if (ok)
                found = Utf8(result->Name);
            return e;
        });
        name = found;
        return r;
    }

    /// <summary>What initgroups(user, gid) would set: the user's groups from the group database plus <paramref name="gid"/>.</summary>
    public static uint[] GroupList(string user, uint gid)
    {
        byte[] key = Zero(user);
        int count = 32;
        while (true)
        {
            uint[] groups = new uint[count];
            int n = count;
            int r;
            fixed (byte* k = key)
            fixed (uint* g = groups)
                r = Libc.GetGroupList(k, gid, g, &n);
            if (r >= 0)
                return groups.AsSpan(0, r).ToArray();
            if (n <= count)
                n = count * 2;
            count = n;
        }
    }

    private static UserRecord ToRecord(Libc.Passwd* p) =>
        new(Utf8(p->Name), p->Uid, p->Gid, Utf8(p->Dir), Utf8(p->Shell));

    private static string Utf8(byte* s) => s == null ? "" : Marshal.PtrToStringUTF8((nint)s) ?? "";

    private static byte[] Zero(string s)
    {
        byte[] bytes = new byte[Encoding.UTF8.GetByteCount(s) + 1];
        Encoding.UTF8.GetBytes(s, bytes);
        return bytes;
    }
}

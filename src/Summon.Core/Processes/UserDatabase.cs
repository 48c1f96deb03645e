using System.Runtime.InteropServices;
using System.Text;
using Summon.Interop;

namespace Summon.Processes;

/// <summary>
/// Lookups in the user and group databases through libc's reentrant NSS calls (getpwnam_r, getgrnam_r, …), so
/// that users from LDAP or systemd-userdb resolve as they do for getent. Results are errno values: 0, ESRCH
/// (no such entry, as systemd reports it) or the NSS error.
/// </summary>
internal static unsafe class UserDatabase
{
    private const int InitialBuffer = 1024, MaxBuffer = 1 << 20;

    /// <summary>A user by name.</summary>
    public static int TryGetUser(string name, out UserRecord? user)
    {
        user = null;
        if (name.Contains('\0'))
            return Errno.ESRCH;
        byte[] key = Zero(name);
        Libc.Passwd pwd;
        Libc.Passwd* result;
        for (int size = InitialBuffer; ; size *= 2)
        {
            byte[] buffer = new byte[size];
            int r;
            fixed (byte* k = key)
            fixed (byte* b = buffer)
            {
                r = Libc.GetPwNamR(k, &pwd, b, (nuint)size, &result);
                if (r == 0 && result != null)
                {
                    user = ToRecord(result);
                    return 0;
                }
            }

            if (r == Errno.ERANGE && size < MaxBuffer)
                continue;
            return r == 0 ? Errno.ESRCH : r;
        }
    }

    /// <summary>A user by uid.</summary>
    public static int TryGetUser(uint uid, out UserRecord? user)
    {
        user = null;
        Libc.Passwd pwd;
        Libc.Passwd* result;
        for (int size = InitialBuffer; ; size *= 2)
        {
            byte[] buffer = new byte[size];
            int r;
            fixed (byte* b = buffer)
            {
                r = Libc.GetPwUidR(uid, &pwd, b, (nuint)size, &result);
                if (r == 0 && result != null)
                {
                    user = ToRecord(result);
                    return 0;
                }
            }

            if (r == Errno.ERANGE && size < MaxBuffer)
                continue;
            return r == 0 ? Errno.ESRCH : r;
        }
    }

    /// <summary>A group by name; <paramref name="canonical"/> is its name as the database spells it.</summary>
    public static int TryGetGroup(string name, out uint gid, out string? canonical)
    {
        gid = 0;
        canonical = null;
        if (name.Contains('\0'))
            return Errno.ESRCH;
        byte[] key = Zero(name);
        Libc.Group grp;
        Libc.Group* result;
        for (int size = InitialBuffer; ; size *= 2)
        {
            byte[] buffer = new byte[size];
            int r;
            fixed (byte* k = key)
            fixed (byte* b = buffer)
            {
                r = Libc.GetGrNamR(k, &grp, b, (nuint)size, &result);
                if (r == 0 && result != null)
                {
                    gid = result->Gid;
                    canonical = Utf8(result->Name);
                    return 0;
                }
            }

            if (r == Errno.ERANGE && size < MaxBuffer)
                continue;
            return r == 0 ? Errno.ESRCH : r;
        }
    }

    /// <summary>A group by gid.</summary>
    public static int TryGetGroup(uint gid, out string? name)
    {
        name = null;
        Libc.Group grp;
        Libc.Group* result;
        for (int size = InitialBuffer; ; size *= 2)
        {
            byte[] buffer = new byte[size];
            int r;
            fixed (byte* b = buffer)
            {
                r = Libc.GetGrGidR(gid, &grp, b, (nuint)size, &result);
                if (r == 0 && result != null)
                {
                    name = Utf8(result->Name);
                    return 0;
                }
            }

            if (r == Errno.ERANGE && size < MaxBuffer)
                continue;
            return r == 0 ? Errno.ESRCH : r;
        }
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

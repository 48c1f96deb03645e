using System.Globalization;
using Summon.Interop;

namespace Summon.Processes;

/// <summary>
/// User=, Group= and SupplementaryGroups= resolved as systemd's exec_child() does it right before exec
/// (get_fixed_user, get_fixed_group, get_supplementary_groups), and the HOME/USER/LOGNAME/SHELL variables a
/// User= service gets:
/// <list type="bullet">
/// <item>"root"/"0" and "nobody"/"65534" are synthesized without asking NSS (root: HOME=/root, SHELL=/bin/sh;
/// nobody: neither). Other names go through getpwnam; a numeric id through getpwuid and must exist.</item>
/// <item>HOME is left out when it is empty, "/" or relative; SHELL when it is empty, relative or a nologin
/// placeholder (/usr/sbin/nologin, /bin/false, …).</item>
/// <item>The gid is Group='s, else the user's primary group. Supplementary groups: with a User= whose gid is
/// not 0, the user's groups from the group database (initgroups); SupplementaryGroups= is appended to those
/// (or, without such a user, replaces the manager's). Null <see cref="SupplementaryGroups"/> leaves them as
/// they are.</item>
/// </list>
/// </summary>
internal sealed class ExecCredentials
{
    private static readonly string[] NologinShells =
    [
        "/bin/nologin", "/sbin/nologin", "/usr/bin/nologin", "/usr/sbin/nologin",
        "/bin/false", "/usr/bin/false", "/bin/true", "/usr/bin/true",
    ];

    private ExecCredentials()
    {
    }

    /// <summary>Nothing to change: the child keeps the manager's credentials.</summary>
    public static ExecCredentials None { get; } = new();

    /// <summary>The user's canonical name (numeric User= resolved to the database name), or null without User=.</summary>
    public string? UserName { get; private init; }

    public uint? Uid { get; private init; }

    public uint? Gid { get; private init; }

    /// <summary>The setgroups(2) list, or null to keep the inherited supplementary groups.</summary>
    public IReadOnlyList<uint>? SupplementaryGroups { get; private init; }

    /// <summary>The user's home directory when it is worth exporting (not "/"), else null.</summary>
    public string? Home { get; private init; }

    /// <summary>The user's login shell unless it is a nologin placeholder, else null.</summary>
    public string? Shell { get; private init; }

    /// <summary>"HOME=…", "LOGNAME=…", "USER=…", "SHELL=…" as systemd sets them for User= (before Environment=).</summary>
    public IReadOnlyList<string> Environment
    {
        get
        {
            var env = new List<string>(4);
            if (Home is not null)
                env.Add("HOME=" + Home);
            if (UserName is not null)
            {
                env.Add("LOGNAME=" + UserName);
                env.Add("USER=" + UserName);
            }

            if (Shell is not null)
                env.Add("SHELL=" + Shell);
            return env;
        }
    }

    /// <summary>
    /// Resolves the settings; null/empty ones are not applied. Throws <see cref="SpawnException"/> for
    /// <paramref name="path"/> at step USER (<see cref="ExitStatusNames.User"/>) or GROUP
    /// (<see cref="ExitStatusNames.Group"/>) with ESRCH when a name is unknown.
    /// </summary>
    public static ExecCredentials Resolve(string? user, string? group, IReadOnlyList<string>? supplementaryGroups, string path)
    {
        supplementaryGroups ??= [];
        if (string.IsNullOrEmpty(user) && string.IsNullOrEmpty(group) && supplementaryGroups.Count == 0)
            return None;

        string? userName = null, home = null, shell = null;
        uint? uid = null, gid = null;
        if (!string.IsNullOrEmpty(user))
        {
            int r = TryResolveUser(user, out UserRecord? record);
            if (r != 0)
                throw new SpawnException(path, r, ExitStatusNames.User);
            userName = record!.Name;
            uid = record.Uid;
            gid = record.Gid;
            home = CleanHome(record.Home);
            shell = CleanShell(record.Shell);
        }

        if (!string.IsNullOrEmpty(group))
        {
            int r = TryResolveGroup(group, out uint g);
            if (r != 0)
                throw new SpawnException(path, r, ExitStatusNames.Group);
            gid = g;
        }

        List<uint>? groups = null;
        if (userName is not null && gid is uint primary && primary != 0)
            groups = [.. UserDatabase.GroupList(userName, primary)];
        if (supplementaryGroups.Count > 0)
        {
            groups ??= [];
            foreach (string name in supplementaryGroups)
            {
                int r = TryResolveGroup(name, out uint g);
                if (r != 0)
                    throw new SpawnException(path, r, ExitStatusNames.Group);
                groups.Add(g);
            }
        }

        return new ExecCredentials
        {
            UserName = userName,
            Uid = uid,
            Gid = gid,
            SupplementaryGroups = groups,
            Home = home,
            Shell = shell,
        };
    }

    /// <summary>A DynamicUser= identity (or the static user it found instead): the name for USER and LOGNAME, no HOME or
    /// SHELL (no passwd entry to take them from), and exactly the <paramref name="groups"/> of SupplementaryGroups=,
    /// never the manager's own.</summary>
    public static ExecCredentials Dynamic(string userName, uint uid, uint gid, IReadOnlyList<uint> groups) =>
        new() { UserName = userName, Uid = uid, Gid = gid, SupplementaryGroups = groups };

    /// <summary>get_user_creds(): root and nobody synthesized, numeric ids looked up by uid, names by name.</summary>
    internal static int TryResolveUser(string user, out UserRecord? record)
    {
        if (user is "root" or "0")
        {
            record = new UserRecord("root", 0, 0, "/root", "/bin/sh");
            return 0;
        }

        if (user is "nobody" or "65534")
        {
            record = new UserRecord("nobody", 65534, 65534, "", "");
            return 0;
        }

        if (TryParseId(user, out uint id))
            return UserDatabase.TryGetUser(id, out record);
        return UserDatabase.TryGetUser(user, out record);
    }

    /// <summary>get_group_creds(): root and 65534 synthesized, numeric ids must exist, names by name.</summary>
    internal static int TryResolveGroup(string group, out uint gid)
    {
        if (group is "root" or "0")
        {
            gid = 0;
            return 0;
        }

        if (group is "65534")
        {
            gid = 65534;
            return 0;
        }

        if (TryParseId(group, out uint id))
        {
            gid = id;
            return UserDatabase.TryGetGroup(id, out _);
        }

        return UserDatabase.TryGetGroup(group, out gid, out _);
    }

    /// <summary>USER_CREDS_CLEAN: no HOME for "", "/" ("//"…) or a relative path.</summary>
    internal static string? CleanHome(string home) =>
        home.Length == 0 || !home.StartsWith('/') || home.Trim('/').Length == 0 ? null : home;

    /// <summary>USER_CREDS_CLEAN: no SHELL for "", a relative path or a nologin placeholder.</summary>
    internal static string? CleanShell(string shell) =>
        shell.Length == 0 || !shell.StartsWith('/') || NologinShells.Contains(shell, StringComparer.Ordinal) ? null : shell;

    /// <summary>parse_uid(): decimal, not -1 (4294967295) and not 65535 (the 16-bit -1).</summary>
    private static bool TryParseId(string s, out uint id)
    {
        id = 0;
        if (s.Length == 0 || !s.All(char.IsAsciiDigit))
            return false;
        if (!uint.TryParse(s, NumberStyles.None, CultureInfo.InvariantCulture, out id) || id is uint.MaxValue or 65535)
        {
            id = 0;
            return false;
        }

        return true;
    }
}

using System.Globalization;

namespace Summon.Processes;

/// <summary>
/// The self-helper's command line after the hidden verb:
/// <c>[--listen-pid] [--exec-pid] [--ignore-sigpipe] [--rlimit RES:SOFT:HARD]… [--umask OCTAL] [--nice N]
/// [--groups GID,GID…] [--gid GID] [--uid UID] -- ARGV0 PATH [ARGS…]</c>. RES is Linux's RLIMIT_* number,
/// SOFT/HARD decimal or "infinity". The flags are defined here once: <see cref="SelfExecHelper"/> writes the command
/// line (the setup flags through <see cref="Format"/>) and <see cref="Parse"/> reads it.
/// </summary>
internal sealed record ExecHelperArguments(bool ListenPid, bool ExecPid, bool IgnoreSigpipe, string Path, string[] Argv)
{
    internal const string ListenPidFlag = "--listen-pid", ExecPidFlag = "--exec-pid", IgnoreSigpipeFlag = "--ignore-sigpipe",
        RlimitFlag = "--rlimit", UmaskFlag = "--umask", NiceFlag = "--nice", GroupsFlag = "--groups", GidFlag = "--gid",
        UidFlag = "--uid", EndOfOptions = "--", AttributesFlag = "--attributes", KeyringFlag = "--keyring";

    public IReadOnlyList<ResourceLimit> ResourceLimits { get; init; } = [];

    public uint? Umask { get; init; }

    public int? Nice { get; init; }

    public uint[]? SupplementaryGroups { get; init; }

    public uint? Gid { get; init; }

    public uint? Uid { get; init; }

    /// <summary>--attributes TEXT (<see cref="ProcessAttributes.Format"/>).</summary>
    public ProcessAttributes? Attributes { get; init; }

    /// <summary>--keyring: a new session keyring (<see cref="SpawnRequest.NewSessionKeyring"/>).</summary>
    public bool NewSessionKeyring { get; init; }

    /// <summary>Appends the flags for the request's credentials, umask, nice and rlimits (nothing when none is set).</summary>
    public static void Format(SpawnRequest request, List<string> into)
    {
        foreach (ResourceLimit limit in request.ResourceLimits)
        {
            into.Add(RlimitFlag);
            into.Add(string.Create(CultureInfo.InvariantCulture, $"{limit.Resource}:{FormatLimit(limit.Soft)}:{FormatLimit(limit.Hard)}"));
        }

        if (request.Umask is uint umask)
        {
            into.Add(UmaskFlag);
            into.Add("0" + Convert.ToString(umask, 8));
        }

        if (request.Nice is int nice)
        {
            into.Add(NiceFlag);
            into.Add(nice.ToString(CultureInfo.InvariantCulture));
        }

        if (request.SupplementaryGroups is { } groups)
        {
            into.Add(GroupsFlag);
            into.Add(string.Join(',', groups.Select(g => g.ToString(CultureInfo.InvariantCulture))));
        }

        if (request.Gid is uint gid)
        {
            into.Add(GidFlag);
            into.Add(gid.ToString(CultureInfo.InvariantCulture));
        }

        if (request.Uid is uint uid)
        {
            into.Add(UidFlag);
            into.Add(uid.ToString(CultureInfo.InvariantCulture));
        }

        if (request.Attributes is { } attributes)
        {
            into.Add(AttributesFlag);
            into.Add(attributes.Format());
        }

        if (request.NewSessionKeyring)
            into.Add(KeyringFlag);
    }

    /// <summary>Parses; on failure returns null and a usage message.</summary>
    public static ExecHelperArguments? Parse(ReadOnlySpan<string> args, out string? error)
    {
        var options = new OptionValues();
        int i = 0;
        for (; i < args.Length; i++)
        {
            string a = args[i];
            if (a == EndOfOptions)
            {
                i++;
                break;
            }

            string? value = null;
            if (a is RlimitFlag or UmaskFlag or NiceFlag or GroupsFlag or GidFlag or UidFlag or AttributesFlag)
            {
                if (i + 1 >= args.Length)
                {
                    error = $"Option '{a}' needs a value.";
                    return null;
                }

                value = args[++i];
            }

            error = options.Apply(a, value);
            if (error is not null)
                return null;

            if (i == args.Length - 1)
            {
                error = "Missing '--' before the command.";
                return null;
            }
        }

        return WithCommand(options, args[i..], out error);
    }

    /// <summary>The parsed options with the command after "--" (ARGV0 PATH ARGS…).</summary>
    private static ExecHelperArguments? WithCommand(OptionValues options, ReadOnlySpan<string> command, out string? error)
    {
        if (command.Length < 2)
        {
            error = "Expected ARGV0 and PATH after '--'.";
            return null;
        }

        string argv0 = command[0];
        string path = command[1];
        if (!path.StartsWith('/'))
        {
            error = $"Executable path is not absolute: {path}";
            return null;
        }

        var argv = new string[command.Length - 1];
        argv[0] = argv0;
        command[2..].CopyTo(argv.AsSpan(1));
        error = null;
        return new ExecHelperArguments(options.ListenPid, options.ExecPid, options.IgnoreSigpipe, path, argv)
        {
            ResourceLimits = options.Limits,
            Umask = options.Umask,
            Nice = options.Nice,
            SupplementaryGroups = options.Groups,
            Gid = options.Gid,
            Uid = options.Uid,
            Attributes = options.Attributes,
            NewSessionKeyring = options.Keyring,
        };
    }

    /// <summary>The options before "--", as they are read.</summary>
    private sealed class OptionValues
    {
        public bool ListenPid, ExecPid, IgnoreSigpipe, Keyring;
        public ProcessAttributes? Attributes;
        public readonly List<ResourceLimit> Limits = [];
        public uint? Umask, Gid, Uid;
        public int? Nice;
        public uint[]? Groups;

        /// <summary>Records option <paramref name="flag"/> (with its <paramref name="value"/> when it takes one);
        /// the usage message when the option is unknown or its value invalid, else null.</summary>
        public string? Apply(string flag, string? value)
        {
            bool ok = true;
            switch (flag)
            {
                case ListenPidFlag:
                    ListenPid = true;
                    break;
                case ExecPidFlag:
                    ExecPid = true;
                    break;
                case IgnoreSigpipeFlag:
                    IgnoreSigpipe = true;
                    break;
                case RlimitFlag:
                    ok = TryParseLimit(value!, out ResourceLimit limit);
                    Limits.Add(limit);
                    break;
                case UmaskFlag:
                    ok = TryParseOctal(value!, out uint mask);
                    Umask = mask;
                    break;
                case NiceFlag:
                    ok = int.TryParse(value, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out int n) && n is >= -20 and <= 19;
                    Nice = n;
                    break;
                case GroupsFlag:
                    ok = TryParseIdList(value!, out Groups);
                    break;
                case GidFlag:
                    ok = TryParseId(value!, out uint g);
                    Gid = g;
                    break;
                case UidFlag:
                    ok = TryParseId(value!, out uint u);
                    Uid = u;
                    break;
                case AttributesFlag:
                    Attributes = ProcessAttributes.TryParse(value!);
                    ok = Attributes is not null;
                    break;
                case KeyringFlag:
                    Keyring = true;
                    break;
                default:
                    return $"Unknown option '{flag}'.";
            }

            return ok ? null : $"Invalid value for '{flag}': {value}";
        }
    }

    private static string FormatLimit(ulong value) =>
        value == ResourceLimit.Infinity ? "infinity" : value.ToString(CultureInfo.InvariantCulture);

    private static bool TryParseLimit(string s, out ResourceLimit limit)
    {
        limit = default;
        string[] parts = s.Split(':');
        if (parts.Length != 3 || !int.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out int resource)
            || resource > 15 || !TryParseLimitValue(parts[1], out ulong soft) || !TryParseLimitValue(parts[2], out ulong hard))
            return false;
        limit = new ResourceLimit(resource, soft, hard);
        return true;
    }

    private static bool TryParseLimitValue(string s, out ulong value)
    {
        if (s == "infinity")
        {
            value = ResourceLimit.Infinity;
            return true;
        }

        return ulong.TryParse(s, NumberStyles.None, CultureInfo.InvariantCulture, out value);
    }

    private static bool TryParseOctal(string s, out uint value)
    {
        value = 0;
        if (s.Length is 0 or > 5)
            return false;
        foreach (char c in s)
        {
            if (c is < '0' or > '7')
                return false;
            value = (value * 8) + (uint)(c - '0');
        }

        return value <= 4095;
    }

    private static bool TryParseId(string s, out uint id) =>
        uint.TryParse(s, NumberStyles.None, CultureInfo.InvariantCulture, out id) && id != uint.MaxValue;

    private static bool TryParseIdList(string s, out uint[]? ids)
    {
        ids = null;
        if (s.Length == 0)
        {
            ids = [];
            return true;
        }

        string[] parts = s.Split(',');
        var list = new uint[parts.Length];
        for (int i = 0; i < parts.Length; i++)
        {
            if (!TryParseId(parts[i], out list[i]))
                return false;
        }

        ids = list;
        return true;
    }
}

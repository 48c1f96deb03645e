namespace Summon.Processes;

/// <summary>
/// systemd 252's exit status names (exit_status_to_string with EXIT_STATUS_FULL: libc, LSB, BSD sysexits and
/// systemd's own 200+ codes), as printed in "status=203/EXEC".
/// </summary>
internal static class ExitStatusNames
{
    /// <summary>
    /// systemd's own exit codes the manager itself uses. A spawn step is identified by the status its child exits with
    /// when the step fails (<see cref="SpawnException.ExitStatus"/>); its name comes from <see cref="Get"/>.
    /// </summary>
    public const int Chdir = 200, Nice = 201, Fds = 202, Exec = 203, Limits = 205, SignalMask = 207, Stdin = 208, Stdout = 209,
        Group = 216, User = 217, Setsid = 220, Stderr = 222, Exception = 255;

    /// <summary>243/CREDENTIALS: the credentials directory could not be set up (credentials part).</summary>
    public const int Credentials = 243;
    /// <summary>The process-attribute steps (issue 13).</summary>
    public const int OomAdjust = 206, IoPrio = 211, TimerSlack = 212, SecureBits = 213, SetScheduler = 214, CpuAffinity = 215,
        Personality = 230, Keyring = 237, NumaPolicy = 242;
    /// <summary>The sandbox's steps (issue 14): capabilities, network namespace, mount namespace, no_new_privs, seccomp
    /// (and RestrictAddressFamilies=, which systemd reports with a status of its own).</summary>
    public const int Capabilities = 218, Network = 225, Namespace = 226, NoNewPrivileges = 227, Seccomp = 228, AddressFamilies = 232;
    /// <summary>The child could not join its unit's control group (EXIT_CGROUP).</summary>
    public const int Cgroup = 219;

    /// <summary>The name systemd prints after an exit status ("EXEC" for 203), or null for a status it leaves unnamed.</summary>
    public static string? Get(int status) => status switch
    {
        0 => "SUCCESS",
        1 => "FAILURE",
        2 => "INVALIDARGUMENT",
        3 => "NOTIMPLEMENTED",
        4 => "NOPERMISSION",
        5 => "NOTINSTALLED",
        6 => "NOTCONFIGURED",
        7 => "NOTRUNNING",
        64 => "USAGE",
        65 => "DATAERR",
        66 => "NOINPUT",
        67 => "NOUSER",
        68 => "NOHOST",
        69 => "UNAVAILABLE",
        70 => "SOFTWARE",
        71 => "OSERR",
        72 => "OSFILE",
        73 => "CANTCREAT",
        74 => "IOERR",
        75 => "TEMPFAIL",
        76 => "PROTOCOL",
        77 => "NOPERM",
        78 => "CONFIG",
        Chdir => "CHDIR",
        Nice => "NICE",
        Fds => "FDS",
        Exec => "EXEC",
        204 => "MEMORY",
        Limits => "LIMITS",
        OomAdjust => "OOM_ADJUST",
        SignalMask => "SIGNAL_MASK",
        Stdin => "STDIN",
        Stdout => "STDOUT",
        210 => "CHROOT",
        IoPrio => "IOPRIO",
        TimerSlack => "TIMERSLACK",
        SecureBits => "SECUREBITS",
        SetScheduler => "SETSCHEDULER",
        CpuAffinity => "CPUAFFINITY",
        Group => "GROUP",
        User => "USER",
        Capabilities => "CAPABILITIES",
        219 => "CGROUP",
        Setsid => "SETSID",
        221 => "CONFIRM",
        Stderr => "STDERR",
        224 => "PAM",
        Network => "NETWORK",
        Namespace => "NAMESPACE",
        NoNewPrivileges => "NO_NEW_PRIVILEGES",
        Seccomp => "SECCOMP",
        229 => "SELINUX_CONTEXT",
        Personality => "PERSONALITY",
        231 => "APPARMOR",
        AddressFamilies => "ADDRESS_FAMILIES",
        233 => "RUNTIME_DIRECTORY",
        235 => "CHOWN",
        236 => "SMACK_PROCESS_LABEL",
        Keyring => "KEYRING",
        238 => "STATE_DIRECTORY",
        239 => "CACHE_DIRECTORY",
        240 => "LOGS_DIRECTORY",
        241 => "CONFIGURATION_DIRECTORY",
        NumaPolicy => "NUMA_POLICY",
        243 => "CREDENTIALS",
        244 => "BPF",
        Exception => "EXCEPTION",
        _ => null,
    };
}

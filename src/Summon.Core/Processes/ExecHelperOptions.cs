namespace Summon.Processes;

/// <summary>
/// What the spawner needs to know to build the helper's command line. <see cref="Setup"/> is the request when it
/// has credentials, umask, nice or rlimits for the helper to apply (only for helpers with <see cref="ExecHelper.CanApplySetup"/>).
/// </summary>
internal readonly record struct ExecHelperOptions(
    bool ListenPid, bool ExecPid, bool IgnoreSigpipe, bool Argv0IsPath, bool EnvironmentHasPwd, SpawnRequest? Setup = null);

namespace Summon.Units;

/// <summary>The kinds of Condition*=/Assert*= of systemd 252 (the key without its prefix).</summary>
internal enum ConditionKind
{
    Architecture, Firmware, Virtualization, Host, KernelCommandLine, KernelVersion, Credential, Security, Capability,
    ACPower, Memory, CPUs, Environment, CPUFeature, OSRelease, MemoryPressure, CPUPressure, IOPressure, NeedsUpdate,
    FirstBoot, PathExists, PathExistsGlob, PathIsDirectory, PathIsSymbolicLink, PathIsMountPoint, PathIsReadWrite,
    PathIsEncrypted, DirectoryNotEmpty, FileNotEmpty, FileIsExecutable, User, Group, ControlGroupController,
}

/// <summary>Names and parameter syntax of <see cref="ConditionKind"/>.</summary>
internal static class ConditionKinds
{
    private static readonly Dictionary<string, ConditionKind> s_byName = Enum.GetValues<ConditionKind>().ToDictionary(k => k.ToString(), StringComparer.Ordinal);

    /// <summary>"ConditionHost" → (Host, assert: false); false for any other key.</summary>
    public static bool TryParseKey(string key, out ConditionKind kind, out bool isAssert)
    {
        isAssert = key.StartsWith("Assert", StringComparison.Ordinal);
        string rest = isAssert ? key["Assert".Length..] : key.StartsWith("Condition", StringComparison.Ordinal) ? key["Condition".Length..] : "";
        return s_byName.TryGetValue(rest, out kind);
    }

    /// <summary>"ConditionHost" or "AssertHost".</summary>
    public static string KeyName(this ConditionKind kind, bool isAssert) => (isAssert ? "Assert" : "Condition") + kind.ToString();

    /// <summary>Kinds whose parameter is an absolute path (systemd's config_parse_unit_condition_path).</summary>
    public static bool TakesPath(this ConditionKind kind) => kind is ConditionKind.PathExists or ConditionKind.PathExistsGlob
        or ConditionKind.PathIsDirectory or ConditionKind.PathIsSymbolicLink or ConditionKind.PathIsMountPoint
        or ConditionKind.PathIsReadWrite or ConditionKind.PathIsEncrypted or ConditionKind.DirectoryNotEmpty
        or ConditionKind.FileNotEmpty or ConditionKind.FileIsExecutable or ConditionKind.NeedsUpdate;
}

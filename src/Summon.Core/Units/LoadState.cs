namespace Summon.Units;

/// <summary>Printed lower-case: loaded, not-found, bad-setting, error, masked.</summary>
internal enum LoadState { Loaded, NotFound, BadSetting, Error, Masked }

internal static class LoadStates
{
    public static string ToText(this LoadState state) => state switch
    {
        LoadState.Loaded => "loaded",
        LoadState.NotFound => "not-found",
        LoadState.BadSetting => "bad-setting",
        LoadState.Error => "error",
        LoadState.Masked => "masked",
        _ => "stub",
    };
}

using Microsoft.Extensions.Logging;

namespace Summon.Manager;

/// <summary>What a daemon-reload says of the units it changes under their feet. Ids 1701–1719 belong to this file.</summary>
internal static partial class ManagerLog
{
    [LoggerMessage(1701, LogLevel.Information, "{Unit}: Listeners changed by the reload: {Change}.")]
    public static partial void ListenersChanged(ILogger logger, string unit, string change);

    [LoggerMessage(1702, LogLevel.Information, "{Unit}: {Service} keeps the listeners it was given until it ends; its next start gets the new set, and the socket listens on it once it is gone.")]
    public static partial void ServiceKeepsListeners(ILogger logger, string unit, string service);

    [LoggerMessage(1703, LogLevel.Warning, "{Unit}: {Settings} changed, but a bound socket cannot take it: the listeners are kept, and 'summon restart {Unit}' applies it.")]
    public static partial void AppliesAtRestart(ILogger logger, string unit, string settings);

    [LoggerMessage(1704, LogLevel.Error, "{Unit}: Failed to bind {Listen} at reload: {Reason}. The socket keeps the listeners it had; fix the address and reload, or restart the socket.")]
    public static partial void ReloadBindFailed(ILogger logger, string unit, string listen, string reason);

    [LoggerMessage(1705, LogLevel.Warning, "{Unit}: {Listen} cannot be bound beside {Old} (the kernel refuses both at once): closed the old one first.")]
    public static partial void ClosedBeforeBind(ILogger logger, string unit, string listen, string old);

    [LoggerMessage(1706, LogLevel.Information, "{Unit}: The unit file is {Why} since the reload: stopping it.")]
    public static partial void StoppingRemoved(ILogger logger, string unit, string why);

    [LoggerMessage(1707, LogLevel.Warning, "{Unit}: The new definition does not load ({State}, see the lines above): it runs on with the one it was started with.")]
    public static partial void KeepsOldDefinition(ILogger logger, string unit, string state);
}

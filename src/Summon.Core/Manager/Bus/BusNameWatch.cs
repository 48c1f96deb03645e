using Tmds.DBus.Protocol;

namespace Summon.Manager.Bus;

/// <summary>
/// Watches who owns one well-known bus name, for a Type=dbus service: one connection to the bus, a match on
/// org.freedesktop.DBus.NameOwnerChanged for the name, then GetNameOwner for the owner it may already have. It runs
/// on pool threads (the library's own); every answer goes through <paramref name="post"/> to the event loop, which is
/// never made to wait for the bus.
/// </summary>
internal sealed class BusNameWatch : IDisposable
{
    private const string Bus = "org.freedesktop.DBus";
    private const string BusPath = "/org/freedesktop/DBus";

    private readonly Connection _connection;
    private readonly string _name;
    private readonly Action<bool> _ownerChanged;
    private readonly Action<string> _failed;
    private IDisposable? _match;
    private volatile bool _disposed;

    /// <param name="ownerChanged">called on the loop with true when the name has an owner, false when it lost it</param>
    /// <param name="failed">called on the loop with why the bus cannot be watched</param>
    private BusNameWatch(string address, string name, Action<bool> ownerChanged, Action<string> failed)
    {
        _connection = new Connection(address);
        _name = name;
        _ownerChanged = ownerChanged;
        _failed = failed;
    }

    /// <param name="post">runs an action on the event loop</param>
    public static BusNameWatch Start(string address, string name, Action<Action> post, Action<bool> ownerChanged, Action<string> failed)
    {
        var watch = new BusNameWatch(address, name, owned => post(() => ownerChanged(owned)), reason => post(() => failed(reason)));
        _ = Task.Run(watch.RunAsync);
        return watch;
    }

    private async Task RunAsync()
    {
        try
        {
            await _connection.ConnectAsync().ConfigureAwait(false);
            var rule = new MatchRule
            {
                Type = MessageType.Signal,
                Sender = Bus,
                Path = BusPath,
                Interface = Bus,
                Member = "NameOwnerChanged",
                Arg0 = _name,
            };
            _match = await _connection.AddMatchAsync(rule,
                static (Message m, object? _) => { var r = m.GetBodyReader(); r.ReadString(); r.ReadString(); return r.ReadString(); },
                (Exception? e, string newOwner, object? _, object? _) => { if (e is null && !_disposed) _ownerChanged(newOwner.Length > 0); },
                null, null, emitOnCapturedContext: false, ObserverFlags.None).ConfigureAwait(false);
            bool owned = await _connection.CallMethodAsync(NameHasOwner(), static (Message m, object? _) => m.GetBodyReader().ReadBool(), null)
                .ConfigureAwait(false);
            if (owned && !_disposed)
                _ownerChanged(true);
        }
        catch (Exception e) when (e is DBusException or ConnectException or DisconnectedException or IOException
            or System.Net.Sockets.SocketException or ObjectDisposedException or InvalidOperationException or ArgumentException)
        {
            if (!_disposed)
                _failed(e.Message);
        }
    }

    private MessageBuffer NameHasOwner()
    {
        using var writer = _connection.GetMessageWriter();
        writer.WriteMethodCallHeader(destination: Bus, path: BusPath, @interface: Bus, signature: "s", member: "NameHasOwner");
        writer.WriteString(_name);
        return writer.CreateMessage();
    }

    public void Dispose()
    {
        _disposed = true;
        _match?.Dispose();
        _connection.Dispose();
    }
}

using System.Buffers;
using System.Globalization;
using System.Text.Json;

namespace Summon.Manager.Takeover;

/// <summary>
/// The state file's format (docs/recovery.md): one JSON object, written with Utf8JsonWriter and read with
/// JsonDocument — no reflection, NativeAOT- and trim-clean. Timestamps are microseconds since the epoch, as
/// systemd's serialization keeps them.
/// </summary>
internal static class ManagerStateCodec
{
    public static byte[] Write(ManagerState state)
    {
        var buffer = new ArrayBufferWriter<byte>(512);
        using (var w = new Utf8JsonWriter(buffer, new JsonWriterOptions { Indented = true }))
        {
            w.WriteStartObject();
            w.WriteNumber("version", ManagerState.Version);
            w.WriteNumber("managerPid", state.ManagerPid);
            w.WriteStartArray("services");
            foreach (var service in state.Services)
                WriteService(w, service);
            w.WriteEndArray();
            w.WriteStartArray("sockets");
            foreach (var socket in state.Sockets)
                WriteSocket(w, socket);
            w.WriteEndArray();
            w.WriteEndObject();
        }
        buffer.Write("\n"u8);
        return buffer.WrittenSpan.ToArray();
    }

    private static void WriteService(Utf8JsonWriter w, ServiceRecord s)
    {
        w.WriteStartObject();
        w.WriteString("unit", s.Unit);
        w.WriteString("state", s.State);
        w.WriteString("invocationId", s.InvocationId);
        WriteProcess(w, "main", s.Main);
        WriteProcess(w, "control", s.Control);
        if (s.ExecMainStartTimestamp is { } started)
            w.WriteNumber("execMainStartUsec", EpochMicroseconds.From(started));
        WriteListenFds(w, s.ListenFds);
        w.WriteEndObject();
    }

    /// <summary>A service's passed listeners as the "listenFds" array, the same in the re-exec state.</summary>
    internal static void WriteListenFds(Utf8JsonWriter w, List<PassedFdRecord> fds)
    {
        w.WriteStartArray("listenFds");
        foreach (var fd in fds)
        {
            w.WriteStartObject();
            w.WriteNumber("fd", fd.Fd);
            w.WriteString("socket", fd.Socket);
            w.WriteNumber("listener", fd.Listener);
            w.WriteEndObject();
        }
        w.WriteEndArray();
    }

    private static void WriteProcess(Utf8JsonWriter w, string name, ProcessRecord? process)
    {
        if (process is not { } p)
            return;
        w.WriteStartObject(name);
        w.WriteNumber("pid", p.Pid);
        w.WriteNumber("startTime", p.StartTime);
        w.WriteEndObject();
    }

    private static void WriteSocket(Utf8JsonWriter w, SocketRecord s)
    {
        w.WriteStartObject();
        w.WriteString("unit", s.Unit);
        w.WriteString("state", s.State);
        w.WriteStartArray("listeners");
        foreach (var l in s.Listeners)
        {
            w.WriteStartObject();
            w.WriteString("setting", l.Setting);
            w.WriteString("value", l.Value);
            w.WriteNumber("inode", l.Inode);
            w.WriteEndObject();
        }
        w.WriteEndArray();
        w.WriteEndObject();
    }

    /// <summary>Reads a state file; throws <see cref="FormatException"/> (with what is wrong) for anything but version 1 as written above.</summary>
    public static ManagerState Read(ReadOnlyMemory<byte> bytes)
    {
        try
        {
            using var document = JsonDocument.Parse(bytes);
            var root = document.RootElement;
            int version = root.GetProperty("version").GetInt32();
            if (version != ManagerState.Version)
                throw new FormatException($"version {version.ToString(CultureInfo.InvariantCulture)} is not {ManagerState.Version.ToString(CultureInfo.InvariantCulture)}");
            var services = new List<ServiceRecord>();
            foreach (var s in root.GetProperty("services").EnumerateArray())
                services.Add(ReadService(s));
            var sockets = new List<SocketRecord>();
            foreach (var s in root.GetProperty("sockets").EnumerateArray())
                sockets.Add(ReadSocket(s));
            return new ManagerState(root.GetProperty("managerPid").GetInt32(), services, sockets);
        }
        catch (Exception e) when (e is JsonException or KeyNotFoundException or InvalidOperationException)
        {
            throw new FormatException(e.Message, e);
        }
    }

    private static ServiceRecord ReadService(JsonElement s)
    {
        var fds = new List<PassedFdRecord>();
        foreach (var fd in s.GetProperty("listenFds").EnumerateArray())
            fds.Add(new PassedFdRecord(fd.GetProperty("fd").GetInt32(), fd.GetProperty("socket").GetString()!, fd.GetProperty("listener").GetInt32()));
        DateTimeOffset? started = s.TryGetProperty("execMainStartUsec", out var usec)
            ? EpochMicroseconds.To(usec.GetInt64())
            : null;
        return new ServiceRecord(
            s.GetProperty("unit").GetString()!,
            s.GetProperty("state").GetString()!,
            s.GetProperty("invocationId").GetString()!,
            ReadProcess(s, "main"),
            ReadProcess(s, "control"),
            started,
            fds);
    }

    private static ProcessRecord? ReadProcess(JsonElement s, string name) =>
        s.TryGetProperty(name, out var p) ? new ProcessRecord(p.GetProperty("pid").GetInt32(), p.GetProperty("startTime").GetUInt64()) : null;

    private static SocketRecord ReadSocket(JsonElement s)
    {
        var listeners = new List<ListenerRecord>();
        foreach (var l in s.GetProperty("listeners").EnumerateArray())
            listeners.Add(new ListenerRecord(l.GetProperty("setting").GetString()!, l.GetProperty("value").GetString()!, l.GetProperty("inode").GetUInt64()));
        return new SocketRecord(s.GetProperty("unit").GetString()!, s.GetProperty("state").GetString()!, listeners);
    }
}

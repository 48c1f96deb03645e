using System.Buffers;
using System.Globalization;
using System.Text.Json;
using Summon.Manager.Takeover;

namespace Summon.Manager.Reexec;

/// <summary>
/// The re-exec state's format (docs/reexec.md): one JSON object, written with Utf8JsonWriter and read with
/// JsonDocument — no reflection, NativeAOT- and trim-clean. A document this binary cannot use throws
/// <see cref="FormatException"/> with one line that says why; the restore and --check-deserialize read it alike.
/// </summary>
internal static class ReexecStateCodec
{
    /// <summary>The format version this binary writes and reads; a change that an older reader would misread raises it.</summary>
    public const int Version = 1;

    /// <summary>
    /// The document: the manager's part, every fd carried so far (<paramref name="fds"/>, the manager's and the
    /// units') and the units' value, already written (<paramref name="units"/>, carrying their fds as it was).
    /// </summary>
    public static byte[] Write(ReexecManagerState manager, CarriedFds fds, ReadOnlySpan<byte> units)
    {
        var buffer = new ArrayBufferWriter<byte>(1024);
        using (var w = new Utf8JsonWriter(buffer))
        {
            w.WriteStartObject();
            w.WriteNumber("version"u8, Version);
            w.WriteStartObject("manager"u8);
            w.WriteNumber("pid"u8, manager.Pid);
            w.WriteString("binary"u8, manager.Binary);
            w.WriteNumber("generation"u8, manager.Generation);
            w.WriteNumber("startedUsec"u8, EpochMicroseconds.From(manager.Started));
            w.WriteNumber("nextJobId"u8, manager.NextJobId);
            w.WriteNumber("controlFd"u8, manager.ControlFd);
            w.WriteNumber("notifyFd"u8, manager.NotifyFd);
            w.WriteNumber("metricsFd"u8, manager.MetricsFd);
            w.WriteNumber("runtimeLockFd"u8, manager.RuntimeLockFd);
            w.WriteNumber("stateLockFd"u8, manager.StateLockFd);
            w.WriteEndObject();
            w.WriteStartArray("fds"u8);
            foreach (var handle in fds.Carried)
                w.WriteNumberValue((int)handle.DangerousGetHandle());
            w.WriteEndArray();
            w.WritePropertyName("units"u8);
            w.WriteRawValue(units, skipInputValidation: false);
            w.WriteEndObject();
        }
        return buffer.WrittenSpan.ToArray();
    }

    /// <summary>The units' value, written by <see cref="ReexecUnits.Write"/> into a buffer of its own.</summary>
    public static byte[] WriteUnits(Action<Utf8JsonWriter> write)
    {
        var buffer = new ArrayBufferWriter<byte>(1024);
        using (var w = new Utf8JsonWriter(buffer))
            write(w);
        return buffer.WrittenSpan.ToArray();
    }

    /// <summary>Reads and checks the whole document but the units' value; throws <see cref="FormatException"/>.</summary>
    public static ReexecDocument Read(ReadOnlyMemory<byte> bytes)
    {
        JsonDocument json;
        try
        {
            json = JsonDocument.Parse(bytes);
        }
        catch (JsonException e)
        {
            throw new FormatException($"the state is not JSON ({OneLine(e.Message)})");
        }
        try
        {
            var root = json.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
                throw new FormatException("the state is not a JSON object");
            int version = Int(root, "version", "");
            if (version != Version)
                throw new FormatException($"the state has format version {version}; this binary reads version {Version}");
            var m = Member(root, "manager", JsonValueKind.Object, "");
            var manager = new ReexecManagerState
            {
                Pid = Int(m, "pid", "manager."),
                Binary = Member(m, "binary", JsonValueKind.String, "manager.").GetString()!,
                Generation = Long(m, "generation", "manager."),
                Started = EpochMicroseconds.To(Long(m, "startedUsec", "manager.")),
                NextJobId = (uint)Long(m, "nextJobId", "manager.", max: uint.MaxValue),
                ControlFd = Int(m, "controlFd", "manager."),
                NotifyFd = Int(m, "notifyFd", "manager.", min: -1),
                MetricsFd = Int(m, "metricsFd", "manager.", min: -1),
                RuntimeLockFd = Int(m, "runtimeLockFd", "manager."),
                StateLockFd = Int(m, "stateLockFd", "manager.", min: -1),
            };
            var fds = new List<int>();
            foreach (var fd in Member(root, "fds", JsonValueKind.Array, "").EnumerateArray())
            {
                if (fd.ValueKind != JsonValueKind.Number || !fd.TryGetInt32(out int number) || number < 0)
                    throw new FormatException("\"fds\" holds something that is not an fd number");
                if (fds.Contains(number))
                    throw new FormatException($"\"fds\" names fd {number} twice");
                fds.Add(number);
            }
            foreach (int fd in manager.Fds())
                if (!fds.Contains(fd))
                    throw new FormatException($"the manager's fd {fd} is not among the carried \"fds\"");
            if (!root.TryGetProperty("units"u8, out _))
                throw new FormatException("the state has no \"units\"");
            return new ReexecDocument(json, version, manager, fds);
        }
        catch
        {
            json.Dispose();
            throw;
        }
    }

    /// <summary>What --check-deserialize does: the whole document read as the restore reads it, nothing touched.</summary>
    public static void Check(ReadOnlyMemory<byte> bytes)
    {
        using var document = Read(bytes);
        try
        {
            ReexecUnits.Check(document.Units);
        }
        catch (Exception e) when (e is InvalidOperationException or KeyNotFoundException or JsonException)
        {
            throw new FormatException($"\"units\": {OneLine(e.Message)}");
        }
    }

    private static JsonElement Member(JsonElement parent, string name, JsonValueKind kind, string path)
    {
        if (!parent.TryGetProperty(name, out var value))
            throw new FormatException($"the state has no \"{path}{name}\"");
        if (value.ValueKind != kind)
            throw new FormatException($"\"{path}{name}\" is {value.ValueKind}, not {kind}");
        return value;
    }

    private static int Int(JsonElement parent, string name, string path, int min = 0) =>
        (int)Long(parent, name, path, min, int.MaxValue);

    private static long Long(JsonElement parent, string name, string path, long min = 0, long max = long.MaxValue)
    {
        var value = Member(parent, name, JsonValueKind.Number, path);
        if (!value.TryGetInt64(out long number) || number < min || number > max)
            throw new FormatException($"\"{path}{name}\" is {value.GetRawText()}, not a number from {min.ToString(CultureInfo.InvariantCulture)} to {max.ToString(CultureInfo.InvariantCulture)}");
        return number;
    }

    private static string OneLine(string text) => text.ReplaceLineEndings(" ");
}

using System.Text.Json;

namespace Summon.Manager.Reexec;

/// <summary>
/// The units' part of the re-exec state (docs/reexec.md): what every unit must keep across execve. STUB: the
/// reexec-units branch replaces this file; the reexec-exec branch calls it as it is.
/// </summary>
internal static class ReexecUnits
{
    /// <summary>Writes the value of the state's "units" property, on the loop, just before execve.</summary>
    public static void Write(Utf8JsonWriter writer, UnitManager manager, CarriedFds fds)
    {
        writer.WriteStartArray();
        writer.WriteEndArray();
    }

    /// <summary>Checks the "units" value without touching anything (--check-deserialize); a FormatException says why.</summary>
    public static void Check(JsonElement units)
    {
        if (units.ValueKind != JsonValueKind.Array)
            throw new FormatException("\"units\" is not an array");
    }

    /// <summary>Restores the units in the new manager, on the loop, before the boot sequence.</summary>
    public static void Restore(JsonElement units, UnitManager manager, CarriedFds fds)
    {
    }
}

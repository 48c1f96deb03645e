using System.Text;
using System.Text.Json;
using Summon.Control;
using Summon.Manager;
using Summon.Text;
using Summon.Units;

namespace Summon.Fuzz;

/// <summary>
/// The one entry point every fuzz input goes through, under AFL (Program) and in the CI slice (ParserFuzzTests).
/// The first line of an input names what it feeds: a unit file name loads the rest as that unit's fragment and
/// drop-ins through the real loader and `verify` (<see cref="UnitFileWorkspace"/>); "@request", "@reply",
/// "@notify", "@listen", "@timespan", "@number", "@name" feed the rest to that parser alone (fuzz/README.md).
/// Bad input must end as a diagnostic, a false or an errno; the control codec's one documented error is
/// <see cref="JsonException"/>. Anything else escapes: that is a crash.
/// </summary>
internal sealed class FuzzTarget : IDisposable
{
    /// <summary>Inputs at or above this size are not fed (the target's bound is inputs under 64 KiB).</summary>
    public const int MaxInput = 64 * 1024 - 1;

    private readonly UnitFileWorkspace _units;

    /// <param name="workDirectory">A private directory the unit files of each input are written under.</param>
    public FuzzTarget(string workDirectory) => _units = new UnitFileWorkspace(workDirectory);

    public void Dispose() => _units.Dispose();

    public void Run(ReadOnlySpan<byte> input)
    {
        if (input.Length > MaxInput)
            return;
        int newline = input.IndexOf((byte)'\n');
        ReadOnlySpan<byte> head = newline < 0 ? input : input[..newline];
        ReadOnlySpan<byte> body = newline < 0 ? [] : input[(newline + 1)..];
        string header = Encoding.UTF8.GetString(head).Trim();

        switch (header)
        {
            case "@request":
                Decode(body, static b => ControlCodec.DecodeRequest(b));
                break;
            case "@reply":
                Decode(body, static b => ControlCodec.DecodeReply(b));
                break;
            case "@notify":
                ServiceNotification.Parse(Encoding.UTF8.GetString(body));
                break;
            case "@listen":
                foreach (string line in Lines(body))
                    ListenAddressParser.TryParse(line, out _, out _);
                break;
            case "@timespan":
                foreach (string line in Lines(body))
                {
                    TimeSpans.TryParseSec(line, out ulong usec);
                    TimeSpans.Format(usec);
                    ValueParsers.TryParseTimeSpan(line, out _);
                    ValueParsers.TryParseSize(line, out _);
                    ValueParsers.TryParseMode(line, out _);
                }
                break;
            case "@number":
                foreach (string line in Lines(body))
                {
                    CNumber.TryParseUInt64(line, out _);
                    CNumber.TryParseUInt32(line, out _);
                    CNumber.TryParseInt32(line, out _);
                    CNumber.IsPositiveDecimal(line, out _);
                }
                break;
            case "@name":
                foreach (string line in Lines(body))
                    Names(line);
                break;
            default:
                _units.Load(header, body, throughFiles: Hash(input) % 8 == 0);
                break;
        }
    }

    private delegate object? Decoder(ReadOnlySpan<byte> json);

    private static void Decode(ReadOnlySpan<byte> body, Decoder decode)
    {
        try
        {
            decode(body);
        }
        catch (JsonException)
        {
            // The codec's documented answer to a malformed message: the server drops the client with it.
        }
    }

    private static void Names(string line)
    {
        if (UnitName.TryParse(line, out UnitName? name) && !name.IsPlain)
            UnitNameEscaping.TryReplaceInstance(name.Template().Name, UnitNameEscaping.Escape(line), out _);
        UnitNameEscaping.TryUnescape(UnitNameEscaping.Escape(line), out _);
        UnitNameEscaping.TryUnescape(line, out _);
        UnitNameEscaping.TryEscapePath(line, out _);
        UnitNameEscaping.TryUnescapePath(line, out _);
        UnitNameEscaping.TryMangle(line, out _);
    }

    /// <summary>FNV-1a: which inputs also go through files, the same on every run.</summary>
    private static uint Hash(ReadOnlySpan<byte> input)
    {
        uint h = 2166136261;
        foreach (byte b in input)
            h = (h ^ b) * 16777619;
        return h;
    }

    private static string[] Lines(ReadOnlySpan<byte> body) => Encoding.UTF8.GetString(body).Split('\n');
}

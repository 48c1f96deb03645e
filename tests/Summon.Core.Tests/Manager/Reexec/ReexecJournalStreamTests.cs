using System.Buffers;
using System.Text;
using System.Text.Json;
using Summon.Interop;
using Summon.Journal;
using Summon.Manager;
using Summon.Manager.Reexec;
using Summon.Tests.Manager;

namespace Summon.Core.Tests.Manager.Reexec;

/// <summary>
/// A service's stdout across a re-exec: the read end of its pipe is carried with the start of a line read but not
/// ended, so the line the service finishes after the re-exec is one journal entry, whole, in the new manager's journal.
/// </summary>
public sealed class ReexecJournalStreamTests : IDisposable
{
    private readonly ManagerHarness _before = new(new FakeProcessLauncher());
    private ManagerHarness? _after;

    public void Dispose()
    {
        _after?.Dispose();
        _before.Abandon();
    }

    [Fact]
    public unsafe void A_line_begun_before_the_re_exec_is_one_entry_after_it()
    {
        var source = new JournalStreamSource("talk.service", "talk", 4242);
        var (capture, writeEnd) = OutputCapture.Create(_before.Loop, _before.Journal, source, _before.Manager.ExecBuilder.Captures);
        using var service = writeEnd;
        capture.Attach(4242);
        Send(service, "first line\nsecond li");
        Assert.True(_before.PumpUntil(() => capture.Pending.Length > 0));

        var fds = CarriedFds.ForWriting();
        var buffer = new ArrayBufferWriter<byte>();
        using (var w = new Utf8JsonWriter(buffer))
            ReexecUnits.Write(w, _before.Manager, fds);
        using var state = JsonDocument.Parse(buffer.WrittenMemory);
        ReexecUnits.Check(state.RootElement);
        var stream = Assert.Single(state.RootElement.EnumerateArray(), e => e.GetProperty("kind").GetString() == "stream");
        Assert.Equal("second li"u8.ToArray(), stream.GetProperty("pending").GetBytesFromBase64());

        var received = fds.HandOverInProcess();
        _after = new ManagerHarness(new FakeProcessLauncher(), time: _before.Time);
        ReexecUnits.Restore(state.RootElement, _after.Manager, received);
        Assert.Empty(received.Unclaimed);
        var carried = Assert.Single(_after.Manager.ExecBuilder.Captures.Live());
        Send(service, "ne\nthird line\n");
        Assert.True(_after.PumpUntil(() => carried.Pending.Length == 0 && _after.Journal.Pending == 0 && Messages(_after).Count == 2));

        Assert.Equal(["first line"], Messages(_before));
        Assert.Equal(["second line", "third line"], Messages(_after));
        Assert.All(Entries(_after), e => Assert.Equal(("talk", 4242), (e.Identifier, e.Pid)));
    }

    private static unsafe void Send(SafeFdHandle pipe, string text)
    {
        var bytes = Encoding.UTF8.GetBytes(text);
        fixed (byte* p = bytes)
            Assert.Equal(bytes.Length, (int)Libc.Write(pipe, p, bytes.Length));
    }

    private static IReadOnlyList<JournalEntry> Entries(ManagerHarness h)
    {
        h.Journal.Flush();
        using var reader = JournalReader.TryOpen(Path.Combine(h.Root, "state"));
        return reader?.Query(new JournalQuery(Units: ["talk.service"])) ?? [];
    }

    private static List<string> Messages(ManagerHarness h) => [.. Entries(h).Where(e => e.Identifier == "talk").Select(e => e.Message)];
}

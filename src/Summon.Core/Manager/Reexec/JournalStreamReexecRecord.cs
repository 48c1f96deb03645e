using Summon.Journal;

namespace Summon.Manager.Reexec;

/// <summary>
/// A service's stdout or stderr going to the journal, across a re-exec: the read end of its pipe (carried), whose
/// lines it is filed under, and the start of a line read but not ended yet, so that not a line is lost or split.
/// </summary>
internal sealed record JournalStreamReexecRecord(int Fd, JournalStreamSource Source, byte[] Pending);

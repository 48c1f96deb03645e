namespace Summon.Journal;

/// <summary>
/// The journal exists but cannot be read (no permission, not a database): the message is one line for the user,
/// saying what, where and what to do.
/// </summary>
internal sealed class JournalUnreadableException(string message, Exception? inner = null) : Exception(message, inner);

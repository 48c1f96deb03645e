namespace Summon.Manager;

/// <summary>
/// The journal captures that are reading (attached and not at end of stream): a re-exec carries each one's pipe. An
/// intrusive list, so that the capture of every Accept=yes instance joins and leaves it without allocating.
/// </summary>
internal sealed class OutputCaptures
{
    private OutputCapture? _first;

    public void Add(OutputCapture capture)
    {
        capture.Next = _first;
        if (_first is not null)
            _first.Previous = capture;
        _first = capture;
    }

    public void Remove(OutputCapture capture)
    {
        if (capture.Previous is { } previous)
            previous.Next = capture.Next;
        else if (_first == capture)
            _first = capture.Next;
        else
            return;   // not in the list
        if (capture.Next is { } next)
            next.Previous = capture.Previous;
        capture.Next = capture.Previous = null;
    }

    /// <summary>Every capture reading now, newest first.</summary>
    public List<OutputCapture> Live()
    {
        var live = new List<OutputCapture>();
        for (var capture = _first; capture is not null; capture = capture.Next)
            live.Add(capture);
        return live;
    }
}

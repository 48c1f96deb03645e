namespace Summon.Manager.Takeover;

/// <summary>
/// Writes the state file off the event loop: the loop hands over the latest contents and returns; one pool thread at
/// a time writes them, and contents handed over meanwhile replace each other, so a burst of state changes costs one
/// or two writes and the loop never waits for the disk. Each write is atomic (a private temporary file renamed over
/// the old one), so a manager killed mid-write leaves the previous file whole. No fsync: the file has to outlive the
/// manager, not the machine (the runtime directory and every process in it end with a reboot), and the page cache
/// survives a crashed process.
/// </summary>
internal sealed class StateFileWriter(string path, Action<string> failed)
{
    /// <summary>The state file of the manager whose runtime directory is <paramref name="runtimeDirectory"/>.</summary>
    public static string PathIn(string runtimeDirectory) => System.IO.Path.Combine(runtimeDirectory, "manager-state.json");

    private const UnixFileMode Private = UnixFileMode.UserRead | UnixFileMode.UserWrite;

    private readonly object _gate = new();
    private byte[]? _pending;
    private bool _writing;
    private bool _closed;
    private bool _failing;

    public string Path => path;

    /// <summary>Makes <paramref name="contents"/> the next contents of the file; never blocks on the disk.</summary>
    public void Write(byte[] contents)
    {
        lock (_gate)
        {
            if (_closed)
                return;
            _pending = contents;
            if (_writing)
                return;
            _writing = true;
        }
        ThreadPool.UnsafeQueueUserWorkItem(static self => self.Drain(), this, preferLocal: false);
    }

    /// <summary>Waits for the write in progress, then removes the file: a manager that stopped cleanly leaves nothing to take over.</summary>
    public void Remove()
    {
        lock (_gate)
        {
            _closed = true;
            _pending = null;
            while (_writing)
                Monitor.Wait(_gate);
        }
        try
        {
            File.Delete(path);
        }
        catch (DirectoryNotFoundException)
        {
            // Never written: nothing to remove.
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            failed($"Failed to remove {path}: {e.Message}");
        }
    }

    private void Drain()
    {
        while (true)
        {
            byte[] next;
            lock (_gate)
            {
                if (_pending is null || _closed)
                {
                    _writing = false;
                    Monitor.PulseAll(_gate);
                    return;
                }
                next = _pending;
                _pending = null;
            }
            WriteAtomically(next);
        }
    }

    private void WriteAtomically(byte[] contents)
    {
        if (OperatingSystem.IsWindows())
            throw new PlatformNotSupportedException();
        string temporary = path + ".tmp";
        try
        {
            using (var stream = new FileStream(temporary, new FileStreamOptions { Mode = FileMode.Create, Access = FileAccess.Write, UnixCreateMode = Private }))
                stream.Write(contents);
            File.Move(temporary, path, overwrite: true);
            _failing = false;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // Said once per failing stretch: a full or read-only runtime directory must not flood the journal.
            if (!_failing)
                failed($"Failed to write {path}, a restarted manager will not take over the running services: {e.Message}");
            _failing = true;
        }
    }
}

using System.Diagnostics;

namespace Summon.Fuzz;

/// <summary>
/// The 1 s hang bound under AFL. SharpFuzz's persistent mode runs every input in this one process, so an AFL timeout
/// kills the fuzzer itself; AFL's -t is therefore generous and this watch keeps the real bound: any input still
/// running after a second is copied to SUMMON_FUZZ_SLOW (run.sh replays those to confirm them away from load).
/// </summary>
internal sealed class SlowInputWatch
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(1);

    private readonly string? _directory;
    private readonly object _gate = new();
    private byte[]? _current;
    private long _started;
    private long _sequence;
    private long _reported = -1;

    public SlowInputWatch(string? directory)
    {
        _directory = string.IsNullOrEmpty(directory) ? null : directory;
        if (_directory is null)
            return;
        Directory.CreateDirectory(_directory);
        new Thread(Watch) { IsBackground = true, Name = "slow-input-watch" }.Start();
    }

    public void Begin(ReadOnlySpan<byte> input)
    {
        if (_directory is null)
            return;
        lock (_gate)
        {
            _current = input.ToArray();
            _started = Stopwatch.GetTimestamp();
            _sequence++;
        }
    }

    public void End()
    {
        lock (_gate)
            _current = null;
    }

    private void Watch()
    {
        while (true)
        {
            Thread.Sleep(100);
            byte[]? slow = null;
            long sequence;
            lock (_gate)
            {
                sequence = _sequence;
                if (_current is not null && sequence != _reported && Stopwatch.GetElapsedTime(_started) > Bound)
                {
                    slow = _current;
                    _reported = sequence;
                }
            }

            if (slow is not null)
                File.WriteAllBytes(Path.Combine(_directory!, $"slow-{Environment.ProcessId}-{sequence}"), slow);
        }
    }
}

using System.Diagnostics;
using Summon.Fuzz;

// Summon.Fuzz afl                       — under afl-fuzz (persistent mode, SharpFuzz-instrumented Summon.Core.dll)
// Summon.Fuzz replay PATH…               — feeds files (or every file of directories) once; reports each crash and
//                                          each input over 1 s; exit 1 if any
// Summon.Fuzz mutate COUNT SEED CORPUS   — deterministic in-process mutations of CORPUS (no AFL); prints key value lines
if (args.Length == 0)
    return Usage();

string work = Path.Combine(Directory.Exists("/dev/shm") ? "/dev/shm" : Path.GetTempPath(), $"summon-fuzz-{Environment.ProcessId}");
using var target = new FuzzTarget(work);
switch (args[0])
{
    case "afl":
        var buffer = new MemoryStream();
        var watch = new SlowInputWatch(Environment.GetEnvironmentVariable("SUMMON_FUZZ_SLOW"));
        SharpFuzz.Fuzzer.Run(stream =>
        {
            buffer.SetLength(0);
            stream.CopyTo(buffer);
            ReadOnlySpan<byte> input = buffer.GetBuffer().AsSpan(0, (int)buffer.Length);
            watch.Begin(input);
            target.Run(input);
            watch.End();
        });
        return 0;
    case "replay" when args.Length > 1:
        return Replay(target, args[1..]);
    case "mutate" when args.Length == 4:
        return Mutate(target, long.Parse(args[1]), int.Parse(args[2]), args[3]);
    default:
        return Usage();
}

static int Usage()
{
    Console.Error.WriteLine("usage: Summon.Fuzz afl | replay PATH... | mutate COUNT SEED CORPUS-DIR");
    return 2;
}

static IEnumerable<string> Files(string[] paths) =>
    paths.SelectMany<string, string>(p => Directory.Exists(p) ? Directory.EnumerateFiles(p, "*", SearchOption.AllDirectories).Order(StringComparer.Ordinal) : [p]);

static int Replay(FuzzTarget target, string[] paths)
{
    int bad = 0, count = 0;
    foreach (string file in Files(paths))
    {
        if (Path.GetFileName(file) is "README.txt" or ".state")
            continue;
        byte[] input = File.ReadAllBytes(file);
        count++;
        var watch = Stopwatch.StartNew();
        try
        {
            target.Run(input);
        }
        catch (Exception e)
        {
            bad++;
            Console.WriteLine($"crash {file}: {e}");
            continue;
        }

        if (watch.Elapsed > TimeSpan.FromSeconds(1))
        {
            bad++;
            Console.WriteLine($"hang {file}: {watch.Elapsed.TotalMilliseconds:F0} ms");
        }
    }

    Console.WriteLine($"replayed {count}");
    Console.WriteLine($"bad {bad}");
    return bad == 0 ? 0 : 1;
}

static int Mutate(FuzzTarget target, long count, int seed, string corpus)
{
    byte[][] inputs = Files([corpus]).Select(File.ReadAllBytes).ToArray();
    var mutator = new Mutator(inputs, seed);
    int crashes = 0, hangs = 0;
    TimeSpan slowest = TimeSpan.Zero;
    var total = Stopwatch.StartNew();
    for (long i = 0; i < count; i++)
    {
        byte[] input = mutator.Next();
        long start = Stopwatch.GetTimestamp();
        try
        {
            target.Run(input);
        }
        catch (Exception e)
        {
            if (crashes++ < 20)
            {
                string file = $"crash-{seed}-{i}";
                File.WriteAllBytes(file, input);
                Console.Error.WriteLine($"crash {file}: {e.GetType().Name}: {e.Message}");
            }
        }

        TimeSpan elapsed = Stopwatch.GetElapsedTime(start);
        if (elapsed > slowest)
            slowest = elapsed;
        if (elapsed > TimeSpan.FromSeconds(1) && hangs++ < 20)
            File.WriteAllBytes($"hang-{seed}-{i}", input);
    }

    double seconds = total.Elapsed.TotalSeconds;
    Console.WriteLine($"inputs {count}");
    Console.WriteLine($"crashes {crashes}");
    Console.WriteLine($"hangs {hangs}");
    Console.WriteLine($"seconds {seconds:F0}");
    Console.WriteLine($"execs_per_sec {count / seconds:F0}");
    Console.WriteLine($"slowest_ms {slowest.TotalMilliseconds:F1}");
    return crashes + hangs == 0 ? 0 : 1;
}

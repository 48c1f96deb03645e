using System.Diagnostics;
using Summon.Fuzz;

namespace Summon.Core.Tests.Fuzz;

/// <summary>
/// The bounded CI slice of the parser fuzz target (fuzz/README.md): the seed corpus and a fixed budget of
/// deterministic mutations of it, in-process through the same entry point AFL drives. No exception may escape and no
/// input may take over a second (one that does is timed again, so a scheduling stall under load is not a hang).
/// </summary>
public sealed class ParserFuzzTests : IDisposable
{
    private const int MutatedInputs = 10_000;
    private const int Seed = 11;
    private static readonly TimeSpan HangBound = TimeSpan.FromSeconds(1);

    private readonly string _dir = Directory.CreateTempSubdirectory("summon-fuzz-").FullName;
    private readonly FuzzTarget _target;

    public ParserFuzzTests() => _target = new FuzzTarget(Path.Combine(_dir, "work"));

    public void Dispose()
    {
        _target.Dispose();
        Directory.Delete(_dir, recursive: true);
    }

    private static byte[][] Corpus() =>
        Directory.EnumerateFiles(Path.Combine(AppContext.BaseDirectory, "FuzzCorpus"))
            .Order(StringComparer.Ordinal)
            .Select(File.ReadAllBytes)
            .ToArray();

    [Fact]
    public void The_corpus_is_there() => Assert.True(Corpus().Length >= 100);

    [Fact]
    public void Every_corpus_input_loads_without_an_exception_or_a_hang()
    {
        List<string> failures = Corpus().Select(Check).OfType<string>().ToList();
        Assert.True(failures.Count == 0, string.Join("\n", failures));
    }

    [Fact]
    public void Mutated_inputs_neither_throw_nor_hang()
    {
        var mutator = new Mutator(Corpus(), Seed);
        var failures = new List<string>();
        for (int i = 0; i < MutatedInputs && failures.Count < 5; i++)
        {
            if (Check(mutator.Next()) is string failure)
                failures.Add($"mutation {i} (seed {Seed}): {failure}");
        }

        Assert.True(failures.Count == 0, string.Join("\n", failures));
    }

    /// <summary>Null when the input passes; else what went wrong and the input (base64, to replay with
    /// `Summon.Fuzz replay`).</summary>
    private string? Check(byte[] input)
    {
        for (int attempt = 0; ; attempt++)
        {
            var watch = Stopwatch.StartNew();
            try
            {
                _target.Run(input);
            }
            catch (Exception e)
            {
                return $"{e.GetType().Name}: {e.Message} at {e.StackTrace?.Split('\n')[0].Trim()} — input {Convert.ToBase64String(input)}";
            }

            if (watch.Elapsed <= HangBound)
                return null;
            if (attempt == 1)
                return $"took {watch.Elapsed.TotalMilliseconds:F0} ms twice — input {Convert.ToBase64String(input)}";
        }
    }
}

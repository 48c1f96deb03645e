using System.Text.RegularExpressions;
using Summon.IntegrationTests.Harness;

namespace Summon.IntegrationTests.Packaging;

/// <summary>
/// examples/container/Dockerfile builds from the repository as its context, and no docker runs here: its
/// .dockerignore is checked against git instead. What git reports as ignored (the build output of this very run)
/// stays out of the context, no tracked file does, and every file the Dockerfile copies is in the context.
/// </summary>
public sealed class ContainerContextTests
{
    private static readonly string s_repository = RepositoryRoot.Find();

    [Fact]
    public void Dockerignore_excludes_the_build_output_git_ignores_and_nothing_tracked()
    {
        var ignore = DockerIgnore.Read(Path.Combine(s_repository, ".dockerignore"));
        Assert.True(Directory.Exists(Path.Combine(s_repository, ".git")) || File.Exists(Path.Combine(s_repository, ".git")), "not a git checkout");

        CommandResult ignored = Command.Run("git", ["-C", s_repository, "status", "--ignored", "--porcelain=v1", "--untracked-files=normal"]);
        Assert.True(ignored.ExitCode == 0, ignored.ToString());
        var output = ignored.StdOutLines.Where(l => l.StartsWith("!! ", StringComparison.Ordinal)).Select(l => l[3..].TrimEnd('/')).ToList();
        Assert.NotEmpty(output);   // the test assembly itself is build output under tests/*/bin
        Assert.All(output, path => Assert.True(ignore.Excludes(path), $"{path} is build output (git ignores it) but would be sent to docker"));
        Assert.True(ignore.Excludes(".git"));

        CommandResult tracked = Command.Run("git", ["-C", s_repository, "ls-files"]);
        Assert.True(tracked.ExitCode == 0, tracked.ToString());
        Assert.All(tracked.StdOutLines, path => Assert.False(ignore.Excludes(path), $"{path} is a source file but .dockerignore leaves it out"));
    }

    [Fact]
    public void Dockerfile_copies_only_what_the_context_holds()
    {
        var ignore = DockerIgnore.Read(Path.Combine(s_repository, ".dockerignore"));
        string[] lines = File.ReadAllLines(Path.Combine(s_repository, "examples", "container", "Dockerfile"));
        var sources = lines.Where(l => l.StartsWith("COPY ", StringComparison.Ordinal) && !l.Contains("--from=", StringComparison.Ordinal))
            .SelectMany(l => l.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1..^1])
            .ToList();
        Assert.Contains(".", sources);
        foreach (string source in sources.Where(s => s != "."))
        {
            Assert.True(File.Exists(Path.Combine(s_repository, source)), $"COPY {source}: no such file in the repository");
            Assert.False(ignore.Excludes(source), $"COPY {source}: excluded by .dockerignore");
        }
    }

    /// <summary>Docker's .dockerignore: paths from the context root, *, ?, ** and !exceptions, the last match winning.</summary>
    private sealed class DockerIgnore(List<(Regex Pattern, bool Exclude)> rules)
    {
        public static DockerIgnore Read(string path)
        {
            var rules = new List<(Regex, bool)>();
            foreach (string raw in File.ReadAllLines(path))
            {
                string line = raw.Trim();
                if (line.Length == 0 || line.StartsWith('#'))
                    continue;
                bool exclude = !line.StartsWith('!');
                string pattern = line.TrimStart('!').Trim('/');
                rules.Add((new Regex("^" + Translate(pattern) + "(/.*)?$"), exclude));
            }
            return new DockerIgnore(rules);
        }

        public bool Excludes(string path)
        {
            bool excluded = false;
            foreach (var (pattern, exclude) in rules)
            {
                if (pattern.IsMatch(path))
                    excluded = exclude;
            }
            return excluded;
        }

        private static string Translate(string pattern)
        {
            var regex = new System.Text.StringBuilder();
            for (int i = 0; i < pattern.Length; i++)
            {
                if (pattern.AsSpan(i).StartsWith("**/"))
                {
                    regex.Append("(.*/)?");
                    i += 2;
                }
                else if (pattern.AsSpan(i).StartsWith("**"))
                {
                    regex.Append(".*");
                    i++;
                }
                else if (pattern[i] == '*')
                    regex.Append("[^/]*");
                else if (pattern[i] == '?')
                    regex.Append("[^/]");
                else
                    regex.Append(Regex.Escape(pattern[i].ToString()));
            }
            return regex.ToString();
        }
    }
}

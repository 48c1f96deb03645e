using System.Diagnostics;
using System.Text;

namespace Summon.IntegrationTests.Harness;

/// <summary>Runs a program to completion with a clean environment, optional stdin and a deadline.</summary>
internal static class Command
{
    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(30);

    /// <param name="environment">The child's whole environment; <c>null</c> inherits the test host's.</param>
    /// <param name="stdin">Written to the child's stdin, which is then closed; without it the child reads EOF at once.</param>
    public static CommandResult Run(
        string fileName,
        IEnumerable<string> arguments,
        IReadOnlyDictionary<string, string>? environment = null,
        string? stdin = null,
        TimeSpan? timeout = null,
        string? workingDirectory = null)
    {
        var startInfo = new ProcessStartInfo(fileName)
        {
            UseShellExecute = false,
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            StandardOutputEncoding = new UTF8Encoding(false),
            StandardErrorEncoding = new UTF8Encoding(false),
            StandardInputEncoding = new UTF8Encoding(false),
        };
        foreach (string argument in arguments)
        {
            startInfo.ArgumentList.Add(argument);
        }

        if (workingDirectory is not null)
        {
            startInfo.WorkingDirectory = workingDirectory;
        }

        if (environment is not null)
        {
            startInfo.Environment.Clear();
            foreach ((string key, string value) in environment)
            {
                startInfo.Environment[key] = value;
            }
        }

        string commandLine = Describe(fileName, startInfo.ArgumentList);
        using var process = new Process { StartInfo = startInfo };
        process.Start();
        Task<string> stdout = process.StandardOutput.ReadToEndAsync();
        Task<string> stderr = process.StandardError.ReadToEndAsync();
        try
        {
            if (stdin is not null)
            {
                process.StandardInput.Write(stdin);
            }

            process.StandardInput.Close();
        }
        catch (IOException)
        {
            // The child exited (or closed stdin) before reading everything; its exit code tells the story.
        }

        TimeSpan limit = timeout ?? DefaultTimeout;
        // A grandchild that inherited stdout keeps the pipes open after the child exits; the deadline covers that too.
        bool exited = process.WaitForExit(limit) && Task.WaitAll([stdout, stderr], limit);
        if (!exited)
        {
            try
            {
                process.Kill(entireProcessTree: true);
            }
            catch (InvalidOperationException)
            {
                // Already gone.
            }

            process.WaitForExit();
            string partialOut = stdout.IsCompletedSuccessfully ? stdout.Result : "";
            string partialErr = stderr.IsCompletedSuccessfully ? stderr.Result : "";
            throw new TimeoutException(
                $"`{commandLine}` did not finish within {limit.TotalSeconds:0} s\n[stdout]\n{partialOut}[stderr]\n{partialErr}");
        }

        return new CommandResult(commandLine, process.ExitCode, stdout.Result, stderr.Result);
    }

    internal static string Describe(string fileName, IEnumerable<string> arguments)
    {
        var text = new StringBuilder(fileName);
        foreach (string argument in arguments)
        {
            text.Append(' ');
            bool plain = argument.Length > 0 && argument.All(c => char.IsAsciiLetterOrDigit(c) || "-_./:=@,+%".Contains(c));
            text.Append(plain ? argument : "'" + argument.Replace("'", "'\\''") + "'");
        }

        return text.ToString();
    }
}

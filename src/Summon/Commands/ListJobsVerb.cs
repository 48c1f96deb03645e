using System.CommandLine;
using Summon.Cli.Rendering;
using Summon.Cli.Terminal;
using Summon.Control;

namespace Summon.Cli.Commands;

/// <summary>list-jobs: the manager's queued jobs as systemctl 252 prints them (systemctl-list-jobs.c).</summary>
internal static class ListJobsVerb
{
    public static void AddTo(Command root)
    {
        var command = new Command("list-jobs", "List active jobs");
        command.SetAction(r =>
        {
            if (!TableOutput.TryGet(r, "list-jobs", out var format))
                return 1;
            var reply = ControlCall.Send(GlobalOptions.Context(r), new ControlRequest { Method = ControlMethods.ListJobs }, out int rc);
            if (reply is null)
                return rc;
            bool legend = GlobalOptions.ShowLegend(r);
            if (reply.Units.Count == 0)
            {
                if (legend)
                    Console.Write($"{Ansi.HighlightGreen}No jobs running.{Ansi.Normal}\n");
                return 0;
            }
            Pager.Open(r);
            Console.Write(TableOutput.Render(Table(reply.Units), format, legend));
            if (legend && format == OutputFormat.Short)
                Console.Write($"\n{Ansi.Highlight}{reply.Units.Count} jobs listed{Ansi.Normal}.\n");
            return 0;
        });
        root.Subcommands.Add(command);
    }

    /// <summary>JOB UNIT TYPE STATE; a running job's unit and state highlighted, as systemctl does.</summary>
    internal static Table Table(IReadOnlyList<UnitInfo> jobs)
    {
        var table = new Table("job", "unit", "type", "state");
        foreach (var job in jobs)
        {
            string state = job.Get("JobState") ?? "";
            table.Add(job.Get("Job") ?? "", job.Id, job.Get("JobType") ?? "", state);
            if (state == "running")
            {
                table.Color(1, Ansi.Highlight);
                table.Color(3, Ansi.Highlight);
            }
        }
        return table;
    }
}

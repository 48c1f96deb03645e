using System.CommandLine;

namespace Summon.Cli;

/// <summary>systemctl's common flags, accepted by every verb (Recursive) so scripts written for systemctl run unchanged.</summary>
internal static class GlobalOptions
{
    public static readonly Option<bool> User = new("--user") { Description = "Talk to the user manager", Recursive = true };
    public static readonly Option<bool> System = new("--system") { Description = "Talk to the system manager (default as root)", Recursive = true };
    public static readonly Option<bool> NoPager = new("--no-pager") { Description = "Do not pipe output into a pager", Recursive = true };
    public static readonly Option<bool> Full = new("--full", "-l") { Description = "Do not ellipsize output (never done)", Recursive = true };
    public static readonly Option<bool> NoLegend = new("--no-legend") { Description = "Do not print headers and footers", Recursive = true };
    public static readonly Option<string> Legend = new("--legend") { Description = "Print headers and footers: yes (default) or no (Debian's systemctl completion says --legend=no)", Recursive = true, HelpName = "BOOL" };
    public static readonly Option<bool> Plain = new("--plain") { Description = "Tables without the glyph column, trees as lists", Recursive = true };
    public static readonly Option<bool> Quiet = new("--quiet", "-q") { Description = "Suppress output", Recursive = true };
    public static readonly Option<bool> NoBlock = new("--no-block") { Description = "Do not wait for the job to finish", Recursive = true };
    public static readonly Option<string> Output = new("--output", "-o") { Description = "Output mode: short (default), json or json-pretty; journal modes for journal", Recursive = true };

    public static void AddTo(Command root)
    {
        foreach (var option in (Option[])[User, System, NoPager, Full, NoLegend, Legend, Plain, Quiet, NoBlock, Output])
            root.Options.Add(option);
    }

    /// <summary>Whether to print headers and footers: not with --no-legend or --legend=BOOL false (systemd's parse_boolean words).</summary>
    public static bool ShowLegend(ParseResult result) =>
        !result.GetValue(NoLegend) && result.GetValue(Legend)?.ToLowerInvariant() is not ("0" or "no" or "n" or "false" or "f" or "off");

    public static CliContext Context(ParseResult result) => CliContext.Create(result.GetValue(User), result.GetValue(System));
}

namespace Summon.Processes;

/// <summary>
/// The helper's command line: <see cref="Path"/> runs with argv = <see cref="Prefix"/> (argv[0] included), then
/// either "ARGV0 PATH ARGS…" (<see cref="PassArgv0"/>) or "PATH ARGS…". Prefix arrays are cached per option set so
/// a spawn allocates nothing here.
/// </summary>
internal readonly record struct HelperInvocation(string Path, string[] Prefix, bool PassArgv0);

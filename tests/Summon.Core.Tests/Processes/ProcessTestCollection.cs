namespace Summon.Core.Tests.Processes;

/// <summary>
/// Tests that spawn, signal or reap run one at a time: some change process-wide state of the test host for a moment
/// (SIGCHLD disposition, child-subreaper flag), which must not meet another test's children.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class ProcessTestCollection
{
    public const string Name = "Processes";
}

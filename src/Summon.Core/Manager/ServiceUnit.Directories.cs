using Summon.Manager.Directories;
using Summon.Processes;

namespace Summon.Manager;

/// <summary>The service's directories and private /tmp: made before each command, removed once the unit is dead
/// (<see cref="DirectoryStore"/> does the disk work off the loop).</summary>
internal sealed partial class ServiceUnit
{
    /// <summary>
    /// True when the next command must wait for its directories: the making starts here (the user is known) and
    /// <see cref="OnCredentialsAnswered"/> resumes the command on the loop once it is done, under the state's timeout
    /// (TimeoutStartSec= for a start, armed here when the state had none).
    /// </summary>
    private bool AwaitDirectories()
    {
        var job = _directories;
        if (job is null)
        {
            var exec = Settings.Exec;
            bool dynamicUser = exec.Privileges.DynamicUser;
            bool made = CurrentDynamicUser is { DirectoriesMade: true };
            if (!Manager.UnitDirectories.Needed(exec, dynamicUser, made))
                return false;
            ExecCredentials ids;
            try
            {
                ids = dynamicUser ? CurrentDynamicUser?.Credentials ?? ExecCredentials.None : Manager.ExecBuilder.Credentials.Resolve(exec, Id);
            }
            catch (SpawnException)
            {
                return false;   // the spawn fails at step USER or GROUP, before its directories
            }
            job = Manager.UnitDirectories.Prepare(Id, exec, ids, dynamicUser, made, Definition.Unit.JoinsNamespaceOf);
            _directories = job;
        }
        if (job.Done)
            return false;
        WaitFor(job.Task);
        return true;
    }

    /// <summary>The job made for the command about to be built; each job serves one spawn.</summary>
    private DirectoryJob? TakeDirectories()
    {
        var job = _directories;
        _directories = null;
        return job;
    }

    /// <summary>The unit is dead: its runtime directories (unless preserved for <paramref name="restarting"/>) and,
    /// with <paramref name="privateTmp"/>, its private /tmp go, after the jobs of the unit queued.</summary>
    private void RemoveDirectories(bool restarting, bool privateTmp)
    {
        _directories = null;
        var exec = Settings.Exec;
        Manager.UnitDirectories.Remove(Id, exec, Manager.ExecBuilder.Directories.RemovesRuntime(exec, restarting),
            privateTmp && exec.Mounts.EffectivePrivateTmp(exec.Privileges.DynamicUser));
    }
}

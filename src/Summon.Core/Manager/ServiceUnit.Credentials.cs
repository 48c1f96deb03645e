using Summon.Manager.Credentials;
using Summon.Processes;

namespace Summon.Manager;

/// <summary>The service's credentials directory: made before the first process of each start, removed once the last
/// process of the unit is gone (<see cref="CredentialStore"/> does the work off the loop).</summary>
internal sealed partial class ServiceUnit
{
    /// <summary>
    /// True when a command of a start state must wait for this invocation's credentials directory: the making starts
    /// here (the User=/Group= lookup has answered, so the owner is known) and <see cref="OnCredentialsAnswered"/>
    /// resumes the command on the loop once it is done, under TimeoutStartSec= as the user lookup waits.
    /// </summary>
    private bool AwaitCredentialFiles()
    {
        if (!Settings.Exec.Credentials.Any || _state is not (ServiceState.StartPre or ServiceState.Start or ServiceState.StartPost))
            return false;
        var job = _credentialFiles;
        if (job is null || job.InvocationId != InvocationId)
        {
            ExecCredentials ids;
            try
            {
                ids = CurrentDynamicUser is { Credentials: { } dynamic } ? dynamic : Manager.ExecBuilder.Credentials.Resolve(Settings.Exec, Id);
            }
            catch (SpawnException)
            {
                return false;   // the spawn fails at step USER or GROUP, as it would without credentials
            }
            var timeout = Settings.TimeoutStartSec is { } t && t > TimeSpan.Zero && t != TimeSpan.MaxValue ? t : DefaultTimeout;
            job = Manager.Credentials.Prepare(Id, InvocationId, Settings.Exec.Credentials, ids.Uid, ids.Gid, timeout);
            _credentialFiles = job;
        }
        if (job.Done)
            return false;
        ulong token = ++_credentialWaits;
        _credentialWait = token;
        if (!_timeoutApplies)
            ArmTimer(Settings.TimeoutStartSec ?? DefaultTimeout);
        job.Task.ContinueWith(_ => Manager.Loop.Post(() => OnCredentialsAnswered(token)),
            CancellationToken.None, TaskContinuationOptions.None, TaskScheduler.Default);
        return true;
    }

    /// <summary>
    /// $CREDENTIALS_DIRECTORY for <paramref name="command"/> (null without credentials). A command of a start state
    /// whose directory could not be made fails at step CREDENTIALS (243), after the line that says why.
    /// </summary>
    private string? CredentialFilesFor(Units.ExecCommand command)
    {
        if (!Settings.Exec.Credentials.Any)
            return null;
        if (_credentialFiles is { Done: true } job && job.InvocationId == InvocationId)
        {
            if (!job.Reported)
            {
                job.Reported = true;
                if (job.Notice is { } notice)
                    ManagerLog.UnitWarning(Manager.Log, Id, notice);
            }
            if (job.Failure is { } failed && _state is ServiceState.StartPre or ServiceState.Start or ServiceState.StartPost)
                throw new SpawnException(command.Path, failed.Errno, ExitStatusNames.Credentials);
        }
        return Manager.Credentials.DirectoryOf(Id);
    }

    /// <summary>The line that says which credential failed and what to do, logged before systemd's two lines.</summary>
    private void LogCredentialFailure()
    {
        if (_credentialFiles?.Failure is { } failure)
            ManagerLog.UnitError(Manager.Log, Id, failure.Message);
    }

    /// <summary>The last process is gone: the directory goes (a restart makes a new one).</summary>
    private void RemoveCredentialFiles()
    {
        if (!Settings.Exec.Credentials.Any && _credentialFiles is null)
            return;
        _credentialFiles = null;
        Manager.Credentials.Remove(Id);
    }
}

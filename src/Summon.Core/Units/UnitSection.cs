namespace Summon.Units;

/// <summary>Typed [Unit] settings.</summary>
internal sealed class UnitSection
{
    public string? Description { get; set; }

    /// <summary>[X-Summon] RequiredForReadiness= (services and sockets): /readyz answers 503 until this unit is active.</summary>
    public bool RequiredForReadiness { get; set; }

    public List<string> Documentation { get; } = [];

    public List<string> Wants { get; } = [];

    public List<string> Requires { get; } = [];

    public List<string> Requisite { get; } = [];

    public List<string> BindsTo { get; } = [];

    public List<string> PartOf { get; } = [];

    public List<string> Conflicts { get; } = [];

    public List<string> After { get; } = [];

    public List<string> Before { get; } = [];

    public List<string> OnFailure { get; } = [];

    public List<string> OnSuccess { get; } = [];

    public bool DefaultDependencies { get; set; } = true;

    public bool StopWhenUnneeded { get; set; }

    public bool RefuseManualStart { get; set; }

    public bool RefuseManualStop { get; set; }

    public TimeSpan? StartLimitInterval { get; set; }

    public uint? StartLimitBurst { get; set; }

    public string? SourcePath { get; set; }

    /// <summary>SuccessAction= ("none" unless set); a service with one needs no ExecStart=.</summary>
    public string SuccessAction { get; set; } = "none";

    /// <summary>
    /// Condition*= (issue 13, conditions): in systemd's order, the last assignment first (its list is prepended to),
    /// which is the order they are tested and shown in.
    /// </summary>
    public List<UnitCondition> Conditions { get; } = [];

    /// <summary>Assert*=, in the same order as <see cref="Conditions"/>.</summary>
    public List<UnitCondition> Asserts { get; } = [];

    // The job engine's keys (issue 13, jobs part).

    public List<string> PropagatesReloadTo { get; } = [];

    public List<string> ReloadPropagatedFrom { get; } = [];

    /// <summary>AllowIsolate=: `isolate` may start this unit.</summary>
    public bool AllowIsolate { get; set; }

    /// <summary>IgnoreOnIsolate=: `isolate` of another unit leaves this one running.</summary>
    public bool IgnoreOnIsolate { get; set; }
    // ---- dependency reactions (issue 13, reactions part) ----

    /// <summary>JoinsNamespaceOf=: units whose private /tmp and /var/tmp this one shares while one of them runs (either
    /// side naming the other is enough, as systemd's dependency is its own inverse).</summary>
    public List<string> JoinsNamespaceOf { get; } = [];

    /// <summary>Upholds=: started again whenever found inactive while this unit is active.</summary>
    public List<string> Upholds { get; } = [];

    /// <summary>OnFailureJobMode= ("replace" unless set).</summary>
    public string OnFailureJobMode { get; set; } = "replace";

    /// <summary>OnSuccessJobMode= ("replace" unless set).</summary>
    public string OnSuccessJobMode { get; set; } = "replace";

    /// <summary>FailureAction= ("none" unless set).</summary>
    public string FailureAction { get; set; } = "none";

    /// <summary>JobTimeoutSec=: how long a job of the unit may be queued at most; null (infinity) unless set.</summary>
    public TimeSpan? JobTimeout { get; set; }

    /// <summary>JobRunningTimeoutSec=: how long a job may run once started; JobTimeoutSec= unless set on its own.</summary>
    public TimeSpan? JobRunningTimeout { get; set; }

    /// <summary>Whether JobRunningTimeoutSec= was set itself (JobTimeoutSec= then no longer sets it).</summary>
    public bool JobRunningTimeoutSet { get; set; }

    /// <summary>JobTimeoutAction= ("none" unless set): what a timed-out job does (SuccessAction='s words).</summary>
    public string JobTimeoutAction { get; set; } = "none";

    /// <summary>JobTimeoutRebootArgument=: kept and shown; Summon never reboots (JobTimeoutAction= reboot acts as exit).</summary>
    public string? JobTimeoutRebootArgument { get; set; }

    /// <summary>StartLimitAction= ("none" unless set).</summary>
    public string StartLimitAction { get; set; } = "none";

    /// <summary>SuccessActionExitStatus= (0–255), null when unset: the main process's exit status is used.</summary>
    public int? SuccessActionExitStatus { get; set; }

    /// <summary>FailureActionExitStatus= (0–255), null when unset: the main process's exit status is used.</summary>
    public int? FailureActionExitStatus { get; set; }

    /// <summary>CollectMode=inactive-or-failed: a failed unit is forgotten (reset) as an inactive one is.</summary>
    public bool CollectInactiveOrFailed { get; set; }
}

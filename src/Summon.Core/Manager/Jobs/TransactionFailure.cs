using Summon.Control;

namespace Summon.Manager.Jobs;

/// <summary>Why a transaction could not be built or applied: a <see cref="JobError"/> for the request's unit.</summary>
internal sealed class TransactionFailure(JobError error) : Exception(error.Failure.ToString())
{
    public JobError Error { get; } = error;
}

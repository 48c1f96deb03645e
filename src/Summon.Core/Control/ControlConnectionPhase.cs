namespace Summon.Control;

/// <summary>Where one control client is between accept and close.</summary>
internal enum ControlConnectionPhase
{
    /// <summary>Its request line has not all arrived: waiting on the client, under the request deadline.</summary>
    Reading,

    /// <summary>The handler has its request (a job may take long): the server neither reads nor writes, and no deadline runs.</summary>
    Handling,

    /// <summary>Its reply has not all been taken: waiting on the client, under the request deadline again.</summary>
    Writing,
}

namespace Summon.Units;

/// <summary>LoadCredential=/LoadCredentialEncrypted=: a credential read from a file, a directory, an AF_UNIX socket,
/// or (a bare name) from the manager's own credentials and the credential stores.</summary>
internal sealed record LoadCredential(string Id, string Path, bool Encrypted);

/// <summary>SetCredential=/SetCredentialEncrypted=: a credential given in the unit file, C escapes already decoded
/// (the encrypted form's Base64 already decoded).</summary>
internal sealed record SetCredential(string Id, byte[] Data, bool Encrypted);

/// <summary>
/// The credentials of systemd.exec(5) "CREDENTIALS" a unit asks for. A later assignment of the same id replaces the
/// earlier one within each key, as systemd's hashmaps do; which of LoadCredential= and SetCredential= wins is the
/// manager's business (a loaded one, SetCredential= being its default).
/// </summary>
internal sealed class CredentialSettings
{
    public List<LoadCredential> Load { get; } = [];

    public List<SetCredential> Set { get; } = [];

    /// <summary>ImportCredential= globs (systemd 254), matched against the manager's own credentials.</summary>
    public List<string> Import { get; } = [];

    /// <summary>Whether the unit gets a credentials directory and $CREDENTIALS_DIRECTORY.</summary>
    public bool Any => Load.Count > 0 || Set.Count > 0 || Import.Count > 0;

    /// <summary>systemd's credential_name_valid(): a file name (no '/', not "." or "..") of printable ASCII without
    /// ':', at most 255 bytes.</summary>
    public static bool IsValidName(string name)
    {
        if (name.Length is 0 or > 255 || name is "." or "..")
            return false;
        foreach (char c in name)
            if (c is < ' ' or > '~' or '/' or ':')
                return false;
        return true;
    }

    /// <summary>An ImportCredential= glob: a valid name, or one ending in '*' whose prefix is one (or empty).</summary>
    public static bool IsValidGlob(string glob) =>
        IsValidName(glob) || (glob.EndsWith('*') && (glob.Length == 1 || IsValidName(glob[..^1])));

    /// <summary>Adds <paramref name="credential"/>, replacing an earlier one of the same id.</summary>
    public void Add(LoadCredential credential)
    {
        Load.RemoveAll(c => c.Id == credential.Id);
        Load.Add(credential);
    }

    /// <summary>Adds <paramref name="credential"/>, replacing an earlier one of the same id.</summary>
    public void Add(SetCredential credential)
    {
        Set.RemoveAll(c => c.Id == credential.Id);
        Set.Add(credential);
    }
}

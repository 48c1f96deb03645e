using System.Text;
using Summon.Posix;

namespace Summon.Units;

/// <summary>The credential keys of systemd.exec(5), with systemd 252's syntax and wording of warnings.</summary>
internal sealed partial class UnitSettingsParser
{
    /// <summary>LoadCredential=, SetCredential=, their encrypted forms, and ImportCredential= (systemd 254); null for
    /// any other key.</summary>
    private int? ApplyCredential(ExecSettings e, string key, string value)
    {
        switch (key)
        {
            case "LoadCredential" or "LoadCredentialEncrypted":
                ApplyLoadCredential(e.Credentials, value, encrypted: key == "LoadCredentialEncrypted");
                return 0;
            case "SetCredential" or "SetCredentialEncrypted":
                ApplySetCredential(e.Credentials, value, encrypted: key == "SetCredentialEncrypted");
                return 0;
            case "ImportCredential":
                ApplyImportCredential(e.Credentials, value);
                return 0;
            default:
                return null;
        }
    }

    /// <summary>config_parse_load_credential(): "ID[:PATH]"; no path means the manager's own credential of that name.</summary>
    private void ApplyLoadCredential(CredentialSettings credentials, string value, bool encrypted)
    {
        if (value.Length == 0)
        {
            credentials.Load.Clear();
            return;
        }

        int colon = value.IndexOf(':');
        string rawId = colon < 0 ? value : value[..colon];
        if (CredentialPrintf(rawId) is not string id)
            return;
        if (!CredentialSettings.IsValidName(id))
        {
            Warn($"Credential name \"{id}\" not valid, ignoring.");
            return;
        }

        string path = id;
        if (colon >= 0 && colon + 1 < value.Length)
        {
            if (CredentialPrintf(value[(colon + 1)..]) is not string expanded)
                return;
            path = expanded;
        }

        if (path.StartsWith('/') ? !IsNormalizedPath(path) : !CredentialSettings.IsValidName(path))
        {
            Warn($"Credential source \"{path}\" not valid, ignoring.");
            return;
        }

        if (encrypted)
            WarnEncrypted("LoadCredentialEncrypted");
        credentials.Add(new LoadCredential(id, path, encrypted));
    }

    /// <summary>config_parse_set_credential(): "ID:VALUE", VALUE C-unescaped (NUL allowed), or Base64 when encrypted.
    /// The value gets no specifier expansion, as in systemd.</summary>
    private void ApplySetCredential(CredentialSettings credentials, string value, bool encrypted)
    {
        if (value.Length == 0)
        {
            credentials.Set.Clear();
            return;
        }

        int colon = value.IndexOf(':');
        if (colon < 0 || colon + 1 >= value.Length)
        {
            Warn($"Invalid syntax, ignoring: {value}");
            return;
        }

        if (CredentialPrintf(value[..colon]) is not string id)
            return;
        if (!CredentialSettings.IsValidName(id))
        {
            Warn($"Credential name \"{id}\" not valid, ignoring.");
            return;
        }

        string data = value[(colon + 1)..];
        byte[] bytes;
        if (encrypted)
        {
            try
            {
                bytes = Convert.FromBase64String(data);
            }
            catch (FormatException)
            {
                Warn("Encrypted credential data not valid Base64 data, ignoring.");
                return;
            }
        }
        else if (UnescapeWithNul(data) is { } unescaped)
        {
            bytes = unescaped;
        }
        else
        {
            Warn($"Can't unescape \"{data}\", ignoring: {Errno.Describe(Errno.EINVAL)}");
            return;
        }

        if (encrypted)
            WarnEncrypted("SetCredentialEncrypted");
        credentials.Add(new SetCredential(id, bytes, encrypted));
    }

    /// <summary>ImportCredential= (systemd 254): a credential name or a glob ending in '*'.</summary>
    private void ApplyImportCredential(CredentialSettings credentials, string value)
    {
        if (value.Length == 0)
        {
            credentials.Import.Clear();
            return;
        }

        if (CredentialPrintf(value) is not string glob)
            return;
        if (!CredentialSettings.IsValidGlob(glob))
        {
            Warn($"Credential name or glob \"{glob}\" not valid, ignoring.");
            return;
        }

        if (!credentials.Import.Contains(glob))
            credentials.Import.Add(glob);
    }

    /// <summary>Once per unit and key: the start of a unit with an encrypted credential fails, since Summon has no key
    /// to decrypt it with (worded so that comparisons with systemd leave it out, see SupportedKeys.IsSummonOnly).</summary>
    private void WarnEncrypted(string key)
    {
        if (_reportedUnsupported.Add(key))
            Warn($"Summon does not support decrypting credentials (no TPM2 or host key): {key}= makes every start of this unit fail with 243/CREDENTIALS.");
    }

    /// <summary>unit_cred_printf(), worded as systemd words it for credentials (double quotes).</summary>
    private string? CredentialPrintf(string text)
    {
        int r = _specifiers.Expand(text, SpecifierSet.Full, out string result);
        if (r == 0)
            return result;
        Warn($"Failed to resolve unit specifiers in \"{text}\", ignoring: {Errno.Describe(r)}");
        return null;
    }

    /// <summary>cunescape() with UNESCAPE_ACCEPT_NUL: \x00 and \000 give a NUL byte; null on an invalid escape.</summary>
    internal static byte[]? UnescapeWithNul(string s)
    {
        var buf = new List<byte>(s.Length);
        for (int i = 0; i < s.Length; i++)
        {
            if (s[i] != '\\' || i + 1 >= s.Length)
            {
                buf.AddRange(Encoding.UTF8.GetBytes(s[i].ToString()));
                continue;
            }

            if (string.CompareOrdinal(s, i + 1, "x00", 0, 3) == 0 || string.CompareOrdinal(s, i + 1, "000", 0, 3) == 0)
            {
                buf.Add(0);
                i += 3;
                continue;
            }

            int n = CEscape.UnescapeOne(s, i + 1, buf);
            if (n < 0)
                return null;
            i += n;
        }

        return [.. buf];
    }

    /// <summary>path_is_normalized(): no empty, "." or ".." components.</summary>
    private static bool IsNormalizedPath(string path)
    {
        if (path.Contains("//", StringComparison.Ordinal))
            return false;
        foreach (var part in path.Split('/'))
            if (part is "." or "..")
                return false;
        return true;
    }
}

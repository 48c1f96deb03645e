using Summon.Units;

namespace Summon.Core.Tests.Units;

/// <summary>LoadCredential=, SetCredential=, their encrypted forms and ImportCredential=, read as systemd 252 reads
/// them (its warnings checked against systemd-analyze verify 252).</summary>
public sealed class CredentialSettingsTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("summon-creds-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private LoadedUnit Load(string service, SpecifierContext? context = null)
    {
        File.WriteAllText(Path.Combine(_dir, "a.service"), "[Service]\nExecStart=/bin/true\n" + service);
        return new UnitLoader(UnitSearchPath.FromDirectories([_dir]), context ?? new SpecifierContext()).Load(UnitName.Parse("a.service"));
    }

    private static List<string> Messages(LoadedUnit unit) => [.. unit.Diagnostics.Select(d => d.Message)];

    [Fact]
    public void Ids_paths_and_values_are_read_and_a_later_assignment_of_an_id_replaces_the_earlier()
    {
        var unit = Load("""
            LoadCredential=foo:/etc/hostname
            LoadCredential=terse
            LoadCredential=r:
            LoadCredential=foo:/etc/passwd
            SetCredential=x:first
            SetCredential=x:a\nb\x00c\\d
            SetCredential=colon:v:w
            ImportCredential=app.*
            ImportCredential=single
            """);
        var c = unit.Service!.Exec.Credentials;
        Assert.Empty(unit.Diagnostics);
        Assert.Equal([new LoadCredential("terse", "terse", false), new LoadCredential("r", "r", false), new LoadCredential("foo", "/etc/passwd", false)], c.Load);
        Assert.Equal(["x", "colon"], c.Set.Select(s => s.Id));
        Assert.Equal("a\nb\0c\\d"u8.ToArray(), c.Set[0].Data);
        Assert.Equal("v:w"u8.ToArray(), c.Set[1].Data);
        Assert.Equal(["app.*", "single"], c.Import);
        Assert.True(c.Any);
    }

    [Fact]
    public void Bad_assignments_warn_in_systemds_words_and_an_empty_one_resets()
    {
        var unit = Load("""
            LoadCredential=bad/id:/etc/hostname
            LoadCredential=rel:not/ok
            LoadCredential=abs:/etc/../etc/hostname
            LoadCredential=%Z:/x
            LoadCredential=:/etc/hostname
            SetCredential=noval
            SetCredential=u:
            SetCredential=y:\q
            SetCredential=z:%Z
            SetCredentialEncrypted=s:!!!notbase64
            ImportCredential=a/b*
            LoadCredential=kept:/etc/hostname
            SetCredential=gone:1
            SetCredential=
            """);
        Assert.Equal(
            [
                "Credential name \"bad/id\" not valid, ignoring.",
                "Credential source \"not/ok\" not valid, ignoring.",
                "Credential source \"/etc/../etc/hostname\" not valid, ignoring.",
                "Failed to resolve unit specifiers in \"%Z\", ignoring: Invalid slot",
                "Credential name \"\" not valid, ignoring.",
                "Invalid syntax, ignoring: noval",
                "Invalid syntax, ignoring: u:",
                "Can't unescape \"\\q\", ignoring: Invalid argument",
                "Encrypted credential data not valid Base64 data, ignoring.",
                "Credential name or glob \"a/b*\" not valid, ignoring.",
            ],
            Messages(unit));
        var c = unit.Service!.Exec.Credentials;
        Assert.Equal([new LoadCredential("kept", "/etc/hostname", false)], c.Load);
        Assert.Empty(c.Set);   // SetCredential= (empty) dropped z and gone; the value's %Z is no specifier
    }

    [Fact]
    public void Encrypted_credentials_are_read_and_verify_says_once_that_their_start_will_fail()
    {
        var unit = Load("LoadCredentialEncrypted=e:/etc/hostname\nLoadCredentialEncrypted=f:/etc/hostname\nSetCredentialEncrypted=s:aGVsbG8=\n");
        var c = unit.Service!.Exec.Credentials;
        Assert.Equal([true, true], c.Load.Select(l => l.Encrypted));
        Assert.Equal("hello"u8.ToArray(), Assert.Single(c.Set).Data);
        Assert.Equal(
            [
                "Summon does not support decrypting credentials (no TPM2 or host key): LoadCredentialEncrypted= makes every start of this unit fail with 243/CREDENTIALS.",
                "Summon does not support decrypting credentials (no TPM2 or host key): SetCredentialEncrypted= makes every start of this unit fail with 243/CREDENTIALS.",
            ],
            Messages(unit));
        Assert.All(unit.Diagnostics, d => Assert.True(SupportedKeys.IsSummonOnly(d.ToString())));
    }

    [Fact]
    public void Percent_d_is_the_managers_credentials_directory_of_the_unit()
    {
        var unit = Load("Environment=P=%d/x\n", new SpecifierContext { CredentialsRoot = "/tmp/r/credentials" });
        Assert.Equal(["P=/tmp/r/credentials/a.service/x"], unit.Service!.Environment);
        Assert.Equal(["P=/run/credentials/a.service/x"], Load("Environment=P=%d/x\n").Service!.Environment);
    }

    [Fact]
    public void The_credential_keys_are_honoured_in_services()
    {
        foreach (var key in (string[])["LoadCredential", "LoadCredentialEncrypted", "SetCredential", "SetCredentialEncrypted", "ImportCredential"])
            Assert.True(SupportedKeys.IsSupported("Service", key), key);
    }
}

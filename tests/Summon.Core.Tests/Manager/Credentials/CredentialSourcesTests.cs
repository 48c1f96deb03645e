using System.Net.Sockets;
using System.Text;
using Summon.Manager.Credentials;
using Summon.Posix;
using Summon.Units;

namespace Summon.Core.Tests.Manager.Credentials;

/// <summary>What a unit's credentials directory holds, in systemd's order of precedence: LoadCredential= (files,
/// directories, sockets, bare names from the manager's own credentials and the stores), ImportCredential=, then
/// SetCredential= as the default of an id nothing loaded.</summary>
public sealed class CredentialSourcesTests : IDisposable
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);
    private readonly string _dir = Directory.CreateTempSubdirectory("summon-credsrc-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private string Write(string relative, string text)
    {
        string path = Path.Combine(_dir, relative);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, text);
        return path;
    }

    private static Dictionary<string, string> Texts(List<(string Id, byte[] Data)> found) =>
        found.ToDictionary(f => f.Id, f => Encoding.UTF8.GetString(f.Data));

    [Fact]
    public void A_loaded_credential_wins_over_SetCredential_which_stands_in_when_the_source_is_missing()
    {
        var wanted = new CredentialSettings();
        wanted.Add(new LoadCredential("a", Write("a.src", "loaded"), false));
        wanted.Add(new LoadCredential("b", Path.Combine(_dir, "missing"), false));
        wanted.Add(new SetCredential("a", "default-a"u8.ToArray(), false));
        wanted.Add(new SetCredential("b", "default-b"u8.ToArray(), false));
        wanted.Add(new SetCredential("c", "only-set"u8.ToArray(), false));

        var found = CredentialSources.Gather("u.service", wanted, [], Timeout);
        Assert.Equal(["a", "b", "c"], found.Select(f => f.Id));
        Assert.Equal(new Dictionary<string, string> { ["a"] = "loaded", ["b"] = "default-b", ["c"] = "only-set" }, Texts(found));
    }

    [Fact]
    public void A_missing_absolute_source_without_a_default_fails_with_ENOENT_and_a_line_naming_it()
    {
        var wanted = new CredentialSettings();
        string missing = Path.Combine(_dir, "missing");
        wanted.Add(new LoadCredential("b", missing, false));
        var e = Assert.Throws<CredentialFailure>(() => CredentialSources.Gather("u.service", wanted, [], Timeout));
        Assert.Equal(Errno.ENOENT, e.Errno);
        Assert.StartsWith($"Failed to read credential '{missing}': No such file or directory;", e.Message);
        Assert.DoesNotContain('\n', e.Message);
    }

    [Fact]
    public void A_bare_name_comes_from_the_first_directory_of_the_search_path_and_a_missing_one_is_skipped()
    {
        Write("received/token", "from-engine");
        Write("store/token", "from-store");
        Write("store/other", "stored");
        var wanted = new CredentialSettings();
        wanted.Add(new LoadCredential("token", "token", false));
        wanted.Add(new LoadCredential("mine", "other", false));
        wanted.Add(new LoadCredential("nowhere", "nowhere", false));

        var found = CredentialSources.Gather("u.service", wanted, [Path.Combine(_dir, "received"), Path.Combine(_dir, "store")], Timeout);
        Assert.Equal(new Dictionary<string, string> { ["token"] = "from-engine", ["mine"] = "stored" }, Texts(found));
    }

    [Fact]
    public void A_directory_gives_one_credential_per_file_below_it_and_ImportCredential_adds_what_is_not_loaded()
    {
        Write("certs/a.pem", "A");
        Write("certs/sub/b.pem", "B");
        File.CreateSymbolicLink(Path.Combine(_dir, "certs", "link.pem"), Path.Combine(_dir, "certs", "a.pem"));
        Write("received/app.token", "imported");
        Write("received/app.key", "imported-key");
        Write("received/db.pass", "not-asked");
        var wanted = new CredentialSettings();
        wanted.Add(new LoadCredential("tls", Path.Combine(_dir, "certs"), false));
        wanted.Add(new LoadCredential("app.key", Write("key.src", "loaded-key"), false));
        wanted.Import.Add("app.*");

        var found = CredentialSources.Gather("u.service", wanted, [Path.Combine(_dir, "received")], Timeout);
        Assert.Equal(
            new Dictionary<string, string> { ["tls_a.pem"] = "A", ["tls_sub_b.pem"] = "B", ["app.key"] = "loaded-key", ["app.token"] = "imported" },
            Texts(found));
    }

    [Fact]
    public void Encrypted_credentials_are_refused_with_EOPNOTSUPP_and_what_to_do()
    {
        var wanted = new CredentialSettings();
        wanted.Add(new LoadCredential("e", Write("e.src", "x"), true));
        var e = Assert.Throws<CredentialFailure>(() => CredentialSources.Gather("u.service", wanted, [], Timeout));
        Assert.Equal(Errno.EOPNOTSUPP, e.Errno);
        Assert.Equal("LoadCredentialEncrypted=e: Summon cannot decrypt credentials (no TPM2 or host key); give it with LoadCredential= from a file only root can read instead.", e.Message);

        var set = new CredentialSettings();
        set.Add(new SetCredential("s", [1, 2], true));
        Assert.Equal(Errno.EOPNOTSUPP, Assert.Throws<CredentialFailure>(() => CredentialSources.Gather("u.service", set, [], Timeout)).Errno);
    }

    [Fact]
    public void More_than_1_MiB_in_all_is_refused_with_E2BIG()
    {
        var wanted = new CredentialSettings();
        wanted.Add(new SetCredential("big1", new byte[600 * 1024], false));
        wanted.Add(new SetCredential("big2", new byte[600 * 1024], false));
        Assert.Equal(7, Assert.Throws<CredentialFailure>(() => CredentialSources.Gather("u.service", wanted, [], Timeout)).Errno);
    }

    [Fact]
    public async Task A_socket_source_is_connected_to_from_an_address_naming_the_unit_and_the_credential()
    {
        string path = Path.Combine(_dir, "cred.sock");
        using var listener = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        listener.Bind(new UnixDomainSocketEndPoint(path));
        listener.Listen(1);
        var served = Task.Run(() =>
        {
            using var peer = listener.Accept();
            string name = peer.RemoteEndPoint!.ToString()!;
            peer.Send(Encoding.UTF8.GetBytes("secret for " + name[(name.IndexOf("/unit/", StringComparison.Ordinal))..]));
            peer.Shutdown(SocketShutdown.Both);
        });
        var wanted = new CredentialSettings();
        wanted.Add(new LoadCredential("db", path, false));

        var found = CredentialSources.Gather("u.service", wanted, [], Timeout);
        await served;
        Assert.Equal("secret for /unit/u.service/db", Encoding.UTF8.GetString(Assert.Single(found).Data));
    }
}

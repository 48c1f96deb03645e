using System.Text;

namespace Summon.Fuzz;

/// <summary>
/// Deterministic mutations of corpus inputs for the in-process runs (the CI slice and `Summon.Fuzz mutate`): AFL's
/// havoc stage in small — bit flips, interesting bytes, chunk deletes, copies and splices between inputs, and tokens
/// of the unit-file, specifier, escape and JSON syntax. The same seed gives the same inputs on every machine.
/// The first line (which parser an input feeds) is usually kept so mutations land in the body.
/// </summary>
internal sealed class Mutator
{
    private static readonly byte[][] Tokens = new[]
    {
        "=", "\\\n", "\\", "\n", "\r\n", "\r", "#", ";", "[", "]", "[Unit]\n", "[Service]\n", "[Socket]\n", "[Install]\n",
        "[X-Summon]\n", "%", "%i", "%I", "%n", "%N", "%p", "%h", "%t", "%%", "%j", "%f", "$", "${", "}", "$$", "\"", "'",
        "\\x", "\\x0", "\\u", "\\U0010ffff", "\\0", "\\n", "-", "+", "!", "!!", "@", ":", "::", "[::]", "[::1]:", "0x",
        "0", "00", "-1", "18446744073709551615", "18446744073709551616", "4294967296", "2147483648", "infinity",
        "1h 2min 3s", "1y", "ms", "us", "µs", "K", "G", "E", "%%", "/", "//", "/dev/null", "unix:", "vsock:", "netlink:",
        "file:", "fd:", "ExecStart=", "ListenStream=", "Environment=", "Accept=yes\n", "Service=", "Type=notify\n",
        "127.0.0.1:", "0.0.0.0", "fe80::1%", "{", "\"a\":", "[]", "null", "true", "1e400", "\\ud800",
        "READY=1\n", "STATUS=", "MAINPID=", "EXTEND_TIMEOUT_USEC=", "FDNAME=", "\xef\xbb\xbf", "\xff", "\xc3", "\0",
    }.Select(Encoding.Latin1.GetBytes).ToArray();

    private static readonly byte[] Interesting = [0, 1, 0x7f, 0x80, 0xff, (byte)'\\', (byte)'%', (byte)'=', (byte)'\n', (byte)' ', (byte)'"'];

    private readonly IReadOnlyList<byte[]> _corpus;
    private readonly Random _random;

    public Mutator(IReadOnlyList<byte[]> corpus, int seed)
    {
        if (corpus.Count == 0)
            throw new ArgumentException("The corpus is empty.", nameof(corpus));
        _corpus = corpus;
        _random = new Random(seed);
    }

    public byte[] Next()
    {
        byte[] input = _corpus[_random.Next(_corpus.Count)];
        int headerEnd = Array.IndexOf(input, (byte)'\n') + 1;
        int keep = _random.Next(10) == 0 ? 0 : headerEnd;
        var body = new List<byte>(input.AsSpan(keep).ToArray());
        int rounds = 1 << _random.Next(4);
        for (int i = 0; i < rounds; i++)
            Mutate(body);
        var result = new byte[Math.Min(keep + body.Count, FuzzTarget.MaxInput)];
        input.AsSpan(0, keep).CopyTo(result);
        body.CopyTo(0, result, keep, result.Length - keep);
        return result;
    }

    private void Mutate(List<byte> data)
    {
        int at = _random.Next(data.Count + 1);
        switch (_random.Next(9))
        {
            case 0 when data.Count > 0:
                at = Math.Min(at, data.Count - 1);
                data[at] ^= (byte)(1 << _random.Next(8));
                break;
            case 1 when data.Count > 0:
                data[Math.Min(at, data.Count - 1)] = Interesting[_random.Next(Interesting.Length)];
                break;
            case 2 when data.Count > 0:
                data[Math.Min(at, data.Count - 1)] = (byte)_random.Next(256);
                break;
            case 3:
                data.RemoveRange(Math.Min(at, data.Count), Math.Min(_random.Next(1, 32), data.Count - Math.Min(at, data.Count)));
                break;
            case 4 when data.Count > 0:
                int from = _random.Next(data.Count);
                int length = Math.Min(_random.Next(1, 64), data.Count - from);
                byte[] chunk = data.GetRange(from, length).ToArray();
                int copies = _random.Next(8) == 0 ? _random.Next(2, 200) : 1;
                for (int c = 0; c < copies && data.Count < FuzzTarget.MaxInput; c++)
                    data.InsertRange(at, chunk);
                break;
            case 5:
                byte[] other = _corpus[_random.Next(_corpus.Count)];
                int start = _random.Next(other.Length);
                data.InsertRange(at, other.AsSpan(start, Math.Min(_random.Next(1, 256), other.Length - start)).ToArray());
                break;
            default:
                data.InsertRange(at, Tokens[_random.Next(Tokens.Length)]);
                break;
        }
    }
}

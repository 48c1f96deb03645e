namespace Summon.Processes;

/// <summary>
/// argv as the spawned program sees it, without building a new list: either the request's argv as is, or a helper
/// prefix followed by "ARGV0 PATH ARGS…" or "PATH ARGS…" (see <see cref="HelperInvocation"/>).
/// </summary>
internal readonly struct ComposedArgv
{
    private readonly string[]? _prefix;
    private readonly bool _passArgv0;
    private readonly string? _path;
    private readonly IReadOnlyList<string> _argv;

    public ComposedArgv(IReadOnlyList<string> argv)
    {
        _argv = argv;
        Count = argv.Count;
    }

    public ComposedArgv(in HelperInvocation helper, string path, IReadOnlyList<string> argv)
    {
        _prefix = helper.Prefix;
        _passArgv0 = helper.PassArgv0;
        _path = path;
        _argv = argv;
        Count = helper.Prefix.Length + argv.Count + (helper.PassArgv0 ? 1 : 0);
    }

    public int Count { get; }

    /// <summary>Index of the service's executable path in the composed argv, or -1 without a helper.</summary>
    public int TargetPathIndex => _prefix is null ? -1 : _prefix.Length + (_passArgv0 ? 1 : 0);

    public string this[int index]
    {
        get
        {
            if (_prefix is null)
                return _argv[index];
            if (index < _prefix.Length)
                return _prefix[index];
            int j = index - _prefix.Length;
            if (_passArgv0)
                return j == 0 ? _argv[0] : j == 1 ? _path! : _argv[j - 1];
            return j == 0 ? _path! : _argv[j];
        }
    }
}

namespace Summon.Units;

internal sealed partial class UnitSettingsParser
{
    /// <summary>
    /// RuntimeDirectory= and its kin, their *Mode= and RuntimeDirectoryPreserve= (config_parse_exec_directories,
    /// config_parse_mode, config_parse_exec_preserve_mode); null when the key is none of them.
    /// </summary>
    private int? ApplyDirectories(ExecSettings e, string key, string value)
    {
        if (key == "RuntimeDirectoryPreserve")
        {
            RuntimeDirectoryPreserve? preserve = value == "restart" ? RuntimeDirectoryPreserve.Restart
                : ValueParsers.TryParseBoolean(value, out bool yes) ? (yes ? RuntimeDirectoryPreserve.Yes : RuntimeDirectoryPreserve.No)
                : null;
            if (preserve is null)
                Warn($"Failed to parse runtime directory preserve mode, ignoring: {value}");
            else
                e.Directories.Preserve = preserve.Value;
            return 0;
        }

        if (ExecDirectories.FromKey(key, out bool mode) is not { } kind)
            return null;
        var directory = e.Directories[kind];
        if (mode)
        {
            Set(ParseMode(value), v => directory.Mode = v);
            return 0;
        }

        if (value.Length == 0)
        {
            directory.Items.Clear();
            return 0;
        }

        foreach (string word in Words(value))
        {
            if (Printf(word) is not string tuple)
                continue;
            int colon = tuple.IndexOf(':');
            string source = colon < 0 ? tuple : tuple[..colon];
            string? link = colon < 0 ? null : tuple[(colon + 1)..];
            if (RelativeDirectory(key, source) is not string path)
                continue;
            if (link is { Length: > 0 } && kind == ExecDirectoryKind.Configuration)
            {
                Warn($"Destination parameter is not supported for ConfigurationDirectory, ignoring: {tuple}");
                continue;
            }

            string? symlink = link is { Length: > 0 } ? RelativeDirectory(key, link) : null;
            if (link is { Length: > 0 } && symlink is null)
                continue;
            directory.Add(path, symlink);
        }

        return 0;
    }

    /// <summary>path_simplify_and_warn(PATH_CHECK_RELATIVE): relative, simplified, with no ".." component.</summary>
    private string? RelativeDirectory(string key, string path)
    {
        if (path.StartsWith('/'))
        {
            Warn($"{key}= path is absolute, ignoring: {path}");
            return null;
        }

        string simplified = ExecCommandParser.SimplifyPath(path);
        if (simplified == "." || simplified.Split('/').Contains(".."))
        {
            Warn($"{key}= path is not normalized, ignoring: {path}");
            return null;
        }

        return simplified;
    }
}

namespace Summon.Units;

internal sealed partial class UnitSettingsParser
{
    /// <summary>
    /// Condition*=/Assert*= of [Unit], as systemd 252's config_parse_unit_condition_path/_string: a leading "|" marks
    /// a trigger and then "!" negates (a string condition skips blanks after each, a path condition does not);
    /// specifiers are expanded; a path must be absolute and normalized. An empty value empties the whole list
    /// (every Condition*= or every Assert*=). New entries go first, as systemd prepends them. Null when not ours.
    /// </summary>
    private int? ApplyCondition(string key, string value)
    {
        if (!ConditionKinds.TryParseKey(key, out ConditionKind kind, out bool isAssert))
            return null;
        List<UnitCondition> list = isAssert ? _unit.Unit.Asserts : _unit.Unit.Conditions;
        if (value.Length == 0)
        {
            list.Clear();
            return 0;
        }

        bool path = kind.TakesPath();
        string rest = value;
        bool trigger = rest.StartsWith('|');
        if (trigger)
            rest = path ? rest[1..] : rest[1..].TrimStart(Blanks);
        bool negate = rest.StartsWith('!');
        if (negate)
            rest = path ? rest[1..] : rest[1..].TrimStart(Blanks);

        if (Printf(rest, quoted: !path) is not string parameter)
            return 0;
        if (path)
        {
            if (!parameter.StartsWith('/'))
            {
                Warn($"{key}= path is not absolute, ignoring: {parameter}");
                return 0;
            }
            parameter = ExecCommandParser.SimplifyPath(parameter);
            if (parameter.Split('/').Contains(".."))
            {
                Warn($"{key}= path is not normalized, ignoring: {parameter}");
                return 0;
            }
        }

        list.Insert(0, new UnitCondition(kind, parameter, trigger, negate, isAssert, _file, _line));
        return 0;
    }

    private static readonly char[] Blanks = [' ', '\t', '\n', '\r'];
}

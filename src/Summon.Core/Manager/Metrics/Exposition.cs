namespace Summon.Manager.Metrics;

/// <summary>
/// Writes metric families in the Prometheus text format 0.0.4 or in OpenMetrics 1.0, which differ in how a counter is
/// named (0.0.4 names the family with its _total; OpenMetrics names it without and adds _created) and in the closing
/// # EOF. One instance per page, reused from scrape to scrape.
/// </summary>
internal sealed class Exposition
{
    private ResponseBuffer _out = null!;
    private bool _openMetrics;
    private bool _counter;

    public void Begin(ResponseBuffer output, bool openMetrics)
    {
        _out = output;
        _openMetrics = openMetrics;
    }

    /// <summary>The HELP and TYPE lines; <paramref name="name"/> is a counter's name without _total.</summary>
    public void Family(ReadOnlySpan<byte> name, ReadOnlySpan<byte> type, ReadOnlySpan<byte> help)
    {
        _counter = type.SequenceEqual("counter"u8);
        _out.Append("# HELP "u8);
        FamilyName(name);
        _out.Append((byte)' ');
        _out.Append(help);
        _out.Append("\n# TYPE "u8);
        FamilyName(name);
        _out.Append((byte)' ');
        _out.Append(type);
        _out.Append((byte)'\n');
    }

    /// <summary>Starts a sample of the current family with its first label, name="<paramref name="unit"/>".</summary>
    public void Sample(ReadOnlySpan<byte> name, string unit)
    {
        SampleName(name);
        _out.Append("{name=\""u8);
        _out.AppendLabelValue(unit);
        _out.Append((byte)'"');
    }

    public void Label(ReadOnlySpan<byte> key, string value) => Label(key, value.AsSpan());

    public void Label(ReadOnlySpan<byte> key, ReadOnlySpan<char> value)
    {
        _out.Append((byte)',');
        _out.Append(key);
        _out.Append("=\""u8);
        _out.AppendLabelValue(value);
        _out.Append((byte)'"');
    }

    public void Label(ReadOnlySpan<byte> key, ReadOnlySpan<byte> asciiValue)
    {
        _out.Append((byte)',');
        _out.Append(key);
        _out.Append("=\""u8);
        _out.Append(asciiValue);
        _out.Append((byte)'"');
    }

    /// <summary>Ends the sample's labels with its value.</summary>
    public void Value(ulong value)
    {
        _out.Append("} "u8);
        _out.Append(value);
        _out.Append((byte)'\n');
    }

    public void Value(double value)
    {
        _out.Append("} "u8);
        _out.Append(value);
        _out.Append((byte)'\n');
    }

    public void Value(int value) => Value((ulong)Math.Max(0, value));

    /// <summary>A counter without labels, with its _created in OpenMetrics.</summary>
    public void Counter(ReadOnlySpan<byte> name, ReadOnlySpan<byte> help, ulong value, double created)
    {
        Family(name, "counter"u8, help);
        SampleName(name);
        _out.Append((byte)' ');
        _out.Append(value);
        _out.Append((byte)'\n');
        Created(name, created);
    }

    /// <summary>A gauge without labels.</summary>
    public void Gauge(ReadOnlySpan<byte> name, ReadOnlySpan<byte> help, double value)
    {
        Family(name, "gauge"u8, help);
        _out.Append(name);
        _out.Append((byte)' ');
        _out.Append(value);
        _out.Append((byte)'\n');
    }

    /// <summary>A histogram without labels: cumulative buckets up to +Inf, the sum and the count (and _created in OpenMetrics).</summary>
    public void Histogram(ReadOnlySpan<byte> name, ReadOnlySpan<byte> help, LatencyHistogram histogram, double created)
    {
        Family(name, "histogram"u8, help);
        for (int i = 0; i < LatencyHistogram.Bounds.Length; i++)
        {
            _out.Append(name);
            _out.Append("_bucket{le=\""u8);
            _out.Append(LatencyHistogram.Bounds[i]);
            _out.Append("\"} "u8);
            _out.Append(histogram.CumulativeCount(i));
            _out.Append((byte)'\n');
        }
        _out.Append(name);
        _out.Append("_bucket{le=\"+Inf\"} "u8);
        _out.Append(histogram.Count);
        _out.Append((byte)'\n');
        _out.Append(name);
        _out.Append("_sum "u8);
        _out.Append(histogram.Sum);
        _out.Append((byte)'\n');
        _out.Append(name);
        _out.Append("_count "u8);
        _out.Append(histogram.Count);
        _out.Append((byte)'\n');
        Created(name, created);
    }

    private void Created(ReadOnlySpan<byte> name, double created)
    {
        if (!_openMetrics)
            return;
        _out.Append(name);
        _out.Append("_created "u8);
        _out.Append(created);
        _out.Append((byte)'\n');
    }

    private void FamilyName(ReadOnlySpan<byte> name)
    {
        _out.Append(name);
        if (_counter && !_openMetrics)
            _out.Append("_total"u8);
    }

    private void SampleName(ReadOnlySpan<byte> name)
    {
        _out.Append(name);
        if (_counter)
            _out.Append("_total"u8);
    }
}

using System.Globalization;

namespace TexturePlugin.Bench;

/// <summary>One line of the benchmark table: a median and its target, and the peer in the same run where one exists.</summary>
public sealed class BenchRow
{
    public BenchRow(string name, double value, string unit, double? target, double? peer = null, string? peerName = null)
    {
        Name = name;
        Value = value;
        Unit = unit;
        Target = target;
        Peer = peer;
        PeerName = peerName;
    }

    public string Name { get; }
    /// <summary>The median (milliseconds) or the bytes, per <see cref="Unit"/>.</summary>
    public double Value { get; }
    public string Unit { get; }
    /// <summary>Upper bound the value must not exceed, or null when the row has no target.</summary>
    public double? Target { get; }
    /// <summary>The peer's figure in the same unit, or null.</summary>
    public double? Peer { get; }
    public string? PeerName { get; }

    public bool? Pass => Target is null ? null : Value <= Target.Value;

    public string ValueText => Format(Value);
    public string TargetText => Target is null ? "-" : "<= " + Format(Target.Value);
    public string PeerText => Peer is null ? "-" : $"{PeerName} {Format(Peer.Value)}";
    /// <summary>Ours divided by the peer's (below 1 = faster than the peer).</summary>
    public string RatioText => Peer is null || Peer.Value <= 0 ? "-"
        : (Value / Peer.Value).ToString(Value / Peer.Value >= 0.1 ? "0.00" : "0.0000", CultureInfo.InvariantCulture) + "x";

    private string Format(double v) => Unit == "ms"
        ? v.ToString(v < 10 ? "0.00" : "0.0", CultureInfo.InvariantCulture) + " ms"
        : v.ToString("0", CultureInfo.InvariantCulture) + " " + Unit;
}

/// <summary>The rows and the notes (what was skipped and why, which models ran).</summary>
public sealed class BenchReport
{
    public List<BenchRow> Rows { get; } = new();
    public List<string> Notes { get; } = new();

    /// <summary>Rows that were asked for and could not run, each with its reason: a bench with any fails.</summary>
    public List<string> Failures { get; } = new();

    /// <summary>A plain-text table for terminals without Spectre.</summary>
    public string ToText()
    {
        var lines = new List<string[]> { new[] { "Measure", "Median", "Target", "Result", "Peer", "Ratio" } };
        foreach (BenchRow r in Rows)
            lines.Add(new[] { r.Name, r.ValueText, r.TargetText, r.Pass is null ? "-" : r.Pass.Value ? "PASS" : "FAIL", r.PeerText, r.RatioText });
        int[] widths = Enumerable.Range(0, 6).Select(c => lines.Max(l => l[c].Length)).ToArray();
        var text = new System.Text.StringBuilder();
        foreach (string[] l in lines)
            text.AppendLine(string.Join("  ", l.Select((cell, c) => cell.PadRight(widths[c]))).TrimEnd());
        foreach (string note in Notes)
            text.AppendLine(note);
        return text.ToString();
    }
}

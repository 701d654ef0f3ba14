using System.Globalization;

namespace TexturePlugin.Core.Tensors;

/// <summary>
/// The float interval a model's image tensors use: byte 0 maps to <see cref="Lo"/>, byte 255 to <see cref="Hi"/>.
/// </summary>
public readonly struct ValueRange : IEquatable<ValueRange>
{
    public ValueRange(float lo, float hi)
    {
        if (float.IsNaN(lo) || float.IsNaN(hi) || float.IsInfinity(lo) || float.IsInfinity(hi) || !(hi > lo))
            throw new ArgumentOutOfRangeException(nameof(lo), $"A value range needs finite lo < hi, not [{lo}, {hi}].");
        Lo = lo;
        Hi = hi;
    }

    public float Lo { get; }
    public float Hi { get; }

    /// <summary>The middle of the range (what damaged pixels are set to in repair inputs).</summary>
    public float Middle => Lo + (Hi - Lo) * 0.5f;

    public static ValueRange MinusOneToOne { get; } = new(-1f, 1f);
    public static ValueRange ZeroToOne { get; } = new(0f, 1f);

    public bool Equals(ValueRange other) => Lo.Equals(other.Lo) && Hi.Equals(other.Hi);
    public override bool Equals(object? obj) => obj is ValueRange other && Equals(other);
    public override int GetHashCode() => Lo.GetHashCode() * 397 ^ Hi.GetHashCode();
    public static bool operator ==(ValueRange a, ValueRange b) => a.Equals(b);
    public static bool operator !=(ValueRange a, ValueRange b) => !a.Equals(b);

    public override string ToString() =>
        string.Format(CultureInfo.InvariantCulture, "[{0}, {1}]", Lo, Hi);
}

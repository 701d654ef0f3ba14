namespace TexturePlugin.Core.Noise;

/// <summary>
/// Position-addressable standard-normal white noise, periodic in x and y:
/// <c>Value(channel, x, y, time)</c> depends only on (seed, channel, x mod PeriodX, y mod PeriodY, time), so any
/// window of the field can be generated alone and tiles agree with a single pass. Bit-identical on every platform
/// (integer hashing, then <see cref="DeterministicMath.InverseNormal"/>).
/// </summary>
/// <remarks>
/// Animation: time t lies between slices k = floor(t) and k + 1; with a = (t - k) * pi / 2 the value is
/// <c>cos(a) * n(k) + sin(a) * n(k + 1)</c>. The slices are independent, so every value keeps unit variance
/// (cos^2 + sin^2 = 1) and the field moves continuously, equal to slice k exactly at t = k.
/// </remarks>
public sealed class GaussianNoiseField
{
    private const double TwoPowMinus53 = 1.0 / 9007199254740992.0;

    public GaussianNoiseField(int seed, int periodX, int periodY)
    {
        if (periodX <= 0 || periodY <= 0)
            throw new ArgumentOutOfRangeException(nameof(periodX), $"Noise periods must be positive, not {periodX}x{periodY}.");
        Seed = seed;
        PeriodX = periodX;
        PeriodY = periodY;
    }

    public int Seed { get; }
    public int PeriodX { get; }
    public int PeriodY { get; }

    /// <summary>The raw standard-normal sample of one lattice point and time slice (no wrapping).</summary>
    public static double Sample(int seed, int channel, int x, int y, long slice)
    {
        ulong h = NoiseHash.Hash64(seed, channel, x, y, slice);
        double u = ((h >> 11) + 0.5) * TwoPowMinus53; // strictly inside (0, 1)
        return DeterministicMath.InverseNormal(u);
    }

    /// <summary>The value at slice 0.</summary>
    public float Value(int channel, int x, int y) =>
        (float)Sample(Seed, channel, NoiseHash.Wrap(x, PeriodX), NoiseHash.Wrap(y, PeriodY), 0);

    /// <summary>The value at <paramref name="time"/>, in slices (see the remarks for the interpolation).</summary>
    public float Value(int channel, int x, int y, double time)
    {
        Blend(time, out long slice, out double wa, out double wb);
        int wx = NoiseHash.Wrap(x, PeriodX), wy = NoiseHash.Wrap(y, PeriodY);
        double a = Sample(Seed, channel, wx, wy, slice);
        if (wb == 0.0)
            return (float)a;
        return (float)(wa * a + wb * Sample(Seed, channel, wx, wy, slice + 1));
    }

    /// <summary>
    /// Fills <paramref name="destination"/> as NCHW planes <c>[channels][height][width]</c> with the window whose
    /// top-left lattice point is (<paramref name="originX"/>, <paramref name="originY"/>), wrapping at the periods.
    /// </summary>
    public void Fill(Span<float> destination, int channels, int originX, int originY, int width, int height, double time = 0)
    {
        if (channels <= 0 || width <= 0 || height <= 0)
            throw new ArgumentOutOfRangeException(nameof(channels), $"Window must be positive, not {channels}x{height}x{width}.");
        long needed = (long)channels * width * height;
        if (destination.Length < needed)
            throw new ArgumentException($"A {channels}x{height}x{width} noise window needs {needed} floats, but the destination holds {destination.Length}.", nameof(destination));
        Blend(time, out long slice, out double wa, out double wb);
        int index = 0;
        for (int c = 0; c < channels; c++)
        {
            for (int y = 0; y < height; y++)
            {
                int wy = NoiseHash.Wrap(originY + y, PeriodY);
                int wx = NoiseHash.Wrap(originX, PeriodX);
                for (int x = 0; x < width; x++)
                {
                    double a = Sample(Seed, c, wx, wy, slice);
                    destination[index++] = wb == 0.0
                        ? (float)a
                        : (float)(wa * a + wb * Sample(Seed, c, wx, wy, slice + 1));
                    if (++wx == PeriodX)
                        wx = 0;
                }
            }
        }
    }

    private static void Blend(double time, out long slice, out double wa, out double wb)
    {
        if (double.IsNaN(time) || double.IsInfinity(time))
            throw new ArgumentOutOfRangeException(nameof(time), time, "Noise time must be finite.");
        double floor = Math.Floor(time);
        slice = (long)floor;
        double angle = (time - floor) * (Math.PI / 2);
        wa = DeterministicMath.CosQuarter(angle);
        wb = DeterministicMath.SinQuarter(angle);
    }
}

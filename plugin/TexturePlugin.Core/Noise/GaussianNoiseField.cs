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
        int lanes = Math.Min(channels, Environment.ProcessorCount);
        if (lanes > 1 && needed * (wb == 0.0 ? 1 : 2) >= ParallelValues)
        {
            unsafe
            {
                fixed (float* start = destination)
                {
                    var job = new FillJob(this, (IntPtr)start, channels, originX, originY, width, height, slice, wa, wb, lanes);
                    Parallel.For(0, lanes, job.Run);
                }
            }
            return;
        }
        ulong[] columns = ColumnHashes(width);
        FillChannels(destination, 0, channels, originX, originY, width, height, slice, wa, wb, columns);
    }

    /// <summary>Windows with at least this many samples are filled by one thread per processor (same bits).</summary>
    internal static long ParallelValues { get; set; } = 1 << 16;

    [ThreadStatic]
    private static ulong[]? _columns;

    private static ulong[] ColumnHashes(int width)
    {
        ulong[]? c = _columns;
        if (c is null || c.Length < width)
            _columns = c = new ulong[Math.Max(width, 64)];
        return c;
    }

    /// <summary>
    /// Channels [first, end) of the window. The per-sample hash chain seed -> channel -> x -> y -> slice
    /// (<see cref="NoiseHash.Hash64"/>) is evaluated once per channel and column up to x, then twice per sample:
    /// the same bits as <see cref="Sample"/>, with 2 of the 5 mixes per value.
    /// </summary>
    private void FillChannels(Span<float> destination, int first, int end, int originX, int originY, int width, int height,
        long slice, double wa, double wb, ulong[] columns)
    {
        const ulong Gamma = 0x9E3779B97F4A7C15UL;
        int plane = width * height;
        unchecked
        {
            ulong seedHash = NoiseHash.Mix64((ulong)(uint)Seed + Gamma);
            for (int c = first; c < end; c++)
            {
                ulong channelHash = NoiseHash.Mix64(seedHash + Gamma ^ (ulong)(uint)c);
                int wx = NoiseHash.Wrap(originX, PeriodX);
                for (int x = 0; x < width; x++)
                {
                    columns[x] = NoiseHash.Mix64(channelHash + Gamma ^ (ulong)(uint)wx);
                    if (++wx == PeriodX)
                        wx = 0;
                }
                Span<float> dst = destination.Slice(c * plane, plane);
                int index = 0;
                for (int y = 0; y < height; y++)
                {
                    ulong wy = (ulong)(uint)NoiseHash.Wrap(originY + y, PeriodY);
                    for (int x = 0; x < width; x++)
                    {
                        ulong rowHash = NoiseHash.Mix64(columns[x] + Gamma ^ wy);
                        double a = FromHash(NoiseHash.Mix64(rowHash + Gamma ^ (ulong)slice));
                        dst[index++] = wb == 0.0
                            ? (float)a
                            : (float)(wa * a + wb * FromHash(NoiseHash.Mix64(rowHash + Gamma ^ (ulong)(slice + 1))));
                    }
                }
            }
        }
    }

    private static double FromHash(ulong h) => DeterministicMath.InverseNormal(((h >> 11) + 0.5) * TwoPowMinus53);

    /// <summary>One parallel fill: lane i takes an equal share of the channels.</summary>
    private sealed class FillJob
    {
        private readonly GaussianNoiseField _field;
        private readonly IntPtr _start;
        private readonly int _channels, _originX, _originY, _width, _height, _lanes;
        private readonly long _slice;
        private readonly double _wa, _wb;

        public FillJob(GaussianNoiseField field, IntPtr start, int channels, int originX, int originY, int width, int height,
            long slice, double wa, double wb, int lanes)
        {
            _field = field;
            _start = start;
            _channels = channels;
            _originX = originX;
            _originY = originY;
            _width = width;
            _height = height;
            _slice = slice;
            _wa = wa;
            _wb = wb;
            _lanes = lanes;
        }

        public void Run(int lane)
        {
            int first = (int)((long)_channels * lane / _lanes), end = (int)((long)_channels * (lane + 1) / _lanes);
            unsafe
            {
                var all = new Span<float>((void*)_start, _channels * _width * _height);
                _field.FillChannels(all, first, end, _originX, _originY, _width, _height, _slice, _wa, _wb, ColumnHashes(_width));
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

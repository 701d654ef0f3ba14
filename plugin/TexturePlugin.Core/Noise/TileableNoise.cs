using TexturePlugin.Core.Imaging;

namespace TexturePlugin.Core.Noise;

/// <summary>
/// Seeded, deterministic, tileable 2D noise: Perlin, value and cellular bases; fBm, ridged and turbulence fractals;
/// domain warp. Every lattice wraps at a whole number of cells, so a generated tile repeats without a seam. Only
/// integer hashing and IEEE +, -, *, /, floor and sqrt are used: same seed, same bits on every platform.
/// </summary>
public static class TileableNoise
{
    // Eight unit gradient directions (axes and diagonals).
    private static readonly float[] GradX = { 1f, -1f, 0f, 0f, 0.70710677f, -0.70710677f, 0.70710677f, -0.70710677f };
    private static readonly float[] GradY = { 0f, 0f, 1f, -1f, 0.70710677f, 0.70710677f, -0.70710677f, -0.70710677f };

    /// <summary>Perlin gradient noise at lattice coordinates (x, y), periodic in (periodX, periodY) cells; about [-1, 1].</summary>
    public static float Perlin(int seed, double x, double y, int periodX, int periodY)
    {
        Split(x, periodX, out int x0, out int x1, out float fx);
        Split(y, periodY, out int y0, out int y1, out float fy);
        float n00 = Dot(seed, x0, y0, fx, fy);
        float n10 = Dot(seed, x1, y0, fx - 1f, fy);
        float n01 = Dot(seed, x0, y1, fx, fy - 1f);
        float n11 = Dot(seed, x1, y1, fx - 1f, fy - 1f);
        float u = Fade(fx), v = Fade(fy);
        float a = n00 + u * (n10 - n00);
        float b = n01 + u * (n11 - n01);
        // The 2D gradient noise peaks near +-0.7: scale to about [-1, 1].
        return (a + v * (b - a)) * 1.4142135f;
    }

    /// <summary>Value noise in [-1, 1], periodic in (periodX, periodY) cells.</summary>
    public static float Value(int seed, double x, double y, int periodX, int periodY)
    {
        Split(x, periodX, out int x0, out int x1, out float fx);
        Split(y, periodY, out int y0, out int y1, out float fy);
        float n00 = Lattice(seed, x0, y0), n10 = Lattice(seed, x1, y0);
        float n01 = Lattice(seed, x0, y1), n11 = Lattice(seed, x1, y1);
        float u = Fade(fx), v = Fade(fy);
        float a = n00 + u * (n10 - n00);
        float b = n01 + u * (n11 - n01);
        return a + v * (b - a);
    }

    /// <summary>
    /// Cellular (Worley) F1: distance to the nearest feature point (one per cell, jittered), periodic in
    /// (periodX, periodY) cells, mapped from [0, 1] to [-1, 1] (clamped).
    /// </summary>
    public static float Cellular(int seed, double x, double y, int periodX, int periodY)
    {
        double fxFloor = Math.Floor(x), fyFloor = Math.Floor(y);
        int cx = (int)fxFloor, cy = (int)fyFloor;
        float fx = (float)(x - fxFloor), fy = (float)(y - fyFloor);
        float best = float.MaxValue;
        for (int dy = -1; dy <= 1; dy++)
        {
            for (int dx = -1; dx <= 1; dx++)
            {
                int lx = NoiseHash.Wrap(cx + dx, periodX), ly = NoiseHash.Wrap(cy + dy, periodY);
                uint h = NoiseHash.Hash(seed, lx, ly);
                float px = dx + NoiseHash.ToUnitFloat(h) - fx;
                float py = dy + NoiseHash.ToUnitFloat(NoiseHash.Mix(h ^ 0x5BD1E995u)) - fy;
                float d = px * px + py * py;
                if (d < best)
                    best = d;
            }
        }
        float f1 = (float)Math.Sqrt(best);
        return (f1 > 1f ? 1f : f1) * 2f - 1f;
    }

    /// <summary>One basis sample at lattice coordinates.</summary>
    public static float Basis(NoiseBasis basis, int seed, double x, double y, int periodX, int periodY) => basis switch
    {
        NoiseBasis.Perlin => Perlin(seed, x, y, periodX, periodY),
        NoiseBasis.Value => Value(seed, x, y, periodX, periodY),
        NoiseBasis.Cellular => Cellular(seed, x, y, periodX, periodY),
        _ => throw new ArgumentOutOfRangeException(nameof(basis), basis, null),
    };

    /// <summary>
    /// The fractal at tile coordinates (u, v), where [0, 1) spans the tile and the result repeats with period 1 in both;
    /// about [-1, 1].
    /// </summary>
    public static float Sample(NoiseSettings settings, double u, double v)
    {
        if (settings.WarpStrength > 0f)
        {
            double du = Fractal(NoiseBasis.Perlin, FractalMode.Fbm, unchecked(settings.Seed + 0x51ED270B), u, v,
                settings.WarpFrequency, settings.WarpFrequency, settings.WarpOctaves, 2, 0.5f);
            double dv = Fractal(NoiseBasis.Perlin, FractalMode.Fbm, unchecked(settings.Seed + 0x2C1B3C6D), u, v,
                settings.WarpFrequency, settings.WarpFrequency, settings.WarpOctaves, 2, 0.5f);
            u += settings.WarpStrength * du;
            v += settings.WarpStrength * dv;
        }
        return Fractal(settings.Basis, settings.Fractal, settings.Seed, u, v, settings.FrequencyX, settings.FrequencyY,
            settings.Fractal == FractalMode.None ? 1 : settings.Octaves, settings.Lacunarity, settings.Gain);
    }

    /// <summary>Fills a row-major <paramref name="width"/> x <paramref name="height"/> tile (pixel centres).</summary>
    public static void Fill(Span<float> destination, int width, int height, NoiseSettings settings)
    {
        if (settings is null) throw new ArgumentNullException(nameof(settings));
        settings.Validate();
        if (width <= 0 || height <= 0)
            throw new ArgumentOutOfRangeException(nameof(width), $"Tile size must be positive, not {width}x{height}.");
        if (destination.Length < (long)width * height)
            throw new ArgumentException($"A {width}x{height} tile needs {(long)width * height} floats, but {destination.Length} were given.", nameof(destination));
        for (int y = 0; y < height; y++)
        {
            double v = (y + 0.5) / height;
            for (int x = 0; x < width; x++)
                destination[y * width + x] = Sample(settings, (x + 0.5) / width, v);
        }
    }

    /// <summary>
    /// Fills NCHW planes <c>[channels][height][width]</c>; channel c uses seed <c>Seed + c</c> (a model input or a
    /// multi-channel material).
    /// </summary>
    public static void FillTensor(Span<float> destination, int channels, int width, int height, NoiseSettings settings)
    {
        if (settings is null) throw new ArgumentNullException(nameof(settings));
        if (channels <= 0)
            throw new ArgumentOutOfRangeException(nameof(channels), channels, "Channel count must be positive.");
        long plane = (long)width * height;
        if (destination.Length < plane * channels)
            throw new ArgumentException($"A [{channels}, {height}, {width}] tensor needs {plane * channels} floats, but {destination.Length} were given.", nameof(destination));
        NoiseSettings s = settings.Clone();
        for (int c = 0; c < channels; c++)
        {
            s.Seed = unchecked(settings.Seed + c);
            Fill(destination.Slice((int)(c * plane), (int)plane), width, height, s);
        }
    }

    /// <summary>
    /// A greyscale tileable texture: noise in [-1, 1] mapped to 0..255 and blended from <paramref name="dark"/> to
    /// <paramref name="light"/> (RGBA, default black to white, opaque).
    /// </summary>
    public static RgbaImage ToImage(int width, int height, NoiseSettings settings, uint dark = 0xFF000000, uint light = 0xFFFFFFFF)
    {
        var values = new float[checked(width * height)];
        Fill(values, width, height, settings);
        var image = new RgbaImage(width, height);
        byte[] px = image.Pixels;
        for (int i = 0; i < values.Length; i++)
        {
            float t = values[i] * 0.5f + 0.5f;
            t = t < 0f ? 0f : t > 1f ? 1f : t;
            for (int c = 0; c < 4; c++)
            {
                float a = (dark >> (8 * c)) & 0xFF, b = (light >> (8 * c)) & 0xFF;
                px[i * 4 + c] = (byte)(a + (b - a) * t + 0.5f);
            }
        }
        return image;
    }

    private static float Fractal(NoiseBasis basis, FractalMode mode, int seed, double u, double v, int fx, int fy, int octaves, int lacunarity, float gain)
    {
        float sum = 0f, norm = 0f, amp = 1f;
        int px = fx, py = fy;
        for (int o = 0; o < octaves; o++)
        {
            float n = Basis(basis, unchecked(seed + o * 1013), u * px, v * py, px, py);
            switch (mode)
            {
                case FractalMode.Ridged:
                    float r = 1f - (n < 0 ? -n : n);
                    sum += amp * r * r;
                    break;
                case FractalMode.Turbulence:
                    sum += amp * (n < 0 ? -n : n);
                    break;
                default:
                    sum += amp * n;
                    break;
            }
            norm += amp;
            amp *= gain;
            px *= lacunarity;
            py *= lacunarity;
        }
        float result = sum / norm;
        // Ridged and turbulence lie in [0, 1]: centre them like the others.
        return mode is FractalMode.Ridged or FractalMode.Turbulence ? result * 2f - 1f : result;
    }

    private static void Split(double coordinate, int period, out int i0, out int i1, out float fraction)
    {
        double floor = Math.Floor(coordinate);
        fraction = (float)(coordinate - floor);
        i0 = (int)NoiseHash.Wrap((long)floor, (long)period);
        i1 = i0 + 1 == period ? 0 : i0 + 1;
    }

    private static float Dot(int seed, int x, int y, float dx, float dy)
    {
        uint h = NoiseHash.Hash(seed, x, y) & 7;
        return GradX[h] * dx + GradY[h] * dy;
    }

    private static float Lattice(int seed, int x, int y) => NoiseHash.Hash(seed, x, y) * (2f / 4294967295f) - 1f;

    private static float Fade(float t) => t * t * t * (t * (t * 6f - 15f) + 10f);
}

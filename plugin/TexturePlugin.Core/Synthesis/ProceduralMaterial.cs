using TexturePlugin.Core.Imaging;
using TexturePlugin.Core.Noise;

namespace TexturePlugin.Core.Synthesis;

/// <summary>
/// Materials made from the noise library alone, for when no model is wanted: fractal sums of smoothly
/// interpolated <see cref="GaussianNoiseField"/> lattices, shaped and coloured. Every lattice period divides
/// the texture, so the result tiles seamlessly; time moves through the field's slices, so the material
/// animates smoothly; each pixel depends only on (seed, position, time), so tiles agree with one pass.
/// </summary>
public sealed class ProceduralMaterial
{
    private readonly Func<float, float, float, float, (float R, float G, float B)> _shade;
    private readonly int _octaves;
    private readonly int _basePeriod;

    [ThreadStatic] private static float[]? t_f;
    [ThreadStatic] private static float[]? t_g;
    [ThreadStatic] private static float[]? t_lattice;

    private ProceduralMaterial(string name, string description, int basePeriod, int octaves,
        Func<float, float, float, float, (float, float, float)> shade)
    {
        Name = name;
        Description = description;
        _basePeriod = basePeriod;
        _octaves = octaves;
        _shade = shade;
    }

    /// <summary>Catalogue name (lower case).</summary>
    public string Name { get; }

    /// <summary>One line for listings.</summary>
    public string Description { get; }

    /// <summary>The built-in procedural materials.</summary>
    public static IReadOnlyList<ProceduralMaterial> All { get; } = new[]
    {
        // shade(f, g, u, v): f and g are two independent fractal sums (about -1..1), u and v in [0, 1).
        new ProceduralMaterial("clouds", "Procedural soft clouds (noise only, no model)", 4, 6, (f, g, u, v) =>
        {
            float c = Smooth(0.45f + 0.55f * f);
            return (0.35f + 0.65f * c, 0.5f + 0.5f * c, 0.85f + 0.15f * c);
        }),
        new ProceduralMaterial("marble", "Procedural veined marble (noise only, no model)", 3, 6, (f, g, u, v) =>
        {
            float vein = (float)Math.Abs(Math.Sin(2 * Math.PI * (2 * u + v) + 4.0 * f));
            float c = 0.55f + 0.45f * (float)Math.Pow(vein, 0.35);
            return (c, 0.97f * c, 0.92f * c);
        }),
        new ProceduralMaterial("magma", "Procedural glowing magma (noise only, no model; the catalog ships a trained lava model)", 4, 5, (f, g, u, v) =>
        {
            float heat = Smooth(0.5f + 0.9f * f - 0.35f * Math.Abs(g));
            return (0.15f + 0.85f * heat, 0.03f + 0.75f * heat * heat, 0.02f + 0.3f * heat * heat * heat);
        }),
        new ProceduralMaterial("water", "Procedural rippling water (noise only, no model)", 6, 5, (f, g, u, v) =>
        {
            float ridge = 1f - Math.Abs(f);
            float c = ridge * ridge * ridge;
            return (0.05f + 0.35f * c, 0.25f + 0.45f * c, 0.45f + 0.45f * c);
        }),
        new ProceduralMaterial("granite", "Procedural grey granite (noise only, no model)", 5, 7, (f, g, u, v) =>
        {
            float c = 0.45f + 0.3f * f + 0.12f * (1f - Math.Abs(g));
            return (c, 0.96f * c, 0.92f * c);
        }),
    };

    /// <summary>Finds a procedural material by name (case-insensitive).</summary>
    public static bool TryGet(string name, out ProceduralMaterial material)
    {
        foreach (ProceduralMaterial m in All)
            if (string.Equals(m.Name, name, StringComparison.OrdinalIgnoreCase))
            {
                material = m;
                return true;
            }
        material = null!;
        return false;
    }

    /// <summary>A new texture of the given size, refused before allocation when over <paramref name="limits"/> (default <see cref="ImageLimits.Default"/>).</summary>
    public RgbaImage Render(int width, int height, int seed, double time = 0, ImageLimits? limits = null)
    {
        (limits ?? ImageLimits.Default).Check(width, height, $"Procedural material '{Name}'");
        var image = new RgbaImage(width, height);
        Render(image, seed, time);
        return image;
    }

    /// <summary>Fills <paramref name="target"/> (any size; periods follow its width and height).</summary>
    public void Render(RgbaImage target, int seed, double time = 0)
    {
        int w = target.Width, h = target.Height;
        // Per-thread scratch buffers: animating a material every frame allocates nothing once they have grown.
        if (t_f is null || t_f.Length < w * h)
        {
            t_f = new float[w * h];
            t_g = new float[w * h];
        }
        float[] f = t_f, g = t_g!;
        Array.Clear(f, 0, w * h);
        Array.Clear(g, 0, w * h);
        Fractal(f, w, h, seed, 0, time);
        Fractal(g, w, h, seed, 1, time);
        byte[] px = target.Pixels;
        for (int y = 0; y < h; y++)
            for (int x = 0; x < w; x++)
            {
                int i = y * w + x;
                var (r, gg, b) = _shade(f[i], g[i], (float)x / w, (float)y / h);
                px[i * 4] = ToByte(r);
                px[i * 4 + 1] = ToByte(gg);
                px[i * 4 + 2] = ToByte(b);
                px[i * 4 + 3] = 255;
            }
    }

    private void Fractal(float[] sum, int w, int h, int seed, int channel, double time)
    {
        float amplitude = 0.5f, total = 0f;
        for (int o = 0; o < _octaves; o++)
        {
            // Lattice periods double per octave and never exceed the texture, so they stay whole.
            int px = Math.Min(_basePeriod << o, w), py = Math.Min(_basePeriod << o, h);
            var field = new GaussianNoiseField(unchecked(seed * 31 + o * 2 + channel * 1000003), px, py);
            if (t_lattice is null || t_lattice.Length < px * py)
                t_lattice = new float[px * py];
            float[] lattice = t_lattice;
            field.Fill(lattice, 1, 0, 0, px, py, time * (1 + 0.5 * o));
            for (int y = 0; y < h; y++)
            {
                double fy = (double)y * py / h;
                int y0 = (int)fy;
                float ty = Fade((float)(fy - y0));
                int r0 = (y0 % py) * px, r1 = ((y0 + 1) % py) * px;
                for (int x = 0; x < w; x++)
                {
                    double fx = (double)x * px / w;
                    int x0 = (int)fx;
                    float tx = Fade((float)(fx - x0));
                    int c0 = x0 % px, c1 = (x0 + 1) % px;
                    float top = lattice[r0 + c0] + (lattice[r0 + c1] - lattice[r0 + c0]) * tx;
                    float bottom = lattice[r1 + c0] + (lattice[r1 + c1] - lattice[r1 + c0]) * tx;
                    sum[y * w + x] += amplitude * (top + (bottom - top) * ty);
                }
            }
            total += amplitude;
            amplitude *= 0.5f;
        }
        // Interpolated unit normals have a standard deviation below one; scale the sum to about -1..1.
        float scale = 0.9f / total;
        for (int i = 0; i < w * h; i++)
            sum[i] *= scale;
    }

    private static float Fade(float t) => t * t * t * (t * (t * 6 - 15) + 10);

    private static float Smooth(float t)
    {
        t = Math.Clamp(t, 0f, 1f);
        return t * t * (3 - 2 * t);
    }

    private static byte ToByte(float v) => (byte)Math.Clamp((int)(v * 255f + 0.5f), 0, 255);
}

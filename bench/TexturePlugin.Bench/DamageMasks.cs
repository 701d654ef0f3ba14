using TexturePlugin.Core.Repair;

namespace TexturePlugin.Bench;

/// <summary>
/// The three damage kinds of the evaluation sets (/work/shared/eval/texset.py): six thin scratches (polylines of
/// five points, steps up to 60 pixels, 2 to 5 pixels thick), seven filled ellipses (axes 5 to 17), one 64x64 block.
/// Same shapes and parameters, drawn in C# with a seeded System.Random (not bit-identical to OpenCV's raster).
/// </summary>
public static class DamageMasks
{
    public static readonly string[] Kinds = { "scratch", "holes", "block" };

    public static DamageMask Make(string kind, int size, int seed)
    {
        var rng = new Random(seed);
        var m = new DamageMask(size, size);
        switch (kind)
        {
            case "scratch":
                for (int s = 0; s < 6; s++)
                {
                    int thickness = rng.Next(2, 6);
                    int x = rng.Next(size), y = rng.Next(size);
                    for (int k = 0; k < 4; k++)
                    {
                        int nx = Math.Clamp(x + rng.Next(-60, 61), 0, size - 1), ny = Math.Clamp(y + rng.Next(-60, 61), 0, size - 1);
                        Line(m, x, y, nx, ny, thickness);
                        x = nx; y = ny;
                    }
                }
                break;
            case "holes":
                for (int e = 0; e < 7; e++)
                    Ellipse(m, rng.Next(16, size - 16), rng.Next(16, size - 16), rng.Next(5, 18), rng.Next(5, 18), rng.Next(0, 180));
                break;
            case "block":
                int bx = rng.Next(48, size - 48 - 64), by = rng.Next(48, size - 48 - 64);
                m.FillRect(bx, by, 64, 64);
                break;
            default:
                throw new ArgumentOutOfRangeException(nameof(kind), kind, "Kinds are scratch, holes and block.");
        }
        return m;
    }

    /// <summary>Scattered holes (ellipses of 10 to 40 pixel axes) until <paramref name="fraction"/> of the texture is damaged.</summary>
    public static DamageMask Scattered(int size, double fraction, int seed)
    {
        var rng = new Random(seed);
        var m = new DamageMask(size, size);
        long target = (long)(fraction * size * size);
        while (m.CountDamaged() < target)
            Ellipse(m, rng.Next(size), rng.Next(size), rng.Next(10, 41), rng.Next(10, 41), rng.Next(0, 180));
        return m;
    }

    /// <summary>
    /// A brush stroke as a level designer paints it: a line of <paramref name="length"/> pixels and
    /// <paramref name="width"/> pixels thick from (<paramref name="x"/>, <paramref name="y"/>) at 30 degrees. Returns the
    /// stroke's bounding rectangle (what the host marks dirty).
    /// </summary>
    public static TileRect Stroke(DamageMask mask, int x, int y, int length, int width)
    {
        int x1 = x + (int)Math.Round(length * Math.Cos(Math.PI / 6)), y1 = y + (int)Math.Round(length * Math.Sin(Math.PI / 6));
        Line(mask, x, y, x1, y1, width);
        int r = (width + 1) / 2 + 1;
        return new TileRect(Math.Min(x, x1) - r, Math.Min(y, y1) - r, Math.Abs(x1 - x) + 2 * r + 1, Math.Abs(y1 - y) + 2 * r + 1);
    }

    private static void Line(DamageMask m, int x0, int y0, int x1, int y1, int thickness)
    {
        double r = thickness / 2.0;
        int steps = Math.Max(Math.Abs(x1 - x0), Math.Abs(y1 - y0)) + 1;
        for (int i = 0; i <= steps; i++)
        {
            double cx = x0 + (x1 - x0) * (double)i / steps, cy = y0 + (y1 - y0) * (double)i / steps;
            for (int y = (int)Math.Floor(cy - r); y <= (int)Math.Ceiling(cy + r); y++)
                for (int x = (int)Math.Floor(cx - r); x <= (int)Math.Ceiling(cx + r); x++)
                    if (x >= 0 && y >= 0 && x < m.Width && y < m.Height && (x - cx) * (x - cx) + (y - cy) * (y - cy) <= r * r)
                        m[x, y] = true;
        }
    }

    private static void Ellipse(DamageMask m, int cx, int cy, int ax, int ay, int angleDegrees)
    {
        double a = angleDegrees * Math.PI / 180, cos = Math.Cos(a), sin = Math.Sin(a);
        int reach = Math.Max(ax, ay);
        for (int y = cy - reach; y <= cy + reach; y++)
            for (int x = cx - reach; x <= cx + reach; x++)
            {
                double dx = x - cx, dy = y - cy;
                double u = (dx * cos + dy * sin) / ax, v = (-dx * sin + dy * cos) / ay;
                if (u * u + v * v <= 1 && x >= 0 && y >= 0 && x < m.Width && y < m.Height)
                    m[x, y] = true;
            }
    }
}

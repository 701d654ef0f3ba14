using TexturePlugin.Core.Imaging;

namespace TexturePlugin.Core.Tests.Repair;

/// <summary>The seam ratio of /work/shared/eval/texmetrics.py (1.0 = the wrap-around seams are invisible).</summary>
internal static class SeamMetrics
{
    public static double SeamRatio(RgbaImage image)
    {
        int w = image.Width, h = image.Height;
        var col = new double[w];
        var row = new double[h];
        for (int y = 0; y < h; y++)
            for (int x = 0; x < w; x++)
            {
                Span<byte> p = image.Pixel(x, y), right = image.Pixel((x + 1) % w, y), down = image.Pixel(x, (y + 1) % h);
                double dx = 0, dy = 0;
                for (int c = 0; c < 3; c++)
                {
                    dx += Math.Abs(right[c] - p[c]);
                    dy += Math.Abs(down[c] - p[c]);
                }
                col[x] += dx / h;
                row[y] += dy / w;
            }
        double wrap = (col[w - 1] + row[h - 1]) / 2;
        double interior = (Median(col.Take(w - 1)) + Median(row.Take(h - 1))) / 2;
        return wrap / Math.Max(interior, 1e-9);
    }

    private static double Median(IEnumerable<double> values)
    {
        double[] v = values.OrderBy(x => x).ToArray();
        return v.Length % 2 == 1 ? v[v.Length / 2] : (v[v.Length / 2 - 1] + v[v.Length / 2]) / 2;
    }
}

using NUnit.Framework;
using TexturePlugin.Core.Imaging;

namespace TexturePlugin.Core.Tests.Imaging;

/// <summary>The pattern every image fixture holds (see tests/fixtures/images/make_images.py).</summary>
internal static class Pattern
{
    public const int Width = 12, Height = 7;

    public static (byte R, byte G, byte B, byte A) At(int x, int y) =>
        ((byte)((x * 37 + y * 11) & 255), (byte)((x * 5 + y * 53) & 255), (byte)(((x ^ y) * 16) & 255), (byte)(255 - 8 * (x + y)));

    public static RgbaImage Image(int width = Width, int height = Height)
    {
        var image = new RgbaImage(width, height);
        for (int y = 0; y < height; y++)
            for (int x = 0; x < width; x++)
            {
                var (r, g, b, a) = At(x, y);
                Span<byte> p = image.Pixel(x, y);
                p[0] = r; p[1] = g; p[2] = b; p[3] = (byte)Math.Max(0, (int)a);
            }
        return image;
    }

    /// <summary>Largest per-channel difference, and where, for messages.</summary>
    public static (int MaxDiff, string Where) Compare(RgbaImage expected, RgbaImage actual, bool alpha = true)
    {
        Assert.That(actual.Width, Is.EqualTo(expected.Width), "width");
        Assert.That(actual.Height, Is.EqualTo(expected.Height), "height");
        int max = 0;
        string where = "none";
        for (int i = 0; i < expected.Pixels.Length; i++)
        {
            if (!alpha && i % 4 == 3)
                continue;
            int d = Math.Abs(expected.Pixels[i] - actual.Pixels[i]);
            if (d > max)
            {
                max = d;
                int p = i / 4;
                where = $"pixel ({p % expected.Width}, {p / expected.Width}) channel {i % 4}: expected {expected.Pixels[i]}, got {actual.Pixels[i]}";
            }
        }
        return (max, where);
    }
}

using NUnit.Framework;
using TexturePlugin.Core.Imaging;

namespace TexturePlugin.Core.Tests.Repair;

/// <summary>Finds tests/fixtures and builds small deterministic images for the engine tests.</summary>
internal static class EngineFixtures
{
    /// <summary>tests/fixtures, found from this source file's place (the test binaries may live elsewhere).</summary>
    public static string Root => FindRoot();

    private static string FindRoot([System.Runtime.CompilerServices.CallerFilePath] string sourceFile = "")
    {
        foreach (string start in new[] { Path.GetDirectoryName(sourceFile) ?? "", TestContext.CurrentContext.TestDirectory, Directory.GetCurrentDirectory() })
            for (var dir = string.IsNullOrEmpty(start) ? null : new DirectoryInfo(start); dir != null; dir = dir.Parent)
            {
                string candidate = Path.Combine(dir.FullName, "tests", "fixtures");
                if (Directory.Exists(candidate))
                    return candidate;
            }
        throw new DirectoryNotFoundException("tests/fixtures not found above " + sourceFile);
    }

    public static string Path2(params string[] parts) => Path.Combine(new[] { Root }.Concat(parts).ToArray());

    /// <summary>A smooth periodic colour pattern with some per-pixel texture (deterministic).</summary>
    public static RgbaImage Pattern(int width, int height, int seed = 1)
    {
        var image = new RgbaImage(width, height);
        var rng = new Random(seed);
        for (int y = 0; y < height; y++)
            for (int x = 0; x < width; x++)
            {
                double u = 2 * Math.PI * x / width, v = 2 * Math.PI * y / height;
                Span<byte> p = image.Pixel(x, y);
                p[0] = (byte)Math.Clamp(128 + 60 * Math.Sin(3 * u) + rng.Next(-20, 21), 0, 255);
                p[1] = (byte)Math.Clamp(128 + 60 * Math.Cos(2 * v + u) + rng.Next(-20, 21), 0, 255);
                p[2] = (byte)Math.Clamp(128 + 40 * Math.Sin(5 * v) + rng.Next(-20, 21), 0, 255);
                p[3] = 255;
            }
        return image;
    }

    /// <summary>Largest difference of any byte of two images of the same size, and how many bytes differ.</summary>
    public static (int Max, int Differing) Diff(RgbaImage a, RgbaImage b)
    {
        int max = 0, differing = 0;
        for (int i = 0; i < a.Pixels.Length; i++)
        {
            int d = Math.Abs(a.Pixels[i] - b.Pixels[i]);
            max = Math.Max(max, d);
            differing += d > 0 ? 1 : 0;
        }
        return (max, differing);
    }

    /// <summary>Largest difference of any byte of two images of the same size.</summary>
    public static int MaxDiff(RgbaImage a, RgbaImage b) => Diff(a, b).Max;
}

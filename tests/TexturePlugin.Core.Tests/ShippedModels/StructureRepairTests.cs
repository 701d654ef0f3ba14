using NUnit.Framework;
using TexturePlugin.Core.Imaging;
using TexturePlugin.Core.Models;
using TexturePlugin.Core.Repair;
using TexturePlugin.Core.Repair.Structure;
using TexturePlugin.Core.Tests.Repair;

namespace TexturePlugin.Core.Tests.ShippedModels;

/// <summary>
/// The shipped repair model with the structure fill: a regular texture (a rivet grid) repaired from a 64x64 hole gets its
/// rivets back on the grid, intact pixels stay bit-exact, and the dirty tiles of a large texture agree with one pass.
/// </summary>
[TestFixture]
public class StructureRepairTests
{
    private const int Period = 16;

    private static RepairEngine Open() =>
        RepairEngine.Open(ModelCatalog.Open(Path.Combine(TestPaths.RepoRoot, "models")).LoadManifest("repair"));

    private static RgbaImage Grid(int size, bool periodicNoise = false) =>
        new(size, size, StructureFillTests.RivetGrid(size, size, Period, 11, periodicNoise));

    [Test]
    public void ARivetGridRepairedFromA64PixelHoleHasItsRivetsBackOnTheGrid()
    {
        using RepairEngine engine = Open();
        RgbaImage image = Grid(256);
        var mask = new DamageMask(256, 256);
        mask.FillRect(93, 77, 64, 64);
        RgbaImage repaired = engine.Repair(image, mask);
        AssertRivetsOnGrid(repaired, 93, 77, 64);
        AssertIntactExact(repaired, image, mask);

        engine.Structure = StructureOptions.Default with { Enabled = false };
        RgbaImage networkOnly = engine.Repair(image, mask);
        Assert.That(() => AssertRivetsOnGrid(networkOnly, 93, 77, 64), Throws.InstanceOf<AssertionException>(),
            "the network alone should not restore the grid (else this test proves nothing)");
    }

    [Test]
    public void DirtyTilesOfALargeTextureAgreeWithOnePass()
    {
        using RepairEngine engine = Open();
        RgbaImage image = Grid(1280, periodicNoise: true);
        var mask = new DamageMask(1280, 1280);
        mask.FillRect(600, 500, 64, 64);
        mask.FillRect(1250, 40, 50, 40);   // across the left/right wrap-around
        RgbaImage tiled = engine.Repair(image, mask, dirtyTilesOnly: true);
        RgbaImage whole = engine.Repair(image, mask, dirtyTilesOnly: false);
        AssertRivetsOnGrid(tiled, 600, 500, 64);
        AssertRivetsOnGrid(whole, 600, 500, 64);
        AssertIntactExact(tiled, image, mask);
        long total = 0;
        int worst = 0;
        for (int i = 0; i < mask.Bits.Length; i++)
            if (mask.Bits[i] != 0)
                for (int c = 0; c < 3; c++)
                {
                    int d = Math.Abs(tiled.Pixels[i * 4 + c] - whole.Pixels[i * 4 + c]);
                    total += d;
                    worst = Math.Max(worst, d);
                }
        double mean = total / (3.0 * mask.CountDamaged());
        // every copy along the grid is exact; only the network's low-pass shading differs with its context
        Assert.That(mean, Is.LessThan(2.0), $"mean difference {mean:F2} levels, worst {worst}");
    }

    private static void AssertIntactExact(RgbaImage repaired, RgbaImage image, DamageMask mask)
    {
        for (int i = 0; i < mask.Bits.Length; i++)
            if (mask.Bits[i] == 0)
                Assert.That(repaired.Pixels.AsSpan(i * 4, 4).SequenceEqual(image.Pixels.AsSpan(i * 4, 4)), Is.True,
                    $"intact pixel ({i % image.Width}, {i / image.Width}) changed");
    }

    /// <summary>Every rivet whose window lies inside the hole: the centroid of its bright pixels within 1 px of the grid.</summary>
    private static void AssertRivetsOnGrid(RgbaImage image, int x0, int y0, int side)
    {
        int checkedRivets = 0;
        for (int cy = Period / 2; cy < image.Height; cy += Period)
            for (int cx = Period / 2; cx < image.Width; cx += Period)
            {
                if (cx - 4 < x0 || cx + 4 >= x0 + side || cy - 4 < y0 || cy + 4 >= y0 + side)
                    continue;
                double sx = 0, sy = 0, n = 0;
                for (int y = cy - 4; y <= cy + 4; y++)
                    for (int x = cx - 4; x <= cx + 4; x++)
                        if (image.Pixels[(y * image.Width + x) * 4] > 180)
                            (sx, sy, n) = (sx + x, sy + y, n + 1);
                Assert.That(n, Is.GreaterThanOrEqualTo(5), $"no rivet near ({cx}, {cy})");
                Assert.That(Math.Abs(sx / n - cx), Is.LessThanOrEqualTo(1.0), $"rivet near ({cx}, {cy}) at x {sx / n:F1}");
                Assert.That(Math.Abs(sy / n - cy), Is.LessThanOrEqualTo(1.0), $"rivet near ({cx}, {cy}) at y {sy / n:F1}");
                checkedRivets++;
            }
        Assert.That(checkedRivets, Is.GreaterThanOrEqualTo(9), "the hole should hold several rivets");
    }
}

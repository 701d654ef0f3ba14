using NUnit.Framework;
using TexturePlugin.Core.Imaging;
using TexturePlugin.Core.Repair;

namespace TexturePlugin.Core.Tests.Repair;

public class CoarseGuideTests
{
    private static IEnumerable<string> ParityCases()
    {
        string dir = EngineFixtures.Path2("guide");
        return Directory.GetFiles(dir, "*_guide.png").Select(f => Path.GetFileName(f)[..^"_guide.png".Length]).OrderBy(s => s);
    }

    [TestCaseSource(nameof(ParityCases))]
    public void MatchesThePythonGuideExactly(string name) => CheckParity(name);

    [TestCaseSource(nameof(ParityCases))]
    public void ScalarPathMatchesThePythonGuideToo(string name)
    {
        CoarseGuide.UseSimd = false;
        try
        {
            CheckParity(name);
        }
        finally
        {
            CoarseGuide.UseSimd = true;
        }
    }

    [TestCaseSource(nameof(ParityCases))]
    public void RingsSplitAcrossThreadsMatchThePythonGuideToo(string name)
    {
        CoarseGuide.ParallelPairs = 0;
        try
        {
            CheckParity(name);
        }
        finally
        {
            CoarseGuide.ParallelPairs = 1 << 16;
        }
    }

    [Test]
    public void SplitRingsGiveTheSameGuideAsOneThreadOnLargeDamage()
    {
        RgbaImage image = EngineFixtures.Pattern(256, 256);
        var mask = new DamageMask(256, 256);
        mask.FillRect(30, 40, 90, 70);
        mask.FillRect(200, 10, 9, 200);
        mask.FillRect(0, 180, 256, 5);
        byte[] Build(long pairs)
        {
            CoarseGuide.ParallelPairs = pairs;
            try
            {
                var guide = new byte[image.Pixels.Length];
                var builder = new CoarseGuide(4, 5);
                builder.Build(image.Pixels, mask.Bits, 256, 256, guide);
                builder.Build(image.Pixels, mask.Bits, 256, 256, guide);   // again: the helper is reused
                return guide;
            }
            finally
            {
                CoarseGuide.ParallelPairs = 1 << 16;
            }
        }
        Assert.That(Build(0), Is.EqualTo(Build(long.MaxValue)));
    }

    private static void CheckParity(string name)
    {
        string dir = EngineFixtures.Path2("guide");
        RgbaImage image = ImageIO.Load(Path.Combine(dir, name + "_image.png"));
        RgbaImage maskImage = ImageIO.Load(Path.Combine(dir, name + "_mask.png"));
        RgbaImage expected = ImageIO.Load(Path.Combine(dir, name + "_guide.png"));
        DamageMask mask = MaskSources.FromMaskImage(maskImage, image.Width, image.Height, name);

        var guide = new byte[image.Pixels.Length];
        new CoarseGuide(4, 5).Build(image.Pixels, mask.Bits, image.Width, image.Height, guide);

        int differing = 0, first = -1;
        for (int i = 0; i < image.Width * image.Height; i++)
        {
            bool same = guide[i * 4] == expected.Pixels[i * 4] && guide[i * 4 + 1] == expected.Pixels[i * 4 + 1]
                && guide[i * 4 + 2] == expected.Pixels[i * 4 + 2];
            if (!same) { differing++; if (first < 0) first = i; }
        }
        Assert.That(differing, Is.EqualTo(0),
            $"{name}: {differing} pixels differ, first at ({first % image.Width}, {first / image.Width})");
    }

    [Test]
    public void KeepsIntactPixelsAndFillsEveryDamagedOne()
    {
        RgbaImage image = EngineFixtures.Pattern(64, 48);
        var mask = new DamageMask(64, 48);
        mask.FillRect(20, 10, 17, 13);
        var guide = new byte[image.Pixels.Length];
        new CoarseGuide(4, 5).Build(image.Pixels, mask.Bits, 64, 48, guide);
        for (int i = 0; i < 64 * 48; i++)
            if (mask.Bits[i] == 0)
                Assert.That(guide.AsSpan(i * 4, 4).SequenceEqual(image.Pixels.AsSpan(i * 4, 4)), Is.True, $"intact pixel {i} changed");
    }

    [Test]
    public void CopiesFromAnExactRepeatOfTheTexture()
    {
        // A texture with period 16 in x: every hole has exact twins, so the guide restores it exactly.
        var image = new RgbaImage(64, 64);
        var rng = new Random(7);
        var tile = new byte[16 * 64 * 3];
        rng.NextBytes(tile);
        for (int y = 0; y < 64; y++)
            for (int x = 0; x < 64; x++)
            {
                Span<byte> p = image.Pixel(x, y);
                int t = (y * 16 + x % 16) * 3;
                p[0] = tile[t]; p[1] = tile[t + 1]; p[2] = tile[t + 2]; p[3] = 255;
            }
        var mask = new DamageMask(64, 64);
        mask.FillRect(24, 24, 8, 8);
        var damaged = image.Clone();
        for (int i = 0; i < 64 * 64; i++)
            if (mask.Bits[i] != 0) damaged.Pixels.AsSpan(i * 4, 3).Clear();
        var guide = new byte[image.Pixels.Length];
        new CoarseGuide(4, 5).Build(damaged.Pixels, mask.Bits, 64, 64, guide);
        Assert.That(guide, Is.EqualTo(image.Pixels));
    }

    [Test]
    public void ReusedBuilderGivesTheSameResultAsAFreshOne()
    {
        RgbaImage a = EngineFixtures.Pattern(64, 64, 1), b = EngineFixtures.Pattern(32, 32, 2);
        var maskA = new DamageMask(64, 64); maskA.FillRect(10, 30, 30, 6);
        var maskB = new DamageMask(32, 32); maskB.FillRect(0, 0, 8, 32);
        var builder = new CoarseGuide(4, 5);
        var first = new byte[a.Pixels.Length];
        builder.Build(a.Pixels, maskA.Bits, 64, 64, first);
        builder.Build(b.Pixels, maskB.Bits, 32, 32, new byte[b.Pixels.Length]);
        var again = new byte[a.Pixels.Length];
        builder.Build(a.Pixels, maskA.Bits, 64, 64, again);
        var fresh = new byte[a.Pixels.Length];
        new CoarseGuide(4, 5).Build(a.Pixels, maskA.Bits, 64, 64, fresh);
        Assert.That(again, Is.EqualTo(first));
        Assert.That(fresh, Is.EqualTo(first));
    }

    [Test]
    public void RejectsSizesThatAreNotMultiplesOfTheScale()
    {
        var builder = new CoarseGuide(4, 5);
        Assert.That(() => builder.Build(new byte[30 * 8 * 4], new byte[30 * 8], 30, 8, new byte[30 * 8 * 4]),
            Throws.ArgumentException.With.Message.Contains("30x8"));
    }
}

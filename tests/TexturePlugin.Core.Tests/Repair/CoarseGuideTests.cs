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

    /// <summary>
    /// Other scales and patches than the fixtures' 4 and 5, down to grids smaller than the patch (the wrap tables and
    /// the early cut of the distance loop): the builder agrees with a naive transcription of the specification, on
    /// both the vector and the scalar path.
    /// </summary>
    [TestCase(1, 1, 12, 9)]
    [TestCase(1, 3, 16, 16)]
    [TestCase(2, 3, 8, 6)]
    [TestCase(2, 7, 40, 24)]
    [TestCase(4, 5, 8, 12)]
    [TestCase(4, 5, 96, 64)]
    [TestCase(3, 5, 60, 45)]
    public void AgreesWithANaiveTranscriptionOfTheSpecification(int scale, int patch, int width, int height)
    {
        var rng = new Random(scale * 100 + patch * 10 + width);
        for (int round = 0; round < 4; round++)
        {
            (byte[] rgba, byte[] damaged) = RandomCase(rng, width, height);
            byte[] expected = NaiveGuide(rgba, damaged, width, height, scale, patch);
            foreach ((bool simd, bool candidates, string path) in new[] { (true, true, "vector"), (false, true, "scalar"), (true, false, "vector, no start bound") })
            {
                CoarseGuide.UseSimd = simd;
                CoarseGuide.UseCandidates = candidates;
                try
                {
                    var guide = new byte[rgba.Length];
                    new CoarseGuide(scale, patch).Build(rgba, damaged, width, height, guide);
                    Assert.That(guide, Is.EqualTo(expected), $"round {round}, {path} path");
                }
                finally
                {
                    CoarseGuide.UseSimd = true;
                    CoarseGuide.UseCandidates = true;
                }
            }
        }
    }

    /// <summary>
    /// The faster window search (a source step k &gt; 1: every k-th source row and column, the continued choices of earlier
    /// rings and of the same half ring, then the winner's neighbours) agrees with a naive transcription of its rule on the vector and scalar paths and
    /// with rings split across threads; and it is a different search from the specification's (else the step would be
    /// untested).
    /// </summary>
    [TestCase(4, 5, 96, 64, 2)]
    [TestCase(4, 5, 128, 96, 3)]
    [TestCase(2, 3, 40, 24, 2)]
    [TestCase(4, 5, 32, 24, 4)]
    public void ASourceStepAgreesWithANaiveTranscriptionOfItsRule(int scale, int patch, int width, int height, int step)
    {
        var rng = new Random(step * 1000 + width);
        int differsFromFull = 0;
        for (int round = 0; round < 6; round++)
        {
            (byte[] rgba, byte[] damaged) = RandomCase(rng, width, height);
            byte[] expected = NaiveGuide(rgba, damaged, width, height, scale, patch, step);
            if (!expected.AsSpan().SequenceEqual(NaiveGuide(rgba, damaged, width, height, scale, patch)))
                differsFromFull++;
            foreach ((bool simd, long pairs, string path) in new[] { (true, 1L << 16, "vector"), (false, 1L << 16, "scalar"), (true, 0L, "vector, rings split") })
            {
                CoarseGuide.UseSimd = simd;
                CoarseGuide.ParallelPairs = pairs;
                try
                {
                    var guide = new byte[rgba.Length];
                    var builder = new CoarseGuide(scale, patch);
                    builder.Build(rgba, damaged, width, height, guide, 0, 0, width, height, step);
                    Assert.That(guide, Is.EqualTo(expected), $"round {round}, {path} path");
                    builder.Build(rgba, damaged, width, height, guide);   // the same builder, back to every source
                    Assert.That(guide, Is.EqualTo(NaiveGuide(rgba, damaged, width, height, scale, patch)), $"round {round}, {path} path, step 1 after {step}");
                }
                finally
                {
                    CoarseGuide.UseSimd = true;
                    CoarseGuide.ParallelPairs = 1 << 16;
                }
            }
        }
        if (width >= 96)
            Assert.That(differsFromFull, Is.GreaterThan(0), "the step never changed a choice");
    }

    [Test]
    public void RejectsASourceStepOutsideOneToFour()
    {
        var builder = new CoarseGuide(4, 5);
        foreach (int step in new[] { 0, CoarseGuide.MaxSourceStep + 1 })
            Assert.That(() => builder.Build(new byte[32 * 32 * 4], new byte[32 * 32], 32, 32, new byte[32 * 32 * 4], 0, 0, 32, 32, step),
                Throws.InstanceOf<ArgumentOutOfRangeException>().With.Message.Contains("source step"));
    }

    private static (byte[] Rgba, byte[] Damaged) RandomCase(Random rng, int width, int height)
    {
        {
            var rgba = new byte[width * height * 4];
            rng.NextBytes(rgba);
            for (int i = 0; i < rgba.Length; i++)
                rgba[i] = (byte)(rgba[i] / 32 * 32);     // few levels: many exact ties between sources
            var damaged = new byte[width * height];
            int holes = 1 + rng.Next(3);
            for (int h = 0; h < holes; h++)
            {
                int w = 1 + rng.Next(Math.Max(1, width / 2)), hh = 1 + rng.Next(Math.Max(1, height / 2));
                int x0 = rng.Next(width), y0 = rng.Next(height);
                for (int y = y0; y < y0 + hh; y++)
                    for (int x = x0; x < x0 + w; x++)
                        damaged[(y % height) * width + x % width] = 1;
            }
            return (rgba, damaged);
        }
    }

    [Test]
    public void AFillRegionFillsOnlyItsDamageAndDrawsOnTheWholeImage()
    {
        RgbaImage image = EngineFixtures.Pattern(128, 128, 4);
        var mask = new DamageMask(128, 128);
        mask.FillRect(20, 20, 12, 12);     // inside the region
        mask.FillRect(100, 100, 10, 10);   // far outside it
        var full = new byte[image.Pixels.Length];
        var region = new byte[image.Pixels.Length];
        var builder = new CoarseGuide(4, 5);
        builder.Build(image.Pixels, mask.Bits, 128, 128, full);
        builder.Build(image.Pixels, mask.Bits, 128, 128, region, 0, 0, 64, 64);
        for (int y = 0; y < 128; y++)
            for (int x = 0; x < 128; x++)
            {
                int i = (y * 128 + x) * 4;
                if (x < 64 && y < 64)
                    Assert.That(region.AsSpan(i, 4).SequenceEqual(full.AsSpan(i, 4)), Is.True, $"({x}, {y}) inside the region");
                else
                    Assert.That(region.AsSpan(i, 4).SequenceEqual(image.Pixels.AsSpan(i, 4)), Is.True, $"({x}, {y}) outside the region was filled");
            }
        Assert.That(() => builder.Build(image.Pixels, mask.Bits, 128, 128, region, 0, 0, 66, 64), Throws.ArgumentException);
    }

    /// <summary>
    /// ARCHITECTURE.md's coarse copy guide written out directly: exhaustive, every index wrapped with a modulo. With
    /// <paramref name="step"/> &gt; 1, the rule of CoarseGuide's source step instead of the exhaustive search.
    /// </summary>
    private static byte[] NaiveGuide(byte[] rgba, byte[] damaged, int width, int height, int s, int p, int step = 1)
    {
        int lw = width / s, lh = height / s, n = lw * lh, r = p / 2;
        int Mod(int a, int m) => ((a % m) + m) % m;
        var sum = new long[n * 3];
        var bad = new bool[n];
        long mr = 0, mg = 0, mb = 0, count = 0;
        for (int y = 0; y < height; y++)
            for (int x = 0; x < width; x++)
            {
                int b = (y / s) * lw + x / s, i = y * width + x;
                if (damaged[i] != 0) { bad[b] = true; continue; }
                for (int c = 0; c < 3; c++) sum[b * 3 + c] += rgba[i * 4 + c];
                mr += rgba[i * 4]; mg += rgba[i * 4 + 1]; mb += rgba[i * 4 + 2]; count++;
            }
        var guide = (byte[])rgba.Clone();
        if (!bad.Contains(true))
            return guide;
        var sources = new List<int>();
        for (int i = 0; i < n; i++)
        {
            bool clean = true;
            for (int dy = -r; dy <= r; dy++)
                for (int dx = -r; dx <= r; dx++)
                    clean &= !bad[Mod(i / lw + dy, lh) * lw + Mod(i % lw + dx, lw)];
            if (clean) sources.Add(i);
        }
        if (sources.Count == 0)
        {
            byte Round(long v) => count == 0 ? (byte)128 : (byte)Math.Round((double)v / count, MidpointRounding.ToEven);
            for (int i = 0; i < width * height; i++)
                if (damaged[i] != 0) { guide[i * 4] = Round(mr); guide[i * 4 + 1] = Round(mg); guide[i * 4 + 2] = Round(mb); guide[i * 4 + 3] = 255; }
            return guide;
        }
        // Rings: chessboard distance to the intact blocks, wrapped (breadth-first).
        var ring = new int[n];
        var queue = new Queue<int>();
        for (int i = 0; i < n; i++) { ring[i] = bad[i] ? -1 : 0; if (!bad[i]) queue.Enqueue(i); }
        while (queue.Count > 0)
        {
            int i = queue.Dequeue();
            for (int dy = -1; dy <= 1; dy++)
                for (int dx = -1; dx <= 1; dx++)
                {
                    int j = Mod(i / lw + dy, lh) * lw + Mod(i % lw + dx, lw);
                    if (ring[j] < 0) { ring[j] = ring[i] + 1; queue.Enqueue(j); }
                }
        }
        var known = bad.Select(b => !b).ToArray();
        var choice = Enumerable.Repeat(-1, n).ToArray();
        var scanned = step == 1 ? sources : sources.Where(q => q % lw % step == 0 && q / lw % step == 0).ToList();
        if (scanned.Count == 0)
            scanned = sources;
        for (int k = 1; k <= ring.Max(); k++)
        {
            var targets = Enumerable.Range(0, n).Where(i => ring[i] == k).ToList();
            int half = targets.Count >= 2 ? targets.Count / 2 : targets.Count;
            for (int at = 0; at < targets.Count; at++)
            {
                int t = targets[at], segmentStart = at < half ? 0 : half;
                long Distance(int q)
                {
                    long d = 0;
                    for (int dy = -r; dy <= r; dy++)
                        for (int dx = -r; dx <= r; dx++)
                        {
                            int a = Mod(t / lw + dy, lh) * lw + Mod(t % lw + dx, lw);
                            if (!known[a]) continue;
                            int b = Mod(q / lw + dy, lh) * lw + Mod(q % lw + dx, lw);
                            for (int c = 0; c < 3; c++) d += (sum[a * 3 + c] - sum[b * 3 + c]) * (sum[a * 3 + c] - sum[b * 3 + c]);
                        }
                    return d;
                }
                long bestDistance = long.MaxValue;
                foreach (int q in scanned)
                {
                    long d = Distance(q);
                    if (d < bestDistance) { bestDistance = d; choice[t] = q; }
                }
                if (step == 1)
                    continue;
                // the choices of neighbours from earlier rings, and from this ring's half before t, continued to t
                for (int dy = -1; dy <= 1; dy++)
                    for (int dx = -1; dx <= 1; dx++)
                    {
                        int nb = Mod(t / lw + dy, lh) * lw + Mod(t % lw + dx, lw);
                        bool earlierRing = ring[nb] >= 1 && ring[nb] < k;
                        int nbAt = ring[nb] == k ? targets.IndexOf(nb) : -1;
                        if ((dx == 0 && dy == 0) || !(earlierRing || (nbAt >= segmentStart && nbAt < at))) continue;
                        int q = choice[nb], cand = Mod(q / lw - dy, lh) * lw + Mod(q % lw - dx, lw);
                        if (!sources.Contains(cand)) continue;
                        long d = Distance(cand);
                        if (d < bestDistance) { bestDistance = d; choice[t] = cand; }
                    }
                // then the winner's eight neighbours
                int wx = choice[t] % lw, wy = choice[t] / lw;
                for (int dy = -1; dy <= 1; dy++)
                    for (int dx = -1; dx <= 1; dx++)
                    {
                        int q = Mod(wy + dy, lh) * lw + Mod(wx + dx, lw);
                        if ((dx == 0 && dy == 0) || !sources.Contains(q)) continue;
                        long d = Distance(q);
                        if (d < bestDistance) { bestDistance = d; choice[t] = q; }
                    }
            }
            foreach (int t in targets)
            {
                for (int c = 0; c < 3; c++) sum[t * 3 + c] = sum[choice[t] * 3 + c];
                known[t] = true;
            }
        }
        for (int y = 0; y < height; y++)
            for (int x = 0; x < width; x++)
            {
                if (damaged[y * width + x] == 0) continue;
                int t = (y / s) * lw + x / s, q = choice[t];
                int sx = Mod(x + s * (q % lw - x / s), width), sy = Mod(y + s * (q / lw - y / s), height);
                Array.Copy(rgba, (sy * width + sx) * 4, guide, (y * width + x) * 4, 4);
            }
        return guide;
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

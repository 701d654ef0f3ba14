using NUnit.Framework;
using TexturePlugin.Core.Repair;
using TexturePlugin.Core.Repair.Structure;

namespace TexturePlugin.Core.Tests.Repair;

/// <summary>
/// The structure fill against a plain transcription of its specification (ARCHITECTURE.md, "The structure fill"):
/// the same offsets, in the same order, and the same label for every cell, on random, regular and wrapping cases.
/// </summary>
public class StructureFillTests
{
    private static readonly StructureOptions Small = StructureOptions.Default with { Offsets = 8, Reach = 40, Surround = 16, Sweeps = 2 };

    private static IEnumerable<TestCaseData> Cases()
    {
        // (size, hole x, y, w, h, regular texture, options)
        yield return new TestCaseData(64, 20, 24, 16, 12, false, 0).SetName("Random texture, a 16x12 hole");
        yield return new TestCaseData(96, 30, 30, 24, 24, true, 0).SetName("Rivet grid, a 24x24 hole");
        yield return new TestCaseData(96, 84, 40, 20, 20, true, 0).SetName("Rivet grid, a hole across the wrap-around");
        yield return new TestCaseData(64, 8, 8, 40, 40, false, 1).SetName("Random texture, a hole bigger than the reach, default options");
        yield return new TestCaseData(80, 16, 16, 9, 30, true, 2).SetName("Rivet grid, cells of 4, no sweeps");
    }

    private static StructureOptions Options(int which) => which switch
    {
        0 => Small,
        1 => StructureOptions.Default,
        _ => Small with { Cell = 4, Sweeps = 0, Rim = 1, Refine = 1, StatisticsStep = 1, RefineStep = 2, MaxPositions = 100, MaxPixels = 300, Feather = 0 },
    };

    [TestCaseSource(nameof(Cases))]
    public void OffsetsAndLabelsMatchAPlainTranscriptionOfTheSpecification(int size, int hx, int hy, int hw, int hh, bool regular, int which)
    {
        StructureOptions o = Options(which);
        byte[] rgba = regular ? RivetGrid(size, size, 16, 3) : Noise(size, size, size + hx);
        byte[] damaged = new byte[size * size];
        for (int y = hy; y < hy + hh; y++)
            for (int x = hx; x < hx + hw; x++)
                damaged[(y % size) * size + x % size] = 1;
        var fill = new OffsetFill(o);
        byte[] target = new byte[size * size];
        Assert.That(fill.Target(damaged, size, size, target), Is.GreaterThan(0));
        var copy = new byte[size * size * 4];
        var has = new byte[size * size];
        fill.FindOffsets(rgba, damaged, size, size, new TileRect(hx, hy, hw, hh));
        fill.Copy(rgba, damaged, size, size, new TileRect(0, 0, size, size), target, copy, has);

        List<(int, int)> expected = PlainSpecification.Offsets(rgba, damaged, size, size, (hx, hy, hw, hh), o);
        Assert.That(fill.Offsets.ToArray(), Is.EqualTo(expected.ToArray()), "offsets");
        Assert.That(expected, Is.Not.Empty);
        int[] labels = PlainSpecification.Labels(rgba, damaged, target, size, size, expected, o);
        Assert.That(fill.Labels.ToArray(), Is.EqualTo(labels), "labels");

        // the copy: the mean of what the labelled cells within Feather px copy to the pixel from intact sources
        int h0 = o.Cell / 2, cells = size / o.Cell;
        int LabelAt(int x, int y) => labels[((y - h0) % size + size) % size / o.Cell * cells + ((x - h0) % size + size) % size / o.Cell];
        int copied = 0;
        for (int i = 0; i < size * size; i++)
        {
            if (target[i] == 0)
                continue;
            int y = i / size, x = i % size;
            var sources = new List<int>();
            for (int dy = -o.Feather; dy <= o.Feather; dy++)
                for (int dx = -o.Feather; dx <= o.Feather; dx++)
                {
                    int label = LabelAt(x + dx, y + dy);
                    if (label < 0)
                        continue;
                    var (oy, ox) = expected[label];
                    int q = ((y + oy) % size + size) % size * size + ((x + ox) % size + size) % size;
                    if (damaged[q] == 0)
                        sources.Add(q);
                }
            Assert.That(has[i], Is.EqualTo(sources.Count > 0 ? 1 : 0), $"has at ({x}, {y})");
            if (sources.Count == 0)
                continue;
            copied++;
            for (int ch = 0; ch < 4; ch++)
            {
                int sum = sources.Sum(q => rgba[q * 4 + ch]);
                Assert.That(copy[i * 4 + ch], Is.EqualTo((sum + sources.Count / 2) / sources.Count), $"copy at ({x}, {y}), channel {ch}");
            }
        }
        Assert.That(copied, Is.GreaterThan(0));
    }

    [Test]
    public void ThinScratchesAreLeftToTheNetworkAndDeepHolesAreFilled()
    {
        const int size = 64;
        var fill = new OffsetFill(StructureOptions.Default);
        byte[] damaged = new byte[size * size], target = new byte[size * size];
        for (int x = 0; x < size; x++)
            for (int w = 0; w < 5; w++)
                damaged[(10 + w) * size + x] = 1;    // a scratch 5 px wide
        Assert.That(fill.Target(damaged, size, size, target), Is.EqualTo(0), "a 5 px scratch is not deep at depth 4");
        for (int y = 30; y < 50; y++)
            for (int x = 20; x < 44; x++)
                damaged[y * size + x] = 1;
        int n = fill.Target(damaged, size, size, target);
        Assert.That(n, Is.EqualTo(20 * 24), "every pixel of the hole, and nothing of the scratch");
        Assert.That(target[12 * size + 5], Is.EqualTo(0));
        Assert.That(target[30 * size + 20], Is.EqualTo(1), "the hole's corner");
    }

    [Test]
    public void AnOptionOutOfRangeIsRefusedWithItsName()
    {
        Assert.That(() => new OffsetFill(StructureOptions.Default with { Cell = 0 }),
            Throws.InstanceOf<ArgumentOutOfRangeException>().With.Message.Contains("Cell"));
        Assert.That(() => new OffsetFill(StructureOptions.Default with { Sigma = -1 }),
            Throws.InstanceOf<ArgumentOutOfRangeException>().With.Message.Contains("Sigma"));
    }

    /// <summary>
    /// Grey noise with a bright 3x3 rivet and dark seams on a grid of <paramref name="period"/> px. With
    /// <paramref name="periodicNoise"/> the noise repeats with the grid too, so every copy along a multiple of the period is
    /// exact.
    /// </summary>
    internal static byte[] RivetGrid(int width, int height, int period, int seed, bool periodicNoise = false)
    {
        var rng = new Random(seed);
        var cellNoise = Enumerable.Range(0, period * period).Select(_ => rng.Next(25)).ToArray();
        var rgba = new byte[width * height * 4];
        for (int y = 0; y < height; y++)
            for (int x = 0; x < width; x++)
            {
                int px = x % period, py = y % period;
                bool rivet = Math.Abs(px - period / 2) <= 1 && Math.Abs(py - period / 2) <= 1;
                int v = rivet ? 230 : 90 + (periodicNoise ? cellNoise[py * period + px] : rng.Next(25)) + (px == 0 || py == 0 ? -40 : 0);
                int i = (y * width + x) * 4;
                rgba[i] = (byte)v;
                rgba[i + 1] = (byte)(v - 10);
                rgba[i + 2] = (byte)(v - 20);
                rgba[i + 3] = 255;
            }
        return rgba;
    }

    private static byte[] Noise(int width, int height, int seed)
    {
        var rgba = new byte[width * height * 4];
        new Random(seed).NextBytes(rgba);
        return rgba;
    }
}

using NUnit.Framework;
using TexturePlugin.Core.Imaging;
using TexturePlugin.Core.Inference;
using TexturePlugin.Core.Models;
using TexturePlugin.Core.Repair;

namespace TexturePlugin.Core.Tests.Repair;

public class RepairEngineTests
{
    private RepairEngine _guided = null!;
    private RepairEngine _local = null!;

    [OneTimeSetUp]
    public void Open()
    {
        var config = new SessionConfig { Provider = ExecutionProviderKind.Cpu, IntraOpThreads = 1 };
        _guided = RepairEngine.Open(ModelManifest.Load(EngineFixtures.Path2("engines", "fixture_repair.json")), config);
        _local = RepairEngine.Open(ModelManifest.Load(EngineFixtures.Path2("engines", "fixture_local.json")), config);
    }

    [OneTimeTearDown]
    public void Close()
    {
        _guided.Dispose();
        _local.Dispose();
    }

    private static DamageMask Spots(int w, int h, int seed, int count, int size)
    {
        var mask = new DamageMask(w, h);
        var rng = new Random(seed);
        for (int i = 0; i < count; i++)
            mask.FillRect(rng.Next(w), rng.Next(h), rng.Next(1, size), rng.Next(1, size));
        return mask;
    }

    [Test]
    public void DirtyTilesCoveringMostOfATextureGiveWayToOneWholeTexturePass()
    {
        RgbaImage image = EngineFixtures.Pattern(256, 256, 8);
        var scratches = new DamageMask(256, 256);
        for (int k = 0; k < 5; k++)
        {
            scratches.FillRect(20 + 50 * k, 10, 3, 90);
            scratches.FillRect(10, 140 + 22 * k, 100, 2);
            scratches.FillRect(150, 130 + 25 * k, 90, 3);
        }
        double share = _guided.WholeTextureShare;
        try
        {
            _guided.WholeTextureShare = double.PositiveInfinity;
            IReadOnlyList<TileRect> tiles = _guided.RepairInPlace(image.Clone(), scratches).ToList();
            Assert.That(tiles, Has.Count.GreaterThan(1));
            Assert.That(tiles.Sum(t => t.Area), Is.GreaterThanOrEqualTo(0.75 * 256 * 256), "the tiles should cover most of the texture");
            _guided.WholeTextureShare = 0.75;
            RgbaImage result = image.Clone();
            IReadOnlyList<TileRect> ran = _guided.RepairInPlace(result, scratches);
            Assert.That(ran, Is.EqualTo(new[] { new TileRect(0, 0, 256, 256) }));
            Assert.That(result.Pixels, Is.EqualTo(_guided.Repair(image, scratches, dirtyTilesOnly: false).Pixels), "the whole-texture pass");
            // A texture whose damage covers little keeps its tiles.
            var spot = new DamageMask(256, 256);
            spot.FillRect(100, 100, 10, 10);
            Assert.That(_guided.RepairInPlace(image.Clone(), spot).Single().Area, Is.LessThan(256 * 256));
            Assert.Throws<ArgumentOutOfRangeException>(() => _guided.WholeTextureShare = 0);
        }
        finally
        {
            _guided.WholeTextureShare = share;
        }
    }

    [Test]
    public void IntactPixelsComeBackBitExact()
    {
        RgbaImage image = EngineFixtures.Pattern(160, 96, 2);
        DamageMask mask = Spots(160, 96, 1, 12, 10);
        mask.FillRect(150, 0, 10, 96);    // across the right edge too
        RgbaImage repaired = _guided.Repair(image, mask);
        Assert.That(ChangedDamagedPixels(repaired, image, mask, ""), Is.GreaterThan(mask.CountDamaged() / 2), "the damaged pixels were not repaired");
    }

    /// <summary>Asserts every intact pixel of <paramref name="result"/> equals <paramref name="reference"/>'s; returns how many damaged ones differ.</summary>
    private static int ChangedDamagedPixels(RgbaImage result, RgbaImage reference, DamageMask mask, string what)
    {
        int changed = 0;
        for (int i = 0; i < mask.Bits.Length; i++)
        {
            bool same = result.Pixels.AsSpan(i * 4, 4).SequenceEqual(reference.Pixels.AsSpan(i * 4, 4));
            if (mask.Bits[i] == 0)
                Assert.That(same, Is.True, $"{what}intact pixel ({i % mask.Width}, {i / mask.Width}) changed");
            else if (!same)
                changed++;
        }
        return changed;
    }

    [Test]
    public void AGuideWindowKeepsIntactPixelsExactAndChangesOnlyDamagedOnes()
    {
        RgbaImage image = EngineFixtures.Pattern(320, 256, 6);
        DamageMask mask = Spots(320, 256, 3, 10, 14);
        mask.FillRect(312, 250, 12, 10);   // across both seams
        (int margin, int context, int quantum) = (_guided.Margin, _guided.GuideContext, _guided.TileQuantum);
        try
        {
            _guided.Margin = 16;
            _guided.TileQuantum = 16;
            _guided.GuideContext = 0;
            RgbaImage bare = _guided.Repair(image, mask);
            foreach (int window in new[] { 64, 1000 })   // 1000: clamped to the texture
            {
                _guided.GuideContext = window;
                RgbaImage windowed = _guided.Repair(image, mask);
                ChangedDamagedPixels(windowed, image, mask, $"context {window}: ");
                int differ = ChangedDamagedPixels(windowed, bare, mask, $"context {window} vs none: ");
                Assert.That(differ, Is.GreaterThan(0), $"context {window}: the guide window changed nothing");
            }
            Assert.That(() => _guided.GuideContext = -1, Throws.InstanceOf<ArgumentOutOfRangeException>());
        }
        finally
        {
            (_guided.Margin, _guided.GuideContext, _guided.TileQuantum) = (margin, context, quantum);
        }
    }

    [Test]
    public void AGuideStepSearchesTheWindowDifferentlyAndStillKeepsIntactPixelsExact()
    {
        RgbaImage image = EngineFixtures.Pattern(320, 256, 6);
        DamageMask mask = Spots(320, 256, 3, 10, 14);
        (int margin, int context, int quantum, int step) = (_guided.Margin, _guided.GuideContext, _guided.TileQuantum, _guided.GuideStep);
        Assert.That(step, Is.EqualTo(_guided.Manifest.GuideStep), "the default is the manifest's");
        try
        {
            (_guided.Margin, _guided.TileQuantum, _guided.GuideContext) = (16, 16, 64);
            _guided.GuideStep = 1;
            RgbaImage every = _guided.Repair(image, mask);
            _guided.GuideStep = 2;
            RgbaImage stepped = _guided.Repair(image, mask);
            ChangedDamagedPixels(stepped, image, mask, "step 2: ");
            Assert.That(ChangedDamagedPixels(stepped, every, mask, "step 2 vs 1: "), Is.GreaterThan(0), "the step changed nothing");
            Assert.That(_guided.Repair(image, mask).Pixels, Is.EqualTo(stepped.Pixels), "step 2 again");
            Assert.That(() => _guided.GuideStep = 0, Throws.InstanceOf<ArgumentOutOfRangeException>());
            Assert.That(() => _guided.GuideStep = CoarseGuide.MaxSourceStep + 1, Throws.InstanceOf<ArgumentOutOfRangeException>());
        }
        finally
        {
            (_guided.Margin, _guided.GuideContext, _guided.TileQuantum, _guided.GuideStep) = (margin, context, quantum, step);
        }
    }

    [Test]
    public void DirtyTileRepairEqualsFullImageRepair()
    {
        // fixture_local sees only 2 pixels around each output pixel and no guide, so wherever a tile and the
        // whole texture see the same mask around a pixel the results must agree (ONNX Runtime may round the last
        // float bits differently for other tensor sizes: at most one 8-bit level).
        RgbaImage image = EngineFixtures.Pattern(256, 192, 3);
        DamageMask mask = Spots(256, 192, 4, 6, 8);
        mask.FillRect(0, 100, 3, 5);
        mask.FillRect(253, 100, 3, 5);   // one hole across the left/right seam
        RgbaImage tiled = _local.Repair(image, mask, dirtyTilesOnly: true);
        RgbaImage whole = _local.Repair(image, mask, dirtyTilesOnly: false);
        int maxDiff = EngineFixtures.MaxDiff(tiled, whole);
        Assert.That(maxDiff, Is.LessThanOrEqualTo(1));
        Assert.That(tiled.Pixels, Is.Not.EqualTo(image.Pixels));
    }

    [Test]
    public void TileQuantumSetsTheTileSidesAndTheResultStillEqualsAWholePass()
    {
        RgbaImage image = EngineFixtures.Pattern(256, 192, 5);
        DamageMask mask = Spots(256, 192, 6, 5, 8);
        RgbaImage whole = _local.Repair(image, mask, dirtyTilesOnly: false);
        Assert.That(_local.TileQuantum, Is.EqualTo(RepairEngine.DefaultTileQuantum));
        try
        {
            foreach (int quantum in new[] { 8, 16, 64 })
            {
                _local.TileQuantum = quantum;
                Assert.That(_local.Multiple % quantum, Is.EqualTo(0));
                RgbaImage work = image.Clone();
                var tiles = _local.RepairInPlace(work, mask).ToList();
                Assert.That(tiles.All(t => t.Width % quantum == 0 && t.Height % quantum == 0), Is.True, $"quantum {quantum}: {string.Join(", ", tiles)}");
                int maxDiff = EngineFixtures.MaxDiff(work, whole);
                Assert.That(maxDiff, Is.LessThanOrEqualTo(1), $"quantum {quantum}");
            }
            Assert.That(() => _local.TileQuantum = 0, Throws.InstanceOf<ArgumentOutOfRangeException>());
        }
        finally
        {
            _local.TileQuantum = RepairEngine.DefaultTileQuantum;
        }
    }

    [Test]
    public void OverlappingTilesWriteEachDamagedPixelFromATileThatSeesItsWholeContext()
    {
        RgbaImage image = EngineFixtures.Pattern(192, 192, 7);
        var mask = new DamageMask(192, 192);
        mask.FillRect(40, 40, 4, 4);
        mask.FillRect(70, 70, 4, 4);   // its tile contains the first cluster, but too close to its edge to own it
        _local.Margin = 24;
        try
        {
            RgbaImage work = image.Clone();
            var tiles = _local.RepairInPlace(work, mask).ToList();
            Assert.That(tiles, Has.Count.EqualTo(2), string.Join(", ", tiles));
            RgbaImage whole = _local.Repair(image, mask, dirtyTilesOnly: false);
            int maxDiff = EngineFixtures.MaxDiff(work, whole);
            Assert.That(maxDiff, Is.LessThanOrEqualTo(1));
        }
        finally
        {
            _local.Margin = _local.Manifest.ReceptiveField;
        }
    }

    [Test]
    public void RegionRepairTouchesOnlyTheStroke()
    {
        RgbaImage image = EngineFixtures.Pattern(256, 256, 5);
        var mask = new DamageMask(256, 256);
        mask.FillRect(20, 20, 6, 6);
        mask.FillRect(200, 180, 5, 9);
        RgbaImage live = image.Clone();
        var tiles = _guided.RepairRegion(live, mask, new TileRect(195, 175, 20, 20));
        Assert.That(tiles, Has.Count.EqualTo(1));
        Assert.That(tiles[0].Area, Is.LessThan(256 * 256 / 4));
        Assert.That(live.Pixel(22, 22).ToArray(), Is.EqualTo(image.Pixel(22, 22).ToArray()), "damage outside the stroke was touched");
        RgbaImage full = _guided.Repair(image, mask);
        for (int y = 180; y < 189; y++)
            for (int x = 200; x < 205; x++)
                Assert.That(live.Pixel(x, y).ToArray(), Is.EqualTo(full.Pixel(x, y).ToArray()), $"({x}, {y})");
    }

    [Test]
    public void MakeTileableLowersTheSeamRatio()
    {
        // A texture that does not tile: a left-to-right ramp with grain.
        var image = new RgbaImage(128, 128);
        var rng = new Random(8);
        for (int y = 0; y < 128; y++)
            for (int x = 0; x < 128; x++)
            {
                Span<byte> p = image.Pixel(x, y);
                int v = x + y / 2 + rng.Next(-12, 13) + 40;
                p[0] = (byte)Math.Clamp(v, 0, 255);
                p[1] = (byte)Math.Clamp(v / 2 + 50, 0, 255);
                p[2] = (byte)Math.Clamp(200 - v / 2, 0, 255);
                p[3] = 255;
            }
        double before = SeamMetrics.SeamRatio(image);
        RgbaImage seamless = _guided.MakeTileable(image);
        double after = SeamMetrics.SeamRatio(seamless);
        TestContext.Out.WriteLine($"seam ratio {before:F2} -> {after:F2}");
        Assert.That(after, Is.LessThan(before * 0.5), $"seam ratio {before:F2} -> {after:F2}");
    }

    [Test]
    public void SteadyStateRepairInPlaceAllocatesLittle()
    {
        RgbaImage original = EngineFixtures.Pattern(256, 256, 9);
        DamageMask mask = Spots(256, 256, 10, 8, 12);
        RgbaImage work = original.Clone();
        _guided.RepairInPlace(work, mask);
        original.Pixels.CopyTo(work.Pixels, 0);
        _guided.RepairInPlace(work, mask);
        original.Pixels.CopyTo(work.Pixels, 0);
        long before = GC.GetAllocatedBytesForCurrentThread();
        _guided.RepairInPlace(work, mask);
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        // ONNX Runtime's managed Run wrapper allocates a few small objects per tile; nothing image-sized.
        Assert.That(allocated, Is.LessThan(16 * 1024), $"{allocated} bytes");
    }

    [Test]
    public void MaskOfAnotherSizeIsRejected()
    {
        RgbaImage image = EngineFixtures.Pattern(64, 64);
        Assert.That(() => _guided.Repair(image, new DamageMask(32, 64)),
            Throws.InstanceOf<TexturePluginException>().With.Message.Contains("32x64"));
    }

    [Test]
    public void SmallTexturesRepeatUpToTheModelMinimum()
    {
        RgbaImage image = EngineFixtures.Pattern(40, 24, 6);
        var mask = new DamageMask(40, 24);
        mask.FillRect(10, 10, 4, 4);
        RgbaImage repaired = _guided.Repair(image, mask);
        Assert.That(repaired.Pixel(0, 0).ToArray(), Is.EqualTo(image.Pixel(0, 0).ToArray()));
        Assert.That(repaired.Pixel(11, 11).ToArray(), Is.Not.EqualTo(new byte[] { 0, 0, 0, 0 }));
    }

    [Test]
    public void SizesThatAreNotMultiplesOfTheTileSizeRepairAcrossTheEdges()
    {
        RgbaImage image = EngineFixtures.Pattern(100, 90, 11);
        var mask = new DamageMask(100, 90);
        mask.FillRect(96, 40, 4, 6);    // at the right edge
        mask.FillRect(0, 86, 5, 4);     // bottom-left corner
        RgbaImage repaired = _guided.Repair(image, mask);
        for (int i = 0; i < 100 * 90; i++)
            if (mask.Bits[i] == 0)
                Assert.That(repaired.Pixels.AsSpan(i * 4, 4).SequenceEqual(image.Pixels.AsSpan(i * 4, 4)), Is.True);
        Assert.That(repaired.Pixel(98, 42).ToArray(), Is.Not.EqualTo(image.Pixel(98, 42).ToArray()));
        Assert.That(repaired.Pixel(2, 88).ToArray(), Is.Not.EqualTo(image.Pixel(2, 88).ToArray()));
    }

    [Test]
    public void LanesRepairTheSameBitsAsOneLane()
    {
        RgbaImage image = EngineFixtures.Pattern(320, 256, 13);
        DamageMask mask = Spots(320, 256, 21, 40, 24);
        RgbaImage one = null!;
        int tiles = 0;
        WithLanes(1, () =>
        {
            one = _guided.Repair(image, mask);
            tiles = _guided.RepairInPlace(image.Clone(), mask).Count;
        });
        Assert.That(tiles, Is.GreaterThan(2), "the damage should need several tiles");
        foreach (int lanes in new[] { 2, 3 })
            WithLanes(lanes, () =>
            {
                var reports = new List<double>();
                RgbaImage many = _guided.Repair(image, mask, progress: new SyncProgress(reports));
                Assert.That(many.Pixels, Is.EqualTo(one.Pixels), $"{lanes} lanes");
                Assert.That(reports, Has.Count.EqualTo(tiles));
                Assert.That(reports.Max(), Is.EqualTo(1.0));
            });
    }

    /// <summary>
    /// Runs <paramref name="body"/> with the guided engine set to <paramref name="lanes"/> and its dirty tiles kept even
    /// where they cover most of the texture (the lane tests need several tiles), then restores its defaults.
    /// </summary>
    private void WithLanes(int lanes, Action body)
    {
        int before = _guided.Lanes;
        double share = _guided.WholeTextureShare;
        _guided.Lanes = lanes;
        _guided.WholeTextureShare = double.PositiveInfinity;
        try
        {
            body();
        }
        finally
        {
            _guided.Lanes = before;
            _guided.WholeTextureShare = share;
        }
    }

    [Test]
    public void LanesDefaultToOnePerCoreOnlyForSingleThreadedRuns()
    {
        Assert.That(RepairEngine.PreferredConfig(null).IntraOpThreads, Is.EqualTo(1));
        Assert.That(RepairEngine.PreferredConfig(new SessionConfig { IntraOpThreads = 3 }).IntraOpThreads, Is.EqualTo(3));
        Assert.That(_guided.Lanes, Is.EqualTo(Math.Clamp(Environment.ProcessorCount, 1, RepairEngine.MaxLanes)));
        using LoadedModel threaded = ModelCatalog.LoadFile(EngineFixtures.Path2("engines", "fixture_repair.json"),
            new SessionConfig { Provider = ExecutionProviderKind.Cpu, IntraOpThreads = 2 });
        Assert.That(RepairEngine.DefaultLanes(threaded.Session), Is.EqualTo(1));
        Assert.Throws<ArgumentOutOfRangeException>(() => _guided.Lanes = 0);
        Assert.Throws<ArgumentOutOfRangeException>(() => _guided.Lanes = RepairEngine.MaxLanes + 1);
    }

    [Test]
    public void AFailingLaneStopsThePassAndTheErrorReachesTheCaller()
    {
        RgbaImage image = EngineFixtures.Pattern(320, 256, 17);
        DamageMask mask = Spots(320, 256, 5, 40, 24);
        WithLanes(2, () =>
        {
            using var cancel = new CancellationTokenSource();
            var progress = new SyncProgress(new List<double>(), cancel.Cancel);
            Assert.That(() => _guided.Repair(image, mask, progress: progress, cancellationToken: cancel.Token),
                Throws.InstanceOf<OperationCanceledException>());
            Assert.That(_guided.Repair(image, mask).Pixels, Is.Not.EqualTo(image.Pixels), "the engine works after a failed pass");
        });
    }

    /// <summary>Records reports synchronously (Progress&lt;T&gt; would post them to the thread pool).</summary>
    private sealed class SyncProgress : IProgress<double>
    {
        private readonly List<double> _reports;
        private readonly Action? _onFirst;

        public SyncProgress(List<double> reports, Action? onFirst = null)
        {
            _reports = reports;
            _onFirst = onFirst;
        }

        public void Report(double value)
        {
            _reports.Add(value);
            if (_reports.Count == 1)
                _onFirst?.Invoke();
        }
    }

    [Test]
    public void MasksFromAlphaAndKeyColour()
    {
        RgbaImage image = EngineFixtures.Pattern(16, 8);
        image.Pixel(3, 2)[3] = 0;
        image.Pixel(5, 5)[0] = 255; image.Pixel(5, 5)[1] = 0; image.Pixel(5, 5)[2] = 255;
        DamageMask alpha = MaskSources.FromAlpha(image);
        Assert.That(alpha.CountDamaged(), Is.EqualTo(1));
        Assert.That(alpha[3, 2], Is.True);
        var key = MaskSources.ParseKey("#FF00FF");
        DamageMask keyed = MaskSources.FromKey(image, key.R, key.G, key.B);
        Assert.That(keyed[5, 5], Is.True);
        Assert.That(() => MaskSources.ParseKey("FF00"), Throws.InstanceOf<TexturePluginException>());
    }
}

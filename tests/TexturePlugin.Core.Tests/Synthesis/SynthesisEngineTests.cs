using NUnit.Framework;
using TexturePlugin.Core.Imaging;
using TexturePlugin.Core.Inference;
using TexturePlugin.Core.Models;
using TexturePlugin.Core.Synthesis;
using TexturePlugin.Core.Tests.Repair;

namespace TexturePlugin.Core.Tests.Synthesis;

public class SynthesisEngineTests
{
    private SynthesisEngine _engine = null!;

    [OneTimeSetUp]
    public void Open()
    {
        ModelManifest manifest = ModelManifest.Load(EngineFixtures.Path2("engines", "fixture_synth.json"));
        _engine = SynthesisEngine.Open(manifest, new SessionConfig { Provider = ExecutionProviderKind.Cpu, IntraOpThreads = 1 });
    }

    [OneTimeTearDown]
    public void Close() => _engine.Dispose();

    [Test]
    public void TiledGenerationEqualsOnePassWithinOneLevel()
    {
        _engine.MaxTileSize = 1024;
        RgbaImage onePass = _engine.Generate(192, 128, seed: 5);
        _engine.MaxTileSize = 64;
        RgbaImage tiled = _engine.Generate(192, 128, seed: 5);
        _engine.MaxTileSize = 1024;
        AssertWithinTilingTolerance(onePass, tiled);
        // And the tiled texture still wraps: the fixture upsamples 8x (nearest), so compare the wrap-around column
        // with the other columns on noise-cell boundaries.
        AssertWrapLikeCellBoundaries(tiled);
    }

    /// <summary>
    /// The colour step across the wrap-around column is less than 1.3x the mean step across the other 8 px cell
    /// boundaries (the wrap-around is one of them: a texture that tiles has no larger step there).
    /// </summary>
    internal static void AssertWrapLikeCellBoundaries(RgbaImage tiled)
    {
        double Step(int x0) => Enumerable.Range(0, tiled.Height).Sum(y =>
            Enumerable.Range(0, 3).Sum(c => Math.Abs(tiled.Pixel((x0 + 1) % tiled.Width, y)[c] - tiled.Pixel(x0, y)[c])));
        double wrap = Step(tiled.Width - 1);
        double interior = Enumerable.Range(1, tiled.Width / 8 - 1).Average(k => Step(8 * k - 1));
        Assert.That(wrap, Is.LessThan(1.3 * interior), $"wrap {wrap}, interior cell boundaries {interior}");
    }

    [Test]
    public void ColourTablesMapEveryOutputByteAndLeaveAlpha()
    {
        // The fixture's manifest with tables (R halved, G unchanged, B to 255), beside a copy of its model file.
        string dir = Directory.CreateTempSubdirectory("texplug-lut-").FullName;
        try
        {
            string source = EngineFixtures.Path2("engines", "fixture_synth.json");
            string json = File.ReadAllText(source);
            string Table(Func<int, int> f) => "[" + string.Join(",", Enumerable.Range(0, 256).Select(f)) + "]";
            json = json.Insert(json.IndexOf('{') + 1, $"\"colour_lut\": [{Table(v => v / 2)},{Table(v => v)},{Table(v => 255)}],");
            File.WriteAllText(Path.Combine(dir, "fixture_synth.json"), json);
            File.Copy(Path.ChangeExtension(source, ".onnx"), Path.Combine(dir, "fixture_synth.onnx"));
            using var withLut = SynthesisEngine.Open(ModelManifest.Load(Path.Combine(dir, "fixture_synth.json")),
                new SessionConfig { Provider = ExecutionProviderKind.Cpu, IntraOpThreads = 1 });
            withLut.MaxTileSize = 64;   // tiles too: every tile's core is mapped once
            _engine.MaxTileSize = 64;
            RgbaImage plain = _engine.Generate(192, 128, seed: 9), mapped = withLut.Generate(192, 128, seed: 9);
            _engine.MaxTileSize = 1024;
            for (int i = 0; i < plain.Pixels.Length; i += 4)
            {
                Assert.That(mapped.Pixels[i], Is.EqualTo(plain.Pixels[i] / 2), $"R at byte {i}");
                Assert.That(mapped.Pixels[i + 1], Is.EqualTo(plain.Pixels[i + 1]), $"G at byte {i}");
                Assert.That(mapped.Pixels[i + 2], Is.EqualTo(255), $"B at byte {i}");
                Assert.That(mapped.Pixels[i + 3], Is.EqualTo(plain.Pixels[i + 3]), $"alpha at byte {i}");
            }
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    [Test]
    public void TilePlanCoversTheTextureOnceWithCellAlignedMargins()
    {
        var tiles = SynthesisTile.Plan(4096, 2048, 1024, 64, 8);
        Assert.That(tiles, Has.Count.EqualTo(8));
        Assert.That(tiles.Sum(t => (long)t.CoreWidth * t.CoreHeight), Is.EqualTo(4096L * 2048));
        Assert.That(tiles.All(t => t.MarginX == 64 && t.WindowWidth == 1024 + 128 && t.WindowX % 8 == 0), Is.True);
        var single = SynthesisTile.Plan(512, 512, 1024, 64, 8);
        Assert.That(single, Has.Count.EqualTo(1));
        Assert.That(single[0].MarginX, Is.EqualTo(0));
    }

    [Test]
    public void SameSeedSameBitsOtherSeedOtherTexture()
    {
        RgbaImage a = _engine.Generate(64, 64, seed: 11);
        RgbaImage b = _engine.Generate(64, 64, seed: 11);
        RgbaImage c = _engine.Generate(64, 64, seed: 12);
        Assert.That(b.Pixels, Is.EqualTo(a.Pixels));
        Assert.That(c.Pixels, Is.Not.EqualTo(a.Pixels));
    }

    [Test]
    public void VariantsUseConsecutiveSeeds()
    {
        var variants = _engine.Variants(64, 64, 1, 3).ToList();
        Assert.That(variants.Select(v => v.Seed), Is.EqualTo(new[] { 1, 2, 3 }));
        Assert.That(variants[1].Image.Pixels, Is.EqualTo(_engine.Generate(64, 64, 2).Pixels));
    }

    [Test]
    public void AnimationMovesSmoothlyAndStartsAtTheStillTexture()
    {
        RgbaImage still = _engine.Generate(64, 64, seed: 3);
        RgbaImage t0 = _engine.Generate(64, 64, seed: 3, time: 0);
        RgbaImage small = _engine.Generate(64, 64, seed: 3, time: 0.02);
        RgbaImage far = _engine.Generate(64, 64, seed: 3, time: 1.0);
        Assert.That(t0.Pixels, Is.EqualTo(still.Pixels));
        double stepSmall = MeanAbs(still, small), stepFar = MeanAbs(still, far);
        Assert.That(stepSmall, Is.GreaterThan(0));
        Assert.That(stepSmall, Is.LessThan(stepFar / 5), $"0.02 step {stepSmall:F2}, 1.0 step {stepFar:F2}");
    }

    [Test]
    public void AnimationFramesDoNotDependOnWhatCameBefore()
    {
        // Frames blend cached neighbouring slices; the cache must never leak one frame's history into another.
        using var fresh = SynthesisEngine.Open(_engine.Manifest, new SessionConfig { Provider = ExecutionProviderKind.Cpu, IntraOpThreads = 1 });
        RgbaImage expected = fresh.Generate(128, 64, seed: 6, time: 2.3);
        foreach (double t in new[] { 0.4, 1.3, 2.9, 3.1, 7.5, 2.3 })
            _engine.Generate(128, 64, seed: 6, time: t);
        Assert.That(_engine.Generate(128, 64, seed: 6, time: 2.3).Pixels, Is.EqualTo(expected.Pixels));
        Assert.That(_engine.Generate(128, 64, seed: 7, time: 2.3).Pixels, Is.Not.EqualTo(expected.Pixels));
    }

    [Test]
    public void RepeatedAndInterleavedRequestsEqualAFreshEngine()
    {
        // A still window the runner's input already holds is not filled again: any other request (animation frame,
        // other seed, other slice, other tile of the same window size) must fill it, and repeating must not change bits.
        var requests = new (int Size, int Seed, double Time, int MaxTile)[]
        {
            (128, 9, 0, 1024), (128, 9, 0, 1024), (128, 9, 0.5, 1024), (128, 9, 0, 1024), (128, 10, 0, 1024),
            (128, 9, 0, 1024), (128, 9, 1, 1024), (128, 9, 0, 1024), (64, 9, 0, 1024), (128, 9, 0, 1024),
            (128, 9, 0, 64), (128, 9, 0, 64), (128, 10, 0, 64), (128, 9, 0, 1024),
        };
        try
        {
            foreach (var (size, seed, time, maxTile) in requests)
            {
                // A new engine per request has no history to reuse.
                using var fresh = SynthesisEngine.Open(_engine.Manifest, new SessionConfig { Provider = ExecutionProviderKind.Cpu, IntraOpThreads = 1 });
                fresh.MaxTileSize = maxTile;
                byte[] expected = fresh.Generate(size, size, seed, time).Pixels;
                _engine.MaxTileSize = maxTile;
                var target = new RgbaImage(size, size);
                _engine.GenerateInto(target, seed, time);
                Assert.That(target.Pixels, Is.EqualTo(expected), $"{size}^2 seed {seed} time {time} tiles up to {maxTile}");
                if (maxTile < size)
                {
                    // Tiles sharing one runner each need their own window: within one level of a single pass (see above).
                    _engine.MaxTileSize = 1024;
                    byte[] onePass = _engine.Generate(size, size, seed, time).Pixels;
                    Assert.That(onePass.Zip(target.Pixels, (a, b) => Math.Abs(a - b)).Max(), Is.LessThanOrEqualTo(1));
                }
            }
        }
        finally
        {
            _engine.MaxTileSize = 1024;
        }
    }

    [Test]
    public void AnimationFramesAllocateLittleAndTilesStillAgree()
    {
        var target = new RgbaImage(192, 128);
        _engine.MaxTileSize = 64;
        try
        {
            _engine.GenerateInto(target, 4, 0.10);
            _engine.GenerateInto(target, 4, 0.15);
            long before = GC.GetAllocatedBytesForCurrentThread();
            _engine.GenerateInto(target, 4, 0.20);
            long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
            Assert.That(allocated, Is.LessThan(6 * 512), $"{allocated} bytes for 6 tiles");
        }
        finally
        {
            _engine.MaxTileSize = 1024;
        }
        RgbaImage onePass = _engine.Generate(192, 128, 4, 0.20);
        int maxDiff = EngineFixtures.MaxDiff(target, onePass);
        Assert.That(maxDiff, Is.LessThanOrEqualTo(1));
    }

    [Test]
    public void RejectsSizesTheModelCannotMake()
    {
        Assert.That(() => _engine.Generate(100, 64, 1), Throws.InstanceOf<TexturePluginException>().With.Message.Contains("100x64"));
        Assert.That(() => _engine.Generate(32, 32, 1), Throws.InstanceOf<TexturePluginException>().With.Message.Contains("64"));
    }

    [Test]
    public void SteadyStateGenerationAllocatesLittle()
    {
        var target = new RgbaImage(128, 128);
        _engine.GenerateInto(target, 9);
        _engine.GenerateInto(target, 9);
        long before = GC.GetAllocatedBytesForCurrentThread();
        _engine.GenerateInto(target, 9);
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        // ONNX Runtime's managed Run wrapper allocates a few small objects; no buffers of the image's size.
        Assert.That(allocated, Is.LessThan(16 * 1024), $"{allocated} bytes");
    }

    /// <summary>
    /// Tiles (or strips) against one pass: ONNX Runtime may pick other convolution kernels for other tensor sizes, so
    /// floats can differ in the last bits; after rounding to 8 bits at most one level, on at most 0.1 % of the values.
    /// </summary>
    internal static void AssertWithinTilingTolerance(RgbaImage onePass, RgbaImage tiled)
    {
        var (maxDiff, differing) = EngineFixtures.Diff(onePass, tiled);
        Assert.That(maxDiff, Is.LessThanOrEqualTo(1), $"{differing} values differ");
        Assert.That(differing, Is.LessThanOrEqualTo(onePass.Pixels.Length / 1000));
    }

    internal static double MeanAbs(RgbaImage a, RgbaImage b)
    {
        long sum = 0;
        for (int i = 0; i < a.Pixels.Length; i++)
            sum += Math.Abs(a.Pixels[i] - b.Pixels[i]);
        return (double)sum / a.Pixels.Length;
    }

    [Test]
    public void Preferred_config_runs_one_thread_per_run_only_when_threads_are_left_automatic()
    {
        var automatic = new SessionConfig { Provider = ExecutionProviderKind.Cpu };
        SessionConfig preferred = SynthesisEngine.PreferredConfig(automatic);
        Assert.That(preferred.IntraOpThreads, Is.EqualTo(1));
        Assert.That(preferred.Provider, Is.EqualTo(ExecutionProviderKind.Cpu));
        Assert.That(automatic.IntraOpThreads, Is.EqualTo(0), "the caller's config is not changed");
        Assert.That(SynthesisEngine.PreferredConfig(new SessionConfig { IntraOpThreads = 3 }).IntraOpThreads, Is.EqualTo(3));
        Assert.That(SynthesisEngine.PreferredConfig(null).IntraOpThreads, Is.EqualTo(1));
        // one lane per core for single-threaded runs
        Assert.That(_engine.Lanes, Is.EqualTo(Math.Clamp(Environment.ProcessorCount, 1, SynthesisEngine.MaxLanes)));
        Assert.That(() => _engine.Lanes = 0, Throws.InstanceOf<ArgumentOutOfRangeException>());
    }

    [Test]
    public void LanesCutTexturesIntoStripsOnlyWhereEachKeepsFourMargins()
    {
        var strips = SynthesisTile.Plan(512, 512, 1024, 48, 8, parts: 2);
        Assert.That(strips, Has.Count.EqualTo(2));
        Assert.That(strips.All(t => t.CoreWidth == 512 && t.CoreHeight == 256 && t.MarginX == 0 && t.MarginY == 48 && t.WindowHeight == 352), Is.True);
        Assert.That(strips.Sum(t => (long)t.CoreWidth * t.CoreHeight), Is.EqualTo(512L * 512));
        Assert.That(SynthesisTile.Plan(256, 256, 1024, 48, 8, parts: 2), Has.Count.EqualTo(1), "128-row strips would be under 4 margins");
        Assert.That(SynthesisTile.Plan(2048, 2048, 1024, 48, 8, parts: 2), Has.Count.EqualTo(4), "already enough tiles");
        Assert.That(SynthesisTile.Plan(1024, 1024, 1024, 48, 8, parts: 4), Has.Count.EqualTo(4));
    }

    [Test]
    public void LanesEqualOneLaneWithinTheTilingToleranceAndRepeatBitForBit()
    {
        int lanes = _engine.Lanes;
        try
        {
            _engine.Lanes = 1;
            RgbaImage one = _engine.Generate(192, 128, seed: 6, time: 0.3);
            _engine.Lanes = 2;
            RgbaImage two = _engine.Generate(192, 128, seed: 6, time: 0.3);
            RgbaImage again = _engine.Generate(192, 128, seed: 6, time: 0.3);
            Assert.That(again.Pixels, Is.EqualTo(two.Pixels), "same seed, same lanes: same bits");
            AssertWithinTilingTolerance(one, two);
            using var cancelled = new CancellationTokenSource();
            cancelled.Cancel();
            Assert.That(() => _engine.Generate(192, 128, 6, 0, null, cancelled.Token), Throws.InstanceOf<OperationCanceledException>());
            RgbaImage after = _engine.Generate(192, 128, seed: 6, time: 0.3);
            Assert.That(after.Pixels, Is.EqualTo(two.Pixels), "a cancelled call leaves the lanes usable");
        }
        finally
        {
            _engine.Lanes = lanes;
        }
    }
}

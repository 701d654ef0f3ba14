using NUnit.Framework;
using TexturePlugin.Core.Diagnostics;
using TexturePlugin.Core.Imaging;
using TexturePlugin.Core.Inference;
using TexturePlugin.Core.Models;
using TexturePlugin.Core.Repair;
using TexturePlugin.Core.Synthesis;
using TexturePlugin.Core.Tests.Repair;

namespace TexturePlugin.Core.Tests.ShippedModels;

/// <summary>
/// The engines' one-tile passes on every core (<c>OneTileOnAllCores</c>, a second ONNX Runtime session with two or more
/// intra-op threads), with the shipped models: the same bits as the single-threaded lanes, and taken only when the pass
/// is one tile and the threads were left automatic.
/// </summary>
[TestFixture]
public class OneTilePassTests
{
    private static ModelCatalog Catalog => ModelCatalog.Open(Path.Combine(TestPaths.RepoRoot, "models"));

    private static bool SeveralCores => Environment.ProcessorCount > 1;

    [Test]
    public void RepairOfOneTileGivesTheLanesBitsOnEveryCore()
    {
        using RepairEngine engine = RepairEngine.Open(Catalog.LoadManifest("repair"));
        RgbaImage image = EngineFixtures.Pattern(256, 256, 5);
        // long thin scratches across the texture: their tiles merge into one
        var scratches = new DamageMask(256, 256);
        for (int k = 0; k < 6; k++)
            scratches.FillRect(10 + 40 * k, 8 + 37 * k % 200, 3, 180);
        for (int k = 0; k < 4; k++)
            scratches.FillRect(16, 30 + 60 * k, 220, 2);

        engine.OneTileOnAllCores = false;
        RgbaImage lanes = engine.Repair(image, scratches);
        Assert.That(engine.OneTileSessionUsed, Is.False);
        engine.OneTileOnAllCores = true;
        Assert.That(engine.RepairInPlace(image.Clone(), scratches), Has.Count.EqualTo(1), "the scratches should make one tile");
        RgbaImage wide = engine.Repair(image, scratches);
        Assert.That(engine.OneTileSessionUsed, Is.EqualTo(SeveralCores));
        Assert.That(wide.Pixels, Is.EqualTo(lanes.Pixels));
        Assert.That(EngineFixtures.MaxDiff(wide, image), Is.GreaterThan(0), "the damage was repaired");
    }

    [Test]
    public void RepairOfSeveralTilesStaysOnTheLanes()
    {
        using RepairEngine engine = RepairEngine.Open(Catalog.LoadManifest("repair"));
        RgbaImage image = EngineFixtures.Pattern(512, 512, 6);
        var holes = new DamageMask(512, 512);
        holes.FillRect(40, 40, 20, 20);
        holes.FillRect(400, 380, 24, 16);
        Assert.That(engine.RepairInPlace(image.Clone(), holes), Has.Count.EqualTo(2));
        Assert.That(engine.OneTileSessionUsed, Is.False);
    }

    [Test]
    public void AModelFileGoneBeforeTheSecondSessionLeavesTheRepairOnItsLanesWithOneWarning()
    {
        if (!SeveralCores)
            Assert.Ignore("the one-tile session needs two or more processors");
        string dir = Directory.CreateTempSubdirectory("texplug-onetile-").FullName;
        try
        {
            foreach (string ext in new[] { ".json", ".onnx" })
                File.Copy(EngineFixtures.Path2("engines", "fixture_repair" + ext), Path.Combine(dir, "fixture_repair" + ext));
            var log = new ListLog();
            using RepairEngine engine = RepairEngine.Open(ModelManifest.Load(Path.Combine(dir, "fixture_repair.json")),
                new SessionConfig { Provider = ExecutionProviderKind.Cpu, Log = log });
            File.Delete(Path.Combine(dir, "fixture_repair.onnx"));   // the first session is open; a second cannot be
            RgbaImage image = EngineFixtures.Pattern(128, 128, 3);
            var mask = new DamageMask(128, 128);
            mask.FillRect(50, 50, 12, 12);
            RgbaImage first = engine.Repair(image, mask);
            RgbaImage second = engine.Repair(image, mask);
            Assert.That(engine.OneTileSessionUsed, Is.False);
            Assert.That(second.Pixels, Is.EqualTo(first.Pixels));
            Assert.That(EngineFixtures.MaxDiff(first, image), Is.GreaterThan(0), "the damage was repaired on the lanes");
            Assert.That(log.Lines.Count(l => l.Level == TextureLogLevel.Warning && l.Message.Contains("one-tile passes stay")), Is.EqualTo(1), string.Join("\n", log.Lines));
        }
        finally
        {
            Directory.Delete(dir, true);
        }
    }

    private sealed class ListLog : ITextureLog
    {
        public List<(TextureLogLevel Level, string Message)> Lines { get; } = new();

        public void Write(TextureLogLevel level, string message)
        {
            lock (Lines)
                Lines.Add((level, message));
        }
    }

    [Test]
    public void SynthesisOfOneTileMatchesTheStripsOnEveryCore()
    {
        using SynthesisEngine engine = SynthesisEngine.Open(Catalog.LoadManifest("bark"));
        var strips = new RgbaImage(512, 512);
        var wide = new RgbaImage(512, 512);
        engine.OneTileOnAllCores = false;
        engine.GenerateInto(strips, 4, time: 0.25);
        Assert.That(engine.OneTileSessionUsed, Is.False);
        engine.OneTileOnAllCores = true;
        engine.GenerateInto(wide, 4, time: 0.25);
        Assert.That(engine.OneTileSessionUsed, Is.EqualTo(SeveralCores));
        // Strips keep margins of the receptive field, so they compute what one pass does: within the tiling tolerance
        // (measured here: the same bits).
        Synthesis.SynthesisEngineTests.AssertWithinTilingTolerance(strips, wide);
        var again = new RgbaImage(512, 512);
        engine.GenerateInto(again, 4, time: 0.25);
        Assert.That(again.Pixels, Is.EqualTo(wide.Pixels), "same seed, same bits");
    }

    [Test]
    public void SynthesisLargerThanOneTileAndFixedThreadsStayOnTheLanes()
    {
        using SynthesisEngine engine = SynthesisEngine.Open(Catalog.LoadManifest("bark"));
        engine.MaxTileSize = 256;
        engine.Generate(512, 256, 2);
        Assert.That(engine.OneTileSessionUsed, Is.False, "two tiles");
        using SynthesisEngine fixedThreads = SynthesisEngine.Open(Catalog.LoadManifest("bark"),
            new SessionConfig { IntraOpThreads = 1 });
        fixedThreads.Generate(256, 256, 2);
        Assert.That(fixedThreads.OneTileSessionUsed, Is.False, "threads fixed by the caller");
        Assert.That(SynthesisEngine.PreferredConfig(null).OneTileThreads, Is.EqualTo(Environment.ProcessorCount));
        Assert.That(SynthesisEngine.PreferredConfig(new SessionConfig { IntraOpThreads = 2 }).OneTileThreads, Is.EqualTo(0));
    }
}

using NUnit.Framework;
using TexturePlugin.Core.Imaging;
using TexturePlugin.Core.Inference;
using TexturePlugin.Core.Models;
using TexturePlugin.Core.Synthesis;
using TexturePlugin.Core.Tests.Repair;

namespace TexturePlugin.Core.Tests.Synthesis;

/// <summary>
/// A copy-synthesis model (training/texlib/copysynth.py; the fixture: train_synth.py --method copy, 80 steps on the
/// generated 64x64 guide fixture image, period 64 px; its json has the command) through the engine: its origin input makes tiles that wrap around
/// the texture agree with one pass.
/// </summary>
public class CopySynthesisTests
{
    private SynthesisEngine _engine = null!;

    private static string ManifestPath => EngineFixtures.Path2("engines", "fixture_copy.json");

    [OneTimeSetUp]
    public void Open() =>
        _engine = SynthesisEngine.Open(ModelManifest.Load(ManifestPath), new SessionConfig { Provider = ExecutionProviderKind.Cpu, IntraOpThreads = 1 });

    [OneTimeTearDown]
    public void Close() => _engine.Dispose();

    [Test]
    public void TheManifestDeclaresTheOriginAndThePeriod()
    {
        ModelInput origin = _engine.Manifest.InputWithRole(ModelManifest.RoleOrigin)!;
        Assert.That(origin, Is.Not.Null);
        Assert.That(origin.Channels, Is.EqualTo(2));
        Assert.That(_engine.Unit, Is.EqualTo(64), "sizes are multiples of the exemplar's period (and the 64 px noise cell)");
        var e = Assert.Throws<TexturePluginException>(() => _engine.Generate(96, 128, seed: 1))!;
        Assert.That(e.Message, Does.Contain("multiples of 64").And.Contain("96x128"));
    }

    [Test]
    public void OnnxRuntimeReproducesThePyTorchOutput()
    {
        // train_synth.py --fixture saved a fixed noise (origin 0, 0) and PyTorch's output for it
        string parity = Path.Combine(EngineFixtures.Root, "parity");
        float[] noise = TexturePlugin.Core.Tests.ShippedModels.ShippedModelFiles.ReadFloats(Path.Combine(parity, "fixture_copy_noise.bin"), 8 * 2 * 2);
        float[] expected = TexturePlugin.Core.Tests.ShippedModels.ShippedModelFiles.ReadFloats(Path.Combine(parity, "fixture_copy_image.bin"), 3 * 128 * 128);
        using var options = new Microsoft.ML.OnnxRuntime.SessionOptions { IntraOpNumThreads = 1 };
        using var session = new Microsoft.ML.OnnxRuntime.InferenceSession(EngineFixtures.Path2("engines", "fixture_copy.onnx"), options);
        var (got, shape) = TexturePlugin.Core.Tests.ShippedModels.ShippedModelFiles.Run(session,
            ("noise", noise, new long[] { 1, 8, 2, 2 }), ("origin", new float[2], new long[] { 1, 2, 1, 1 }));
        Assert.That(shape, Is.EqualTo(new long[] { 1, 3, 128, 128 }));
        double worst = got.Zip(expected, (a, b) => Math.Abs(a - b)).Max();
        Assert.That(worst, Is.LessThanOrEqualTo(1e-4), "the output is exemplar pixels: the same copies were chosen");
    }

    [Test]
    public void AWindowAtAnOriginShowsThatPartOfTheTexture()
    {
        // The engine's windows start at multiples of the unit, which is the period, so its origins are 0 modulo the
        // period; the graph must still place any window. fixture_copy128 (period 128 px, a generated exemplar): a
        // 384 px window of a 512 px texture's noise, 64 px in, shows that part of the one-pass texture away from its
        // edges (where its own wrap-around padding differs), and only with the right origin.
        using var options = new Microsoft.ML.OnnxRuntime.SessionOptions { IntraOpNumThreads = 1 };
        using var session = new Microsoft.ML.OnnxRuntime.InferenceSession(EngineFixtures.Path2("engines", "fixture_copy128.onnx"), options);
        float[] lattice = TexturePlugin.Core.Tests.ShippedModels.ShippedModelFiles.Gaussian(8 * 8 * 8, 21);
        float[] window = new float[8 * 6 * 6];
        for (int c = 0; c < 8; c++)
            for (int y = 0; y < 6; y++)
                for (int x = 0; x < 6; x++)
                    window[(c * 6 + y) * 6 + x] = lattice[(c * 8 + y + 1) * 8 + x + 1];
        float[] Run(float[] noise, int side, float ox, float oy) => TexturePlugin.Core.Tests.ShippedModels.ShippedModelFiles.Run(session,
            ("noise", noise, new long[] { 1, 8, side, side }), ("origin", new[] { ox, oy }, new long[] { 1, 2, 1, 1 })).Data;
        float[] full = Run(lattice, 8, 0, 0);
        int Differing(float[] part)
        {
            int n = 0;
            for (int c = 0; c < 3; c++)
                for (int y = 128; y < 256; y++)
                    for (int x = 128; x < 256; x++)
                        n += part[(c * 384 + y) * 384 + x] != full[(c * 512 + y + 64) * 512 + x + 64] ? 1 : 0;
            return n;
        }
        Assert.That(Differing(Run(window, 6, 64, 64)), Is.LessThanOrEqualTo(3 * 128 * 128 / 100), "at its origin");
        Assert.That(Differing(Run(window, 6, 0, 0)), Is.GreaterThan(3 * 128 * 128 / 4), "at the wrong origin");
    }

    [Test]
    public void TilesThatWrapAroundAgreeWithOnePass()
    {
        _engine.MaxTileSize = 1024;
        RgbaImage onePass = _engine.Generate(256, 192, seed: 5);
        _engine.MaxTileSize = 64;   // 12 tiles, windows of 64 + 2 x 192 px that wrap around the texture's edges
        RgbaImage tiled = _engine.Generate(256, 192, seed: 5);
        _engine.MaxTileSize = 1024;
        // The output is exemplar pixels chosen per 8x8 cell by an argmax; the tiles compute the same numbers at other
        // offsets, so only a near tie could pick another copy. Allowed: 1 % of the cells.
        int cells = 0, differing = 0;
        for (int cy = 0; cy < 192; cy += 8)
            for (int cx = 0; cx < 256; cx += 8)
            {
                cells++;
                bool same = true;
                for (int y = cy; y < cy + 8 && same; y++)
                    for (int x = cx; x < cx + 8 && same; x++)
                        same = onePass.Pixel(x, y).SequenceEqual(tiled.Pixel(x, y));
                differing += same ? 0 : 1;
            }
        Assert.That(differing, Is.LessThanOrEqualTo(cells / 100), $"{differing} of {cells} cells differ");
        // The wrap-around is a cell boundary like the others: the step across it is no larger than theirs.
        SynthesisEngineTests.AssertWrapLikeCellBoundaries(tiled);
    }

    [Test]
    public void SeedsReproduceAndDiffer()
    {
        RgbaImage a = _engine.Generate(128, 128, seed: 11), b = _engine.Generate(128, 128, seed: 11), c = _engine.Generate(128, 128, seed: 12);
        Assert.That(b.Pixels, Is.EqualTo(a.Pixels));
        int same = 0;
        for (int i = 0; i < a.Pixels.Length; i += 4)
            same += a.Pixels[i] == c.Pixels[i] && a.Pixels[i + 1] == c.Pixels[i + 1] && a.Pixels[i + 2] == c.Pixels[i + 2] ? 1 : 0;
        Assert.That(same, Is.LessThan(a.Pixels.Length / 4 / 2), "another seed chooses other copies");
    }

    [Test]
    public void AnimationMovesTheChoice()
    {
        RgbaImage still = _engine.Generate(128, 128, seed: 3), later = _engine.Generate(128, 128, seed: 3, time: 1.0);
        Assert.That(later.Pixels, Is.Not.EqualTo(still.Pixels));
        Assert.That(_engine.Generate(128, 128, seed: 3).Pixels, Is.EqualTo(still.Pixels));
    }

    [Test]
    public void AnOriginOfAnotherShapeIsRejectedByName()
    {
        string dir = Directory.CreateTempSubdirectory("texplug-origin-").FullName;
        try
        {
            string json = File.ReadAllText(ManifestPath).Replace("\"role\": \"origin\",\n      \"channels\": 2", "\"role\": \"origin\",\n      \"channels\": 3");
            Assert.That(json, Does.Contain("\"channels\": 3"), "the fixture's manifest layout changed");
            string path = Path.Combine(dir, "fixture_copy.json");
            File.WriteAllText(path, json);
            var e = Assert.Throws<ModelException>(() => ModelManifest.Load(path))!;
            Assert.That(e.Message, Does.Contain("origin input 'origin' must have 2 channels (x, y), not 3").And.Contain(path));
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }
}

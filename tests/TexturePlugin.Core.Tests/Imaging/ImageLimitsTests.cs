using System.Diagnostics;
using NUnit.Framework;
using TexturePlugin.Core.Diagnostics;
using TexturePlugin.Core.Imaging;
using TexturePlugin.Core.Inference;
using TexturePlugin.Core.Models;
using TexturePlugin.Core.Synthesis;
using TexturePlugin.Core.Tests.Repair;

namespace TexturePlugin.Core.Tests.Imaging;

/// <summary>Sizes, inputs and threads are bounded before anything is allocated, with messages that say why.</summary>
[TestFixture]
public sealed class ImageLimitsTests
{
    private TempFolder _temp = null!;

    [SetUp]
    public void SetUp() => _temp = new TempFolder();

    [TearDown]
    public void TearDown() => _temp.Dispose();

    /// <summary>A PNG that is only its signature and IHDR chunk, claiming <paramref name="width"/> x <paramref name="height"/>.</summary>
    internal static byte[] HeaderOnlyPng(int width, int height)
    {
        byte[] png = PngTestWriter.Encode(4, 4, 6, 8, new int[4 * 4 * 4]);
        byte[] head = png.AsSpan(0, 8 + 8 + 13 + 4).ToArray();
        for (int i = 0; i < 4; i++)
        {
            head[16 + i] = (byte)(width >> (24 - 8 * i));
            head[20 + i] = (byte)(height >> (24 - 8 * i));
        }
        return head;
    }

    [Test]
    public void A_header_over_the_limit_is_refused_before_any_pixel_is_decoded()
    {
        // 20000 x 20000 claimed by 33 bytes: refused from the header, with the numbers, and at once.
        string path = _temp.File("huge.png");
        File.WriteAllBytes(path, HeaderOnlyPng(20000, 20000));
        var watch = Stopwatch.StartNew();
        var e = Assert.Throws<ImageLimitException>(() => ImageIO.Load(path))!;
        Assert.That(watch.ElapsedMilliseconds, Is.LessThan(2000));
        Assert.That(e.Message, Does.Contain(path).And.Contain("20000x20000").And.Contain("16384 px a side"));
        Assert.That((e.Width, e.Height), Is.EqualTo((20000L, 20000L)));
        Assert.That(ImageIO.ReadSize(path), Is.EqualTo((20000, 20000)));

        // The limit is the caller's: a real 40x40 image passes the default and fails a 32 px limit.
        string small = _temp.File("small.png");
        ImageIO.Save(Pattern.Image(40, 40), small);
        Assert.That(ImageIO.Load(small).Width, Is.EqualTo(40));
        Assert.Throws<ImageLimitException>(() => ImageIO.Load(small, new ImageLimits(maxSide: 32)));
        Assert.Throws<ImageLimitException>(() => ImageIO.Load16(small, new ImageLimits(maxPixels: 1000)));
        Assert.Throws<ImageLimitException>(() => ImageIO.Decode(File.ReadAllBytes(small), "small", new ImageLimits(maxPixels: 1599)));
        Assert.That(ImageIO.Decode(File.ReadAllBytes(small), "small", new ImageLimits(maxPixels: 1600)).Height, Is.EqualTo(40));
    }

    [Test]
    public void A_device_is_refused_from_its_first_bytes()
    {
        if (!File.Exists("/dev/zero"))
            Assert.Ignore("no /dev/zero here");
        var watch = Stopwatch.StartNew();
        var e = Assert.Throws<ImageFileException>(() => ImageIO.Load("/dev/zero"))!;
        Assert.That(watch.ElapsedMilliseconds, Is.LessThan(5000));
        Assert.That(e.Message, Does.Contain("/dev/zero").And.Contain("not a regular file").And.Contain("not an image"));
    }

    [Test]
    public void A_folder_is_named_as_a_folder()
    {
        var e = Assert.Throws<ImageFileException>(() => ImageIO.Load(_temp.Path))!;
        Assert.That(e.Message, Does.Contain("is a folder"));
    }

    [Test]
    public void A_truncated_png_gives_a_reason_without_nul_bytes()
    {
        string full = _temp.File("full.png");
        ImageIO.Save(Pattern.Image(64, 64), full);
        byte[] bytes = File.ReadAllBytes(full);
        foreach (int length in new[] { 40, 60, 300, bytes.Length / 2, bytes.Length - 13 })
        {
            string cut = _temp.File($"cut{length}.png");
            File.WriteAllBytes(cut, bytes.AsSpan(0, length).ToArray());
            foreach (Func<object> load in new Func<object>[] { () => ImageIO.Load(cut), () => ImageIO.Load16(cut) })
            {
                var e = Assert.Throws<ImageFileException>(() => load())!;
                Assert.That(e.Message.Contains('\0'), Is.False, $"cut at {length}: {e.Message}");
                Assert.That(e.Message.Any(char.IsControl), Is.False, $"cut at {length}: {e.Message}");
                Assert.That(e.Message, Does.Contain(cut).And.Match(@"not a readable image \(\w"), $"cut at {length}: {e.Message}");
            }
        }
    }

    [Test]
    public void Synthesis_refuses_sizes_over_the_limit_before_allocating()
    {
        Assert.That(ProceduralMaterial.TryGet("clouds", out ProceduralMaterial clouds), Is.True);
        var e = Assert.Throws<ImageLimitException>(() => clouds.Render(100000, 100000, 1))!;
        Assert.That(e.Message, Does.Contain("100000x100000").And.Contain("clouds"));
        Assert.Throws<ImageLimitException>(() => clouds.Render(23168, 23168, 1));
        Assert.Throws<ImageLimitException>(() => clouds.Render(64, 64, 1, 0, new ImageLimits(maxSide: 32)));

        ModelManifest manifest = ModelManifest.Load(EngineFixtures.Path2("engines", "fixture_synth.json"));
        using var engine = SynthesisEngine.Open(manifest, new SessionConfig { Provider = ExecutionProviderKind.Cpu, IntraOpThreads = 1, Log = TextureLog.Null });
        Assert.Throws<ImageLimitException>(() => engine.Generate(65536, 64, 1));
        engine.Limits = new ImageLimits(maxPixels: 64 * 64);
        Assert.That(engine.Generate(64, 64, 1).Width, Is.EqualTo(64));
        Assert.Throws<ImageLimitException>(() => engine.Generate(128, 64, 1));
    }

    [Test]
    public void Sessions_never_get_more_threads_than_the_machine_has()
    {
        string model = EngineFixtures.Path2("engines", "fixture_synth.onnx");
        foreach (int asked in new[] { SessionConfig.MaxThreads + 1, 1000, 99999999 })
        {
            using ModelSession session = ModelSession.Open(model, new SessionConfig { Provider = ExecutionProviderKind.Cpu, IntraOpThreads = asked, Log = TextureLog.Null });
            Assert.That(session.Config.IntraOpThreads, Is.EqualTo(Environment.ProcessorCount), $"asked for {asked}");
        }
    }
}

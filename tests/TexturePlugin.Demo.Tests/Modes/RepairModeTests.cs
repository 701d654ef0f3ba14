using NUnit.Framework;
using TexturePlugin.Abstractions;
using TexturePlugin.Core.Imaging;

namespace TexturePlugin.Demo.Tests.Modes;

/// <summary>Repair mode end to end with the real plugin (copy guide only: an empty models folder).</summary>
public class RepairModeTests : DemoTestBase
{
    private string? _savedModels;

    [SetUp]
    public void NoModels()
    {
        CopyDirectory(BuiltPlugin("TexturePlugin"), Path.Combine(Scratch, "plugins", "TexturePlugin"));
        _savedModels = Environment.GetEnvironmentVariable("TEXPLUG_MODELS");
        Environment.SetEnvironmentVariable("TEXPLUG_MODELS", Directory.CreateDirectory(Path.Combine(Scratch, "no-models")).FullName);
    }

    [TearDown]
    public void RestoreModels() => Environment.SetEnvironmentVariable("TEXPLUG_MODELS", _savedModels);

    [Test]
    public void DamageFromAlphaIsDetectedRepairedAndSaved()
    {
        // A 64x64 texture of vertical stripes with a transparent 10x6 hole.
        var image = new RgbaImage(64, 64);
        for (int y = 0; y < 64; y++)
            for (int x = 0; x < 64; x++)
            {
                var p = image.Pixel(x, y);
                p[0] = (byte)(x % 8 < 4 ? 200 : 40);
                p[1] = 90;
                p[2] = (byte)(y * 3);
                p[3] = (byte)(x >= 20 && x < 30 && y >= 30 && y < 36 ? 0 : 255);
            }

        string input = Path.Combine(Scratch, "holed.png");
        ImageIO.Save(image, input);
        string output = Path.Combine(Scratch, "holed-repaired.png");

        using var app = Headless("--mode", "repair", "--image", input, "--no-watch");
        app.Run(5);
        app.Settle(TimeSpan.FromSeconds(30));
        var stats = app.Context.Stats!;
        Assert.That(stats.Number("damaged_pixels"), Is.EqualTo(60), stats.Text("status"));

        app.Plugins.Broadcast(new PluginCommand("repair.save", output));
        app.Run((int)app.FrameCount + 2);
        app.Settle(TimeSpan.FromSeconds(30));
        Assert.That(File.Exists(output), Is.True, stats.Text("status"));

        var saved = ImageIO.Load(output);
        var after = app.Context.PluginTexture("repair.after")!;
        var shown = new byte[after.ByteSize];
        after.ReadBack(shown);
        Assert.That(saved.Pixels, Is.EqualTo(shown), "the saved file is what the after view shows");
        for (int y = 0; y < 64; y++)
            for (int x = 0; x < 64; x++)
            {
                bool hole = x >= 20 && x < 30 && y >= 30 && y < 36;
                if (!hole)
                    Assert.That(saved.Pixel(x, y).ToArray(), Is.EqualTo(image.Pixel(x, y).ToArray()), $"intact pixel ({x}, {y}) changed");
            }

        // The copy guide fills the hole with stripes taken from intact texture: opaque, and the red channel still alternates.
        Assert.That(saved.Pixel(25, 32)[3], Is.EqualTo(255));
        Assert.That(Enumerable.Range(20, 10).Select(x => saved.Pixel(x, 32)[0]).Distinct().Count(), Is.GreaterThan(1));
        Assert.That(app.Device.Errors, Is.Empty);
    }

    [Test]
    public void PaintingWithTheMouseMarksDamageAndErasingRemovesIt()
    {
        using var app = Headless("--mode", "repair", "--no-watch");
        app.Run(3);
        var input = app.Surface.Input;
        var before = app.Context.PluginTexture("repair.before")!;
        app.Settings.Set("repair.brush", 5);

        app.Script = (a, _) =>
        {
            input.PointerOnTexture = true;
            input.TextureX = 100;
            input.TextureY = 120;
            input.SetButton(MouseButton.Left, true);
        };
        app.Run((int)app.FrameCount + 2);
        app.Script = (a, _) => input.SetButton(MouseButton.Left, false);
        app.Settle(TimeSpan.FromSeconds(30));
        var stats = app.Context.Stats!;
        double painted = stats.Number("damaged_pixels");
        Assert.That(painted, Is.InRange(60, 100), "a radius-5 disc is about 79 pixels");

        var mask = new byte[before.ByteSize];
        app.Context.PluginTexture("repair.mask")!.ReadBack(mask);
        Assert.That(mask[(120 * before.Width + 100) * 4], Is.EqualTo(255), "the mask texture shows the stroke");

        app.Script = (a, _) =>
        {
            input.PointerOnTexture = true;
            input.TextureX = 100;
            input.TextureY = 120;
            app.Settings.Set("repair.brush", 8);
            input.SetButton(MouseButton.Right, true);
        };
        app.Run((int)app.FrameCount + 2);
        app.Script = (a, _) => input.SetButton(MouseButton.Right, false);
        app.Settle(TimeSpan.FromSeconds(30));
        Assert.That(stats.Number("damaged_pixels"), Is.Zero);
    }

    [Test]
    public void ADroppedFileOpensInRepairMode()
    {
        var image = new RgbaImage(96, 72);
        new Random(5).NextBytes(image.Pixels);
        for (int i = 3; i < image.Pixels.Length; i += 4)
            image.Pixels[i] = 255;
        string dropped = Path.Combine(Scratch, "dropped.png");
        ImageIO.Save(image, dropped);

        using var app = Headless("--mode", "synth", "--no-watch");
        app.Run(2);
        app.Surface.Input.Drop(dropped);
        app.Run((int)app.FrameCount + 3);
        app.Settle(TimeSpan.FromSeconds(30));

        Assert.That(app.Settings.Get("mode"), Is.EqualTo("repair"));
        var before = app.Context.PluginTexture("repair.before")!;
        Assert.That((before.Width, before.Height), Is.EqualTo((96, 72)));
        var shown = new byte[before.ByteSize];
        before.ReadBack(shown);
        Assert.That(shown, Is.EqualTo(image.Pixels));
        Assert.That(app.Context.Stats!.Text("status"), Is.EqualTo(dropped + ": 96x72"));
    }

    [Test]
    public void AnUnreadableFileIsReportedAndThePluginKeepsRunning()
    {
        string bogus = Path.Combine(Scratch, "not-an-image.png");
        File.WriteAllText(bogus, "hello");
        using var app = Headless("--mode", "repair", "--image", bogus, "--no-watch");
        app.Run(4);
        var plugin = app.Plugins.Plugins.Single();
        Assert.That(plugin.State, Is.EqualTo(TexturePlugin.Demo.Plugins.PluginState.Running), plugin.Error);
        Assert.That(app.Context.Stats!.Text("status"), Does.Contain(bogus));
    }
}

using NUnit.Framework;

namespace TexturePlugin.Demo.Tests.Modes;

/// <summary>Keys in synthesis mode change the settings the plugin reads, and the plugin follows.</summary>
public class SynthesisModeTests : DemoTestBase
{
    [Test]
    public void KeysPickMaterialSeedTilingAndSize()
    {
        CopyDirectory(BuiltPlugin("TexturePlugin"), Path.Combine(Scratch, "plugins", "TexturePlugin"));
        string? saved = Environment.GetEnvironmentVariable("TEXPLUG_MODELS");
        Environment.SetEnvironmentVariable("TEXPLUG_MODELS", Directory.CreateDirectory(Path.Combine(Scratch, "no-models")).FullName);
        try
        {
            using var app = Headless("--material", "clouds", "--texture-size", "64", "--no-watch");
            app.Run(3);
            var input = app.Surface.Input;
            var stats = app.Context.Stats!;
            Assert.That(stats.Text("materials"), Does.StartWith("clouds,marble,"), "Core's procedural materials, in order");

            input.Press('M');
            input.Press(' ');
            input.Press('T');
            input.Press('=');
            app.Run((int)app.FrameCount + 3);
            app.Settle(TimeSpan.FromSeconds(30));

            Assert.That(app.Settings.Get("synthesis.material"), Is.EqualTo("marble"));
            Assert.That(stats.Text("material"), Is.EqualTo("marble"));
            Assert.That(app.Settings.GetNumber("synthesis.seed", 0), Is.EqualTo(8));
            Assert.That(app.Settings.GetFlag(DemoApp.TiledSetting), Is.True);
            Assert.That(app.Context.PluginTexture("synthesis.output")!.Width, Is.EqualTo(128));
            // a material's first render opens it and is reported apart from inference; the next one is inference
            Assert.That(stats.Number("first_run_ms"), Is.GreaterThan(0));
            Assert.That(stats.Number("inference_ms"), Is.NaN.Or.GreaterThan(0));
            input.Press(' ');
            app.Run((int)app.FrameCount + 3);
            app.Settle(TimeSpan.FromSeconds(30));
            Assert.That(app.Settings.GetNumber("synthesis.seed", 0), Is.EqualTo(9));
            Assert.That(stats.Number("inference_ms"), Is.GreaterThan(0), "marble's second render is plain inference");

            input.Press(Platform.Glfw.KeyTab);
            app.RunFrame();
            Assert.That(app.Settings.Get("mode"), Is.EqualTo("repair"));
        }
        finally
        {
            Environment.SetEnvironmentVariable("TEXPLUG_MODELS", saved);
        }
    }
}

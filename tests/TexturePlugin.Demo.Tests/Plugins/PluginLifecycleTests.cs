using System.Diagnostics;
using NUnit.Framework;
using TexturePlugin.Demo.Plugins;

namespace TexturePlugin.Demo.Tests.Plugins;

public class PluginLifecycleTests : DemoTestBase
{
    [Test]
    public void APluginLoadsUpdatesAndItsTextureHoldsItsColour()
    {
        Install("TestPlugin.Red");
        using var app = Headless("--frames", "4");
        app.Run(4);
        var plugin = app.Plugins.Plugins.Single();
        Assert.That(plugin.State, Is.EqualTo(PluginState.Running), plugin.Error);
        Assert.That(plugin.Host!.StatsBoard.Number("frames"), Is.EqualTo(4));
        Assert.That(ReadColor(app), Is.EqualTo(new byte[] { 255, 0, 0, 255 }));
        Assert.That(app.Device.Errors, Is.Empty);
    }

    [Test]
    public void UnloadingFreesTexturesAndTheContextIsCollected()
    {
        Install("TestPlugin.Red");
        using var app = Headless();
        app.Run(3);
        var plugin = app.Plugins.Plugins.Single();
        Assert.That(app.Registry.Count, Is.EqualTo(1));

        var weak = plugin.Stop();
        app.RunFrame();
        Assert.That(plugin.State, Is.EqualTo(PluginState.Unloaded));
        Assert.That(app.Registry.Count, Is.Zero, "the host deletes what the plugin left");
        Assert.That(Collected(weak), Is.True, "the plugin's load context was not collected");
    }

    [Test]
    public void HotReloadPicksUpARebuiltDll()
    {
        string folder = Install("TestPlugin.Red", "ColorTest");
        using var app = Headless();
        app.Plugins.ReloadDelay = TimeSpan.FromMilliseconds(100);
        app.Run(3);
        Assert.That(ReadColor(app), Is.EqualTo(new byte[] { 255, 0, 0, 255 }));
        var first = app.Plugins.Plugins.Single();

        // "Rebuild": the blue build of the same assembly replaces the DLL in place.
        File.Copy(Path.Combine(BuiltPlugin("TestPlugin.Blue"), "TexturePlugin.TestPlugin.dll"), Path.Combine(folder, "TexturePlugin.TestPlugin.dll"), overwrite: true);
        var clock = Stopwatch.StartNew();
        while (app.Plugins.Reloads == 0 && clock.Elapsed < TimeSpan.FromSeconds(15))
        {
            app.RunFrame();
            Thread.Sleep(10);
        }

        Assert.That(app.Plugins.Reloads, Is.EqualTo(1), "the file watcher did not trigger a reload");
        app.Run((int)app.FrameCount + 3);
        Assert.That(first.State, Is.EqualTo(PluginState.Running), first.Error);
        Assert.That(first.Generation, Is.EqualTo(2));
        Assert.That(first.Host!.StatsBoard.Text("color"), Is.EqualTo("blue"));
        Assert.That(ReadColor(app), Is.EqualTo(new byte[] { 0, 0, 255, 255 }));
        Assert.That(app.Registry.Count, Is.EqualTo(1), "the red generation's texture was deleted");
    }

    [Test]
    public void AReloadLetsTheOldContextGo()
    {
        Install("TestPlugin.Red");
        using var app = Headless();
        app.Run(2);
        var weak = app.Plugins.Reload(app.Plugins.Plugins.Single());
        app.Run(4);
        Assert.That(Collected(weak), Is.True);
        Assert.That(app.Plugins.Plugins.Single().State, Is.EqualTo(PluginState.Running));
    }

    [Test]
    public void AThrowingPluginIsDisabledAndTheHostKeepsRunning()
    {
        Install("TestPlugin.Red");
        Install("TestPlugin.Throwing");
        using var app = Headless();
        app.Run(2);
        app.Registry.ProcessPending();
        Assert.That(app.Registry.Count, Is.EqualTo(3));
        app.Run(10);

        var throwing = app.Plugins.Plugins.Single(p => p.Name == "Throwing");
        var red = app.Plugins.Plugins.Single(p => p.Name == "ColorTest");
        Assert.That(throwing.State, Is.EqualTo(PluginState.Failed));
        Assert.That(throwing.Error, Does.Contain("Update").And.Contain("InvalidOperationException").And.Contain("deliberate failure in frame 2"));
        Assert.That(red.State, Is.EqualTo(PluginState.Running));
        Assert.That(red.Host!.StatsBoard.Number("frames"), Is.EqualTo(10));
        Assert.That(app.Registry.Count, Is.EqualTo(1), "the failed plugin's two textures were deleted");
        Assert.That(app.FrameCount, Is.EqualTo(10));
    }

    [Test]
    public void AMissingAssemblyDisablesThePluginWithThePath()
    {
        string folder = Install("TestPlugin.Red");
        File.Delete(Path.Combine(folder, "TexturePlugin.TestPlugin.dll"));
        using var app = Headless();
        app.Run(2);
        var plugin = app.Plugins.Plugins.Single();
        Assert.That(plugin.State, Is.EqualTo(PluginState.Failed));
        Assert.That(plugin.Error, Does.Contain(Path.Combine(folder, "TexturePlugin.TestPlugin.dll")).And.Contain("does not exist"));
    }

    [Test]
    public void ABrokenManifestNamesTheFile()
    {
        string folder = Install("TestPlugin.Red");
        string manifest = Path.Combine(folder, "plugin.json");
        File.WriteAllText(manifest, "{ \"name\": \"x\" ");
        var error = Assert.Throws<DemoException>(() => Headless().Dispose())!;
        Assert.That(error.Message, Does.StartWith(manifest + ": cannot be read as JSON"));

        File.WriteAllText(manifest, "{ \"name\": \"x\", \"assembly\": \"../../escape.dll\" }");
        Assert.That(() => Headless().Dispose(), Throws.TypeOf<DemoException>().With.Message.Contains("outside the plugin folder"));
    }

    [Test]
    public void TheRealPluginLoadsAndUnloads()
    {
        CopyDirectory(BuiltPlugin("TexturePlugin"), Path.Combine(Scratch, "plugins", "TexturePlugin"));
        using var app = Headless("--material", "rock", "--texture-size", "64");
        app.Run(3);
        app.Settle(TimeSpan.FromSeconds(20));
        var plugin = app.Plugins.Plugins.Single();
        Assert.That(plugin.State, Is.EqualTo(PluginState.Running), plugin.Error);
        Assert.That(plugin.Host!.StatsBoard.Number("frames"), Is.GreaterThanOrEqualTo(1));
        Assert.That(app.Context.PluginTexture("synthesis.output"), Is.Not.Null);
        var weak = plugin.Stop();
        app.RunFrame();
        Assert.That(app.Registry.Count, Is.Zero);
        Assert.That(app.Device.Errors, Is.Empty);
        Assert.That(Collected(weak), Is.True, "the real plugin's context (Core, ONNX Runtime's managed side) was not collected");
    }

    [Test]
    public void TheRealPluginWithAnOnnxModelUnloadsCompletely()
    {
        // The repository's models folder, found from this source file (test output may live elsewhere).
        string models = Path.GetFullPath(Path.Combine(SourceDirectory(), "..", "..", "..", "models"));
        var manifest = Directory.Exists(models)
            ? Directory.GetFiles(models, "*.json").FirstOrDefault(f => File.ReadAllText(f).Contains("\"synthesis\"") && File.Exists(Path.ChangeExtension(f, ".onnx")))
            : null;
        Assume.That(manifest, Is.Not.Null, "no trained synthesis model in " + models);
        string name = Path.GetFileNameWithoutExtension(manifest!);

        CopyDirectory(BuiltPlugin("TexturePlugin"), Path.Combine(Scratch, "plugins", "TexturePlugin"));
        string? saved = Environment.GetEnvironmentVariable("TEXPLUG_MODELS");
        Environment.SetEnvironmentVariable("TEXPLUG_MODELS", models);
        try
        {
            using var app = Headless("--material", name, "--texture-size", "64", "--no-watch");
            app.Run(3);
            app.Settle(TimeSpan.FromSeconds(60));
            var plugin = app.Plugins.Plugins.Single();
            Assert.That(plugin.State, Is.EqualTo(PluginState.Running), plugin.Error);
            Assert.That(plugin.Host!.StatsBoard.Text("provider"), Is.EqualTo("CPU"), plugin.Host.StatsBoard.Text("status"));
            Assert.That(plugin.Host.StatsBoard.Number("frames"), Is.GreaterThanOrEqualTo(1));
            var weak = plugin.Stop();
            app.RunFrame();
            Assert.That(Collected(weak), Is.True, "the plugin's context (Core, ONNX Runtime's managed side) was not collected");
        }
        finally
        {
            Environment.SetEnvironmentVariable("TEXPLUG_MODELS", saved);
        }
    }

    private static string SourceDirectory([System.Runtime.CompilerServices.CallerFilePath] string path = "") => Path.GetDirectoryName(path)!;

    private static byte[] ReadColor(DemoApp app)
    {
        app.Registry.ProcessPending();
        var texture = app.Context.PluginTexture("color")!;
        var pixels = new byte[texture.ByteSize];
        texture.ReadBack(pixels);
        for (int i = 4; i < pixels.Length; i += 4)
            Assert.That(pixels.AsSpan(i, 4).ToArray(), Is.EqualTo(pixels.AsSpan(0, 4).ToArray()), $"texel {i / 4} differs");
        return pixels.AsSpan(0, 4).ToArray();
    }
}

using NUnit.Framework;

namespace TexturePlugin.Demo.Tests;

/// <summary>The host's frame loop uncapped: how far it runs ahead of the driver, and what its frames allocate.</summary>
public class FrameLoopTests : DemoTestBase
{
    /// <summary>
    /// A headless host has no swap to hold it back. Unpaced, it queued hundreds of frames into the driver and each
    /// upload a worker committed waited behind them (on llvmpipe, a frame with an upload first rasterised the whole
    /// backlog: 0.2-1.2 s), so an uncapped host ran thousands of frames a second while the worker's images reached the
    /// screen a few times a second: 4 images in 2000 frames here. Paced, the animating worker's images keep arriving
    /// and nearly every one it renders is shown.
    /// </summary>
    [Test]
    public void AnUncappedHostShowsTheWorkersImagesAsTheyComeIn()
    {
        WithProceduralPlugin(() =>
        {
            using var app = Headless("--material", "clouds", "--texture-size", "64", "--animate", "--no-hud", "--no-watch");
            app.MaxFps = 0;
            var stats = app.Context.Stats!;
            app.Run(30); // the plugin starts its worker, the first image goes up
            double imagesBefore = stats.Number("frames", 0), rendersBefore = stats.Number("renders", 0);
            int hostFrames = 0;
            for (; hostFrames < 2000 && stats.Number("frames", 0) - imagesBefore < 20; hostFrames++)
                app.RunFrame();
            double images = stats.Number("frames", 0) - imagesBefore, renders = stats.Number("renders", 0) - rendersBefore;

            Assert.That(images, Is.GreaterThanOrEqualTo(20), $"new images in {hostFrames} uncapped host frames");
            // A render or two may still be on its way to the texture when the count is read.
            Assert.That(images, Is.GreaterThanOrEqualTo(renders - 2), $"{renders} renders, {images} of them shown");
        });
    }

    /// <summary>
    /// The GL thread's steady-state frame, uncapped, with the texture plugin animating (a new request every frame, the
    /// worker's images uploaded through the ring): it allocates nothing, so the host never collects garbage on its own account.
    /// </summary>
    [Test]
    public void TheGlThreadsSteadyStateFrameAllocatesNothing()
    {
        WithProceduralPlugin(() =>
        {
            using var app = Headless("--material", "clouds", "--texture-size", "64", "--animate", "--no-hud", "--no-watch");
            app.MaxFps = 0;
            var stats = app.Context.Stats!;
            // Warm-up: JIT, the worker's first render, the texture's creation, the first uploads through every ring slot.
            for (int i = 0; i < 2000 && (i < 100 || stats.Number("frames", 0) < 10); i++)
                app.RunFrame();
            Assert.That(stats.Number("frames", 0), Is.GreaterThanOrEqualTo(10), "the worker's images never reached the host");

            double framesBefore = stats.Number("frames", 0);
            long before = GC.GetAllocatedBytesForCurrentThread();
            int hostFrames = 0;
            for (; hostFrames < 5000 && (hostFrames < 200 || stats.Number("frames", 0) - framesBefore < 10); hostFrames++)
                app.RunFrame();
            long allocated = GC.GetAllocatedBytesForCurrentThread() - before;

            Assert.That(stats.Number("frames", 0) - framesBefore, Is.GreaterThanOrEqualTo(10), "the measured frames carried uploads");
            Assert.That(allocated, Is.Zero, $"bytes allocated on the GL thread in {hostFrames} frames");
        });
    }

    /// <summary>Installs the texture plugin with no models folder (Core's procedural materials only: fast and steady renders) and runs <paramref name="test"/>.</summary>
    private void WithProceduralPlugin(Action test)
    {
        CopyDirectory(BuiltPlugin("TexturePlugin"), Path.Combine(Scratch, "plugins", "TexturePlugin"));
        string? saved = Environment.GetEnvironmentVariable("TEXPLUG_MODELS");
        Environment.SetEnvironmentVariable("TEXPLUG_MODELS", Directory.CreateDirectory(Path.Combine(Scratch, "no-models")).FullName);
        try
        {
            test();
        }
        finally
        {
            Environment.SetEnvironmentVariable("TEXPLUG_MODELS", saved);
        }
    }
}

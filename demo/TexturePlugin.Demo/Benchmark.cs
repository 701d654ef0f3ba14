using System.Diagnostics;
using System.Runtime.InteropServices;
using TexturePlugin.Abstractions;
using TexturePlugin.Demo.Plugins;
using TexturePlugin.OpenGL.Textures;

namespace TexturePlugin.Demo;

/// <summary>
/// <c>--bench</c>: figures for the issue's targets, printed. (1) 256x256 live synthesis end to end
/// (worker renders, writes into a mapped slot, GL thread uploads, draws), frames a second of new
/// images and of host frames; (2) a 1024x1024 RGBA8 upload through the ring against a plain memcpy of
/// the same bytes; (3) managed allocation per frame in steady state.
/// </summary>
internal static class Benchmark
{
    public static int Run(DemoOptions options)
    {
        var o = DemoOptions.Parse(new[] { "--headless", "--size", "512x512", "--animate", "--texture-size", "256", "--no-hud" }
            .Concat(options.Material is null ? Array.Empty<string>() : new[] { "--material", options.Material })
            .Concat(options.Plugins is null ? Array.Empty<string>() : new[] { "--plugins", options.Plugins }).ToArray());
        using var app = new DemoApp(o);
        app.Log.Quiet = true;
        Console.WriteLine($"OpenGL {app.Device.Version} on {app.Device.Renderer}; ring {(app.Registry.Ring.IsPersistent ? "persistent mapped" : "orphaning")}");

        // 1. Live synthesis. A display caps the frame rate (vsync): measure at a 144 Hz cap, and uncapped, where only
        // the host's frame pacing holds the GL thread back; the worker's images must reach the screen in both.
        app.Run(30); // warm-up: JIT, first model run, texture allocation
        var stats = app.Context.Stats ?? throw new DemoException("The plugin is not running: " + string.Join("; ", app.Plugins.Plugins.Select(p => p.Error)));
        foreach (double cap in new[] { 144.0, 0.0 })
        {
            app.MaxFps = cap;
            app.Run((int)app.FrameCount + 20);
            double framesBefore = stats.Number(PluginKeys.FramesProduced, 0);
            double rendersBefore = stats.Number(PluginKeys.Renders, 0);
            long refusalsBefore = app.Registry.Ring.Refusals;
            long hostBefore = app.FrameCount;
            var clock = Stopwatch.StartNew();
            long allocatedBefore = GC.GetTotalAllocatedBytes(precise: true);
            long threadBefore = GC.GetAllocatedBytesForCurrentThread();
            int gcBefore = GC.CollectionCount(0);
            double maxInference = 0;
            while (clock.Elapsed.TotalSeconds < 5)
            {
                app.RunFrame();
                maxInference = Math.Max(maxInference, stats.Number(PluginKeys.InferenceMs, 0));
            }

            double seconds = clock.Elapsed.TotalSeconds;
            long hostFrames = app.FrameCount - hostBefore;
            long allocated = GC.GetTotalAllocatedBytes(precise: true) - allocatedBefore;
            long threadAllocated = GC.GetAllocatedBytesForCurrentThread() - threadBefore;
            double produced = stats.Number(PluginKeys.FramesProduced, 0) - framesBefore;
            Console.WriteLine($"synthesis 256x256 '{stats.Text(PluginKeys.CurrentMaterial)}' ({stats.Text(PluginKeys.Provider)}), host {(cap > 0 ? $"capped at {cap:0} Hz" : "uncapped")}: " +
                $"{produced / seconds:0.0} new images/s end to end (target >= 60), host {hostFrames / seconds:0.0} frames/s, " +
                $"inference last {stats.Number(PluginKeys.InferenceMs):0.0} ms max {maxInference:0.0} ms, {(stats.Number(PluginKeys.Renders, 0) - rendersBefore) / seconds:0.0} renders/s, " +
                $"{app.Registry.Ring.Refusals - refusalsBefore} slot refusals");
            Console.WriteLine($"  allocation in steady state: {(double)threadAllocated / hostFrames:0} B/frame on the GL thread, " +
                $"{(double)allocated / hostFrames:0} B/frame all threads (incl. the worker's renderer), gen0 GCs {GC.CollectionCount(0) - gcBefore} in {hostFrames} frames");
        }

        app.MaxFps = 0;

        // 2. Ring upload vs memcpy, 1024x1024 RGBA8.
        UploadFigures(app.Registry, app);
        return 0;
    }

    private static unsafe void UploadFigures(GlTextureRegistry registry, DemoApp app)
    {
        const int side = 1024, bytes = side * side * 4, rounds = 40;
        var handle = registry.Create(new TextureDescription("bench.upload", side, side));
        registry.ProcessPending();
        byte[] source = new byte[bytes];
        new Random(1).NextBytes(source);
        byte* destination = (byte*)NativeMemory.AlignedAlloc(bytes, 64);
        try
        {
            var memcpy = new List<double>();
            var ringWrite = new List<double>();
            var ringTotal = new List<double>();
            var glFinish = new List<double>();
            var fenced = new List<double>();
            for (int i = 0; i < 2 * rounds + 5; i++)
            {
                long t0 = Stopwatch.GetTimestamp();
                source.AsSpan().CopyTo(new Span<byte>(destination, bytes));
                double copy = Stopwatch.GetElapsedTime(t0).TotalMilliseconds;

                long t1 = Stopwatch.GetTimestamp();
                TextureUpload upload;
                while (!registry.TryBeginUpdate(handle, TextureRegion.Whole(side, side), out upload))
                    registry.Ring.Reclaim(1_000_000_000);
                source.AsSpan().CopyTo(upload.Pixels);
                upload.Commit();
                double write = Stopwatch.GetElapsedTime(t1).TotalMilliseconds;
                registry.ProcessPending();
                double submitted = Stopwatch.GetElapsedTime(t1).TotalMilliseconds;
                // Half the rounds wait for the copy as the ring does before reusing the slot (the upload's own fence), half
                // with glFinish, which also drains everything else the driver holds and costs a round trip of its own.
                bool byFence = i % 2 == 0;
                if (byFence)
                {
                    while (registry.Ring.InFlightCount > 0)
                        registry.Ring.Reclaim(1_000_000_000);
                }
                else
                {
                    app.Device.Gl.Finish();
                }

                double finished = Stopwatch.GetElapsedTime(t1).TotalMilliseconds;
                if (i < 5)
                    continue; // warm-up
                memcpy.Add(copy);
                ringWrite.Add(write);
                ringTotal.Add(submitted);
                (byFence ? fenced : glFinish).Add(finished);
            }

            double m = Median(memcpy), w = Median(ringWrite), s = Median(ringTotal), f = Median(fenced), g = Median(glFinish);
            Console.WriteLine($"upload 1024x1024 RGBA8 (medians of {2 * rounds} rounds, {rounds} for each way of waiting): memcpy {m:0.000} ms; ring: write into mapped slot {w:0.000} ms ({w / m:0.00}x memcpy), " +
                $"+ GL-thread submit {s:0.000} ms ({s / m:0.00}x), until the driver finished the copy (the upload's fence) {f:0.000} ms ({f / m:0.00}x) " +
                $"(target <= 1.5x; with glFinish instead: {g:0.000} ms, {g / m:0.00}x)");
        }
        finally
        {
            NativeMemory.AlignedFree(destination);
            registry.Delete(handle);
            registry.ProcessPending();
        }
    }

    private static double Median(List<double> values)
    {
        values.Sort();
        return values[values.Count / 2];
    }
}

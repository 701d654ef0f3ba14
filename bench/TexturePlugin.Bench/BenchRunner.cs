using System.Diagnostics;
using TexturePlugin.Core;
using TexturePlugin.Core.Imaging;
using TexturePlugin.Core.Inference;
using TexturePlugin.Core.Models;
using TexturePlugin.Core.Repair;
using TexturePlugin.Core.Repair.Structure;
using TexturePlugin.Core.Synthesis;

namespace TexturePlugin.Bench;

/// <summary>
/// The in-process benchmark: medians after warm-up, each with its target (issue 4), with the peers measured in the
/// same run. Uses the catalog's first synthesis model (by name) and its default repair model. Rows asked for that
/// cannot run (no catalog, a model missing or broken) are <see cref="BenchReport.Failures"/>.
/// </summary>
public static class BenchRunner
{
    /// <summary>Targets of issue 4.</summary>
    public const double Synth512TargetMs = 15, Repair256TargetMs = 15, Repair2048TargetMs = 60, LiveStrokeTargetMs = 1000.0 / 60;

    /// <summary>
    /// Allocation allowed per model run besides the output: the managed ONNX Runtime Run wrapper allocates a few small
    /// objects (about 350 bytes) on every Run; our code adds nothing in steady state, and anything image-sized would
    /// exceed this by far.
    /// </summary>
    public const double AllocationPerRunBytes = 512;

    public static BenchReport Run(BenchOptions options, Action<string>? log = null)
    {
        log ??= _ => { };
        var report = new BenchReport();
        int runs = options.Quick ? 5 : 15, warmup = options.Quick ? 1 : 3, bigRuns = options.Quick ? 1 : 3;
        string speedAtStart = MachineSpeed();

        ModelCatalog? catalog = null;
        try
        {
            catalog = ModelCatalog.Open(options.ModelsFolder);
        }
        catch (TexturePluginException e)
        {
            report.Failures.Add($"No model catalog: {e.Message}");
        }
        ModelManifest? synthManifest = FirstOfKind(catalog, ModelKind.Synthesis);
        ModelManifest? repairManifest = DefaultRepair(catalog, report);
        if (catalog is not null && synthManifest is null)
            report.Failures.Add($"No synthesis model in {catalog.Root}: synthesis rows skipped.");

        using Peers? peers = options.Peers ? new Peers(options.Python) : null;
        RgbaImage texture256, texture2048;
        SynthesisEngine? synthOpened = synthManifest is null ? null : TryOpen(() => SynthesisEngine.Open(synthManifest, options.Session), synthManifest, report);
        RepairEngine? repairOpened = repairManifest is null ? null : TryOpen(() => RepairEngine.Open(repairManifest, options.Session), repairManifest, report);
        if (synthOpened is SynthesisEngine synth)
        {
            using var owned = synth;
            report.Notes.Add($"synthesis model '{synth.Manifest.Name}'{Cost(synth.Manifest)} on {synth.Session.Provider} ({synth.Session.ProviderReason})");
            foreach (int size in new[] { 256, 512, 1024, 2048 })
            {
                if (size % synth.Unit != 0)
                    continue;
                var target = new RgbaImage(size, size);
                bool big = size >= 1024;
                log($"synthesis {size}x{size} ...");
                double ms = Median(big ? 1 : warmup, big ? bigRuns : runs, () => synth.GenerateInto(target, 7));
                report.Rows.Add(new BenchRow($"synthesis {size}x{size}", ms, "ms", size == 512 ? Synth512TargetMs : null));
                if (size == 512)
                {
                    // The model's own run (ONNX Runtime, noise already in place, no conversion) on the session the engine
                    // runs a one-tile 512^2 on, interleaved call by call with the engine's, so both medians come from the
                    // same moments of a machine whose speed drifts.
                    ModelSession bareSession = (synth.OneTileOnAllCores && synth.Lanes > 1 ? synth.OneTileSession : null) ?? synth.Session;
                    string noiseName = synth.Manifest.InputWithRole(ModelManifest.RoleNoise)?.Name ?? bareSession.Inputs[0].Name;
                    var bareShapes = new Dictionary<string, int[]> { [noiseName] = new[] { 1, synth.NoiseChannels, size / synth.Cell, size / synth.Cell } };
                    if (synth.Manifest.InputWithRole(ModelManifest.RoleOrigin) is ModelInput originInput)
                        bareShapes[originInput.Name] = new[] { 1, 2, 1, 1 };   // a copy-synthesis model's window origin: (0, 0)
                    using (var runner = bareSession.CreateRunner(bareShapes))
                    {
                        var rng = new Random(5);
                        Span<float> noise = runner.Input(noiseName);
                        for (int i = 0; i < noise.Length; i++)
                            noise[i] = (float)(rng.NextDouble() * 2 - 1);
                        var (engineMs, modelMs) = Interleaved(warmup, 2 * runs, () => synth.GenerateInto(target, 7), () => runner.Run());
                        report.Rows.Add(new BenchRow("synthesis 512x512, interleaved with the model's run alone", engineMs, "ms", Synth512TargetMs,
                            modelMs, $"ONNX Runtime run alone ({bareSession.Config.IntraOpThreads} thread{(bareSession.Config.IntraOpThreads == 1 ? "" : "s")})"));
                    }
                    // The default (one pass on every core) beside strips on the single-threaded lanes and one lane's single
                    // thread, interleaved call by call.
                    int synthLanes = synth.Lanes;
                    if (synthLanes > 1 && synth.OneTileOnAllCores && synth.OneTileSession is ModelSession wide)
                    {
                        var (defaultMs, stripsMs) = Interleaved(warmup, 2 * runs, () => synth.GenerateInto(target, 7), () =>
                        {
                            synth.OneTileOnAllCores = false;
                            synth.GenerateInto(target, 7);
                            synth.OneTileOnAllCores = true;
                        });
                        report.Rows.Add(new BenchRow($"synthesis 512x512, {synthLanes} strips on single-threaded lanes (interleaved)", stripsMs, "ms", null,
                            defaultMs, $"one pass on {wide.Config.IntraOpThreads} threads"));
                    }
                    if (synthLanes > 1)
                    {
                        synth.Lanes = 1;
                        double oneLane = Median(warmup, runs, () => synth.GenerateInto(target, 7));
                        synth.Lanes = synthLanes;
                        report.Rows.Add(new BenchRow($"synthesis 512x512, 1 lane of 1 thread (default {synthLanes})", oneLane, "ms", null, ms, "default"));
                    }
                    // Animation: each frame 1/60 s later at half a noise slice per second.
                    int frame = 0;
                    double animated = Median(warmup, runs, () => synth.GenerateInto(target, 7, 0.25 + frame++ / 120.0));
                    report.Rows.Add(new BenchRow("synthesis 512x512 animated frame", animated, "ms", Synth512TargetMs));
                    // A new seed every call: the noise window is generated too (the rows above reuse it).
                    int seed = 100;
                    double fresh = Median(warmup, runs, () => synth.GenerateInto(target, seed++));
                    report.Rows.Add(new BenchRow($"synthesis 512x512, new seed each call ({synth.NoiseChannels} noise channels made)", fresh, "ms", null));
                    synth.GenerateInto(target, 7);   // steady state: the animated row above moved the noise window on
                    long bytes = Allocated(() => synth.GenerateInto(target, 7));
                    report.Rows.Add(new BenchRow("synthesis 512 allocated/call (into a given image)", bytes, "B", AllocationPerRunBytes));
                }
            }
            texture256 = synth.Generate(256, 256, 11);
            texture2048 = synth.Generate(2048, 2048, 11);
        }
        else
        {
            ProceduralMaterial.TryGet("granite", out ProceduralMaterial granite);
            texture256 = granite.Render(256, 256, 11);
            texture2048 = granite.Render(2048, 2048, 11);
            report.Notes.Add("repair textures: procedural granite (no synthesis model)");
        }
        if (options.ExtraSynthesisManifest is string extraPath)
            TimeExtraSynthesis(extraPath, options, report, log, warmup, runs);

        if (repairOpened is RepairEngine repair)
        {
            using var owned = repair;
            report.Notes.Add($"repair model '{repair.Manifest.Name}'{Cost(repair.Manifest)} on {repair.Session.Provider}, tile margin {repair.Margin} px " +
                $"(receptive field {repair.Manifest.ReceptiveField} px), guide context {repair.GuideContext} px, guide step {repair.GuideStep}, tile quantum {repair.TileQuantum} px, {repair.Lanes} lane{(repair.Lanes == 1 ? "" : "s")} of {repair.Session.Config.IntraOpThreads} thread(s)" +
                (repair.Lanes > 1 && repair.Session.Config.OneTileThreads > 1 ? $"; a pass of one tile on {Math.Min(repair.Session.Config.OneTileThreads, Environment.ProcessorCount)} threads" : ""));
            var work = texture256.Clone();
            foreach (string kind in DamageMasks.Kinds)
            {
                DamageMask mask = DamageMasks.Make(kind, 256, 1000 + kind.Length);
                log($"repair 256x256 {kind} ...");
                double ms = Median(warmup, runs, () => repair.RepairInPlace(work, mask), () => Reset(work, texture256));
                AddPeers(report, $"repair 256x256 {kind}", ms, Repair256TargetMs, peers, texture256, mask, runs, options.Quick);
                AddStructureRows(report, repair, $"repair 256x256 {kind}", warmup, runs, () => repair.RepairInPlace(work, mask), () => Reset(work, texture256));
                Reset(work, texture256);
                int tileCount = repair.RepairInPlace(work, mask).Count;
                if (tileCount == 1 && repair.Lanes > 1 && repair.OneTileOnAllCores)
                {
                    // One tile: the default runs it on every core; beside it, interleaved, the tile on one lane's thread.
                    var (defaultMs, laneMs) = Interleaved(warmup, 2 * runs, () => { Reset(work, texture256); repair.RepairInPlace(work, mask); }, () =>
                    {
                        Reset(work, texture256);
                        repair.OneTileOnAllCores = false;
                        repair.RepairInPlace(work, mask);
                        repair.OneTileOnAllCores = true;
                    });
                    report.Rows.Add(new BenchRow($"repair 256x256 {kind} (one tile), on one single-threaded lane (interleaved)", laneMs, "ms", null,
                        defaultMs, "on every core"));
                }
                double share = repair.WholeTextureShare;
                repair.WholeTextureShare = double.PositiveInfinity;
                Reset(work, texture256);
                int dirtyTiles = repair.RepairInPlace(work, mask).Count;
                repair.WholeTextureShare = share;
                if (dirtyTiles > tileCount)
                {
                    // The damage's dirty tiles cover most of the texture, so the default runs the whole texture as one
                    // tile (RepairEngine.WholeTextureShare); beside it, interleaved, the dirty tiles on the lanes.
                    var (defaultMs, tilesMs) = Interleaved(warmup, 2 * runs, () => { Reset(work, texture256); repair.RepairInPlace(work, mask); }, () =>
                    {
                        Reset(work, texture256);
                        repair.WholeTextureShare = double.PositiveInfinity;
                        repair.RepairInPlace(work, mask);
                        repair.WholeTextureShare = share;
                    });
                    report.Rows.Add(new BenchRow($"repair 256x256 {kind} as its {dirtyTiles} dirty tiles (interleaved)", tilesMs, "ms", null,
                        defaultMs, "whole texture, one tile"));
                }
                if (kind == "holes")
                {
                    Reset(work, texture256);
                    int runs256 = 0;
                    long bytes = Allocated(() => runs256 = repair.RepairInPlace(work, mask).Count);
                    report.Rows.Add(new BenchRow($"repair 256 holes allocated/call (in place, {runs256} model run{(runs256 == 1 ? "" : "s")})", bytes, "B", runs256 * AllocationPerRunBytes));
                    long copyBytes = Allocated(() => repair.Repair(texture256, mask));
                    report.Rows.Add(new BenchRow("repair 256 holes allocated/call (new image)", copyBytes, "B",
                        256 * 256 * 4 + 256 + runs256 * AllocationPerRunBytes));
                }
            }

            DamageMask scattered = DamageMasks.Scattered(2048, 0.02, 2048);
            var work2048 = texture2048.Clone();
            log("repair 2048x2048, 2% damage, dirty tiles ...");
            var tiles = DirtyTiles.Compute(scattered, repair.Margin, repair.Multiple, RepairEngine.MinimumSize);
            double tileShare = tiles.Sum(t => t.Area) / (2048.0 * 2048.0);
            double big2048 = Median(warmup, options.Quick ? 3 : 7, () => repair.RepairInPlace(work2048, scattered), () => Reset(work2048, texture2048));
            AddPeers(report, "repair 2048x2048 2% damage (dirty tiles)", big2048, Repair2048TargetMs, peers, texture2048, scattered,
                options.Quick ? 1 : 3, quick: true);
            report.Notes.Add($"2048 repair: {scattered.CountDamaged() * 100.0 / (2048 * 2048):F1}% damaged, {tiles.Count} tiles covering {tileShare * 100:F1}% of the texture");

            Reset(work2048, texture2048);
            int runs2048 = 0;
            long bytes2048 = Allocated(() => runs2048 = repair.RepairInPlace(work2048, scattered).Count);
            report.Rows.Add(new BenchRow($"repair 2048 2% allocated/call (in place, {runs2048} model run{(runs2048 == 1 ? "" : "s")})", bytes2048, "B", runs2048 * AllocationPerRunBytes));
            AddStructureRows(report, repair, "repair 2048x2048 2% damage", 1, options.Quick ? 1 : 3, () => repair.RepairInPlace(work2048, scattered), () => Reset(work2048, texture2048));

            // Live painting: one brush stroke marked dirty on the 2048 texture, repaired in place (RepairRegion).
            var strokeMask = new DamageMask(2048, 2048);
            TileRect stroke = DamageMasks.Stroke(strokeMask, 900, 700, 48, 12);
            var live = texture2048.Clone();
            double strokeMs = Median(warmup, runs, () => repair.RepairRegion(live, strokeMask, stroke), () => Reset(live, texture2048));
            report.Rows.Add(new BenchRow("repair 2048x2048 live brush stroke (48 px long, 12 px wide)", strokeMs, "ms", LiveStrokeTargetMs));
            report.Notes.Add($"live stroke: {repair.RepairRegion(live, strokeMask, stroke).Count} tile(s); target = one frame at 60 Hz (issue: 'repaired within a frame')");

            // Peers inside the project: one lane (tiles one after another), another tile quantum, the guide without its
            // window, session 4's configuration, and the receptive field as the margin (tiles see everything a
            // whole-texture pass would) instead of the model's tile margin.
            int lanes = repair.Lanes;
            if (lanes > 1)
            {
                repair.Lanes = 1;
                double oneLane = Median(1, options.Quick ? 1 : 3, () => repair.RepairInPlace(work2048, scattered), () => Reset(work2048, texture2048));
                report.Rows.Add(new BenchRow($"repair 2048x2048 2% damage, 1 lane (default {lanes})", oneLane, "ms", null, big2048, $"{lanes} lanes"));
                repair.Lanes = lanes;
            }
            int quantum = repair.TileQuantum, other = quantum < 32 ? quantum * 2 : quantum / 2;
            repair.TileQuantum = other;
            var otherTiles = DirtyTiles.Compute(scattered, repair.Margin, repair.Multiple, RepairEngine.MinimumSize);
            double otherMs = Median(1, options.Quick ? 1 : 3, () => repair.RepairInPlace(work2048, scattered), () => Reset(work2048, texture2048));
            report.Rows.Add(new BenchRow($"repair 2048x2048 2% damage, tile quantum {other} px (default {quantum})", otherMs, "ms", null, big2048, $"quantum {quantum}"));
            report.Notes.Add($"2048 repair with tile sides in steps of {other} px: {otherTiles.Count} tiles covering " +
                $"{otherTiles.Sum(t => t.Area) * 100.0 / (2048 * 2048):F1}% of the texture");
            repair.TileQuantum = quantum;
            int margin = repair.Margin, field = repair.Manifest.ReceptiveField, guideContext = repair.GuideContext;
            if (guideContext > 0)
            {
                // The guide's window costs time (more sources): the same tiles with the guide on the tile alone.
                repair.GuideContext = 0;
                double bare = Median(1, options.Quick ? 1 : 3, () => repair.RepairInPlace(work2048, scattered), () => Reset(work2048, texture2048));
                report.Rows.Add(new BenchRow($"repair 2048x2048 2% damage, guide on the tile alone (default context {guideContext} px)", bare, "ms", null, big2048, $"context {guideContext} px"));
                repair.GuideContext = guideContext;
            }
            int guideStep = repair.GuideStep;
            if (guideContext > 0 && guideStep > 1)
            {
                // The window search with every source (step 1, the specification's search) instead of every k-th row and column.
                repair.GuideStep = 1;
                double every = Median(1, options.Quick ? 1 : 3, () => repair.RepairInPlace(work2048, scattered), () => Reset(work2048, texture2048));
                report.Rows.Add(new BenchRow($"repair 2048x2048 2% damage, guide step 1: every source (default step {guideStep})", every, "ms", null, big2048, $"step {guideStep}"));
                repair.GuideStep = guideStep;
            }
            // Earlier shipped tilings (training/tile_quality.py chose each on quality), timed beside the default.
            foreach ((string label, int m, int g, int k) in EarlierTilings)
            {
                if ((margin, guideContext, guideStep) == (m, g, k))
                    continue;
                (repair.Margin, repair.GuideContext, repair.GuideStep) = (m, g, k);
                double earlier = Median(1, options.Quick ? 1 : 3, () => repair.RepairInPlace(work2048, scattered), () => Reset(work2048, texture2048));
                report.Rows.Add(new BenchRow($"repair 2048x2048 2% damage, margin {m} px, guide window {g} px, step {k} ({label})", earlier, "ms", null, big2048, "default"));
            }
            (repair.Margin, repair.GuideContext, repair.GuideStep) = (margin, guideContext, guideStep);
            if (repair.Manifest.ContextMargin > margin)
            {
                // The configuration before tile_margin/guide_context (sessions 1-4): the agreement margin, guide on the tile.
                (repair.Margin, repair.GuideContext, repair.TileQuantum) = (repair.Manifest.ContextMargin, 0, 32);
                double old = Median(1, options.Quick ? 1 : 3, () => repair.RepairInPlace(work2048, scattered), () => Reset(work2048, texture2048));
                report.Rows.Add(new BenchRow($"repair 2048x2048 2% damage, margin {repair.Margin} px, guide on the tile, quantum 32 (sessions 1-4: the agreement margin)", old, "ms", null, big2048, "default"));
                (repair.Margin, repair.GuideContext, repair.TileQuantum) = (margin, guideContext, quantum);
            }
            if (field > margin)
            {
                repair.Margin = field;
                var fullTiles = DirtyTiles.Compute(scattered, repair.Margin, repair.Multiple, RepairEngine.MinimumSize);
                double exact = Median(1, options.Quick ? 1 : 3, () => repair.RepairInPlace(work2048, scattered), () => Reset(work2048, texture2048));
                report.Rows.Add(new BenchRow($"repair 2048x2048 2% damage, margin {field} px (receptive field)", exact, "ms", null));
                report.Notes.Add($"2048 repair with the receptive field as margin ({field} px): {fullTiles.Count} tiles covering " +
                    $"{fullTiles.Sum(t => t.Area) * 100.0 / (2048 * 2048):F1}% of the texture");
                repair.Margin = margin;
            }
        }
        report.Notes.Add(LoadNote());
        report.Notes.Add($"machine speed (a fixed integer loop, best of 3; lower is faster): {speedAtStart} at the start, {MachineSpeed()} at the end");
        return report;
    }

    /// <summary>Tilings the repair model shipped with before (margin, guide window, guide step), for side-by-side rows.</summary>
    private static readonly (string Label, int Margin, int Context, int Step)[] EarlierTilings =
    {
        ("session 5", 32, 64, 1),
        ("session 6", 16, 80, 1),
    };

    /// <summary>
    /// The same fixed single-threaded loop alone and on two threads at once. The VM's speed drifts (up to 2x within an
    /// hour here) and its second vCPU is not always a free core: the figures let runs on different days be compared.
    /// </summary>
    private static string MachineSpeed()
    {
        double alone = double.MaxValue, together = double.MaxValue;
        for (int i = 0; i < 3; i++)
        {
            var sw = Stopwatch.StartNew();
            Spin();
            alone = Math.Min(alone, sw.Elapsed.TotalMilliseconds);
            sw.Restart();
            Parallel.Invoke(() => Spin(), () => Spin());
            together = Math.Min(together, sw.Elapsed.TotalMilliseconds);
        }
        return $"{alone:F0} ms alone, {together:F0} ms for two at once";
    }

    private static long _spinSink;

    private static void Spin()
    {
        ulong x = 88172645463325252UL;
        for (int i = 0; i < 20_000_000; i++)
        {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
        }
        Interlocked.Add(ref _spinSink, (long)x);   // keeps the loop from being optimised away
    }

    /// <summary>Medians are wall-clock: say how busy the machine was.</summary>
    private static string LoadNote()
    {
        string load = "unknown";
        try
        {
            if (File.Exists("/proc/loadavg"))
                load = string.Join(" ", File.ReadAllText("/proc/loadavg").Split(' ').Take(3));
        }
        catch (IOException)
        {
            // Not Linux, or not readable: the note says unknown.
        }
        return $"{Environment.ProcessorCount} logical CPUs ({CpuNote()}), load average {load} (wall-clock medians include other processes' load)";
    }

    /// <summary>
    /// The processor's model and widest vector instructions: ONNX Runtime's kernels depend on them (a bare single-threaded
    /// run of the same synthesis graph took 1.3-2x as long on session 7's AVX2-only machine as on the AVX-512 machine of
    /// earlier sessions), so figures from different machines are not comparable.
    /// </summary>
    private static string CpuNote()
    {
        string model = "model unknown";
        try
        {
            if (File.Exists("/proc/cpuinfo"))
            {
                string? line = File.ReadLines("/proc/cpuinfo").FirstOrDefault(l => l.StartsWith("model name", StringComparison.Ordinal));
                if (line is not null)
                    model = line[(line.IndexOf(':') + 1)..].Trim();
            }
        }
        catch (IOException)
        {
            // Not Linux, or not readable: the note says unknown.
        }
        string isa = System.Runtime.Intrinsics.X86.Avx512F.IsSupported ? "AVX-512"
            : System.Runtime.Intrinsics.X86.Avx2.IsSupported ? "AVX2, no AVX-512"
            : System.Runtime.Intrinsics.Arm.AdvSimd.IsSupported ? "Arm AdvSIMD" : "no AVX2";
        return $"{model}, {isa}";
    }

    private static void AddPeers(BenchReport report, string name, double ms, double target, Peers? peers, RgbaImage texture, DamageMask mask,
        int runs, bool quick)
    {
        if (peers is null)
        {
            report.Rows.Add(new BenchRow(name, ms, "ms", target));
            return;
        }
        double? telea = peers.Telea(texture, mask, Math.Max(1, runs), out string? teleaProblem);
        report.Rows.Add(new BenchRow(name, ms, "ms", target, telea, "OpenCV Telea"));
        if (teleaProblem is not null)
            report.Notes.Add($"{name}: OpenCV peer unavailable: {teleaProblem}");
        if (quick && texture.Width > 256)
            return;   // G'MIC's patch match on 2048^2 takes minutes
        double? gmic = peers.Gmic(texture, mask, quick ? 1 : 3, out string? gmicProblem);
        if (gmic is not null)
            report.Rows.Add(new BenchRow(name + " (vs G'MIC)", ms, "ms", null, gmic, "G'MIC process"));
        else if (gmicProblem is not null)
            report.Notes.Add($"{name}: G'MIC peer unavailable: {gmicProblem}");
    }

    /// <summary>Opens an engine; a model that fails its checks becomes a note and its rows are skipped.</summary>
    private static T? TryOpen<T>(Func<T> open, ModelManifest manifest, BenchReport report) where T : class
    {
        try
        {
            return open();
        }
        catch (TexturePluginException e)
        {
            report.Failures.Add($"{manifest.Kind} model '{manifest.Name}' could not be used, its rows are skipped: {e.Message}");
            return null;
        }
    }

    /// <summary>Still, animated and new-seed 512x512 rows of <paramref name="path"/>'s model (a train-your-own model).</summary>
    private static void TimeExtraSynthesis(string path, BenchOptions options, BenchReport report, Action<string> log, int warmup, int runs)
    {
        ModelManifest manifest;
        try
        {
            manifest = ModelManifest.Load(path);
        }
        catch (TexturePluginException e)
        {
            report.Failures.Add($"--synth-model: {e.Message}");
            return;
        }
        if (TryOpen(() => SynthesisEngine.Open(manifest, options.Session), manifest, report) is not SynthesisEngine engine)
            return;
        using (engine)
        {
            string name = $"'{manifest.Name}'";
            if (512 % engine.Unit != 0)
            {
                report.Failures.Add($"--synth-model {name} makes multiples of {engine.Unit}: no 512x512 rows");
                return;
            }
            report.Notes.Add($"extra synthesis model {name}{Cost(manifest)} on {engine.Session.Provider}");
            var target = new RgbaImage(512, 512);
            log($"synthesis 512x512 with {name} ...");
            report.Rows.Add(new BenchRow($"synthesis 512x512, {name}", Median(warmup, runs, () => engine.GenerateInto(target, 7)), "ms", Synth512TargetMs));
            int frame = 0;
            report.Rows.Add(new BenchRow($"synthesis 512x512 animated frame, {name}",
                Median(warmup, runs, () => engine.GenerateInto(target, 7, 0.25 + frame++ / 120.0)), "ms", Synth512TargetMs));
            int seed = 100;
            report.Rows.Add(new BenchRow($"synthesis 512x512, new seed each call, {name}",
                Median(warmup, runs, () => engine.GenerateInto(target, seed++)), "ms", null));
        }
    }

    /// <summary>The catalog's default repair model (<see cref="ModelCatalog.DefaultRepair"/>); a failure when there is none.</summary>
    private static ModelManifest? DefaultRepair(ModelCatalog? catalog, BenchReport report)
    {
        if (catalog is null)
            return null;
        try
        {
            return ModelManifest.Load(catalog.DefaultRepair().ManifestPath);
        }
        catch (TexturePluginException e)
        {
            report.Failures.Add($"repair rows skipped: {e.Message}");
            return null;
        }
    }

    private static ModelManifest? FirstOfKind(ModelCatalog? catalog, ModelKind kind)
    {
        if (catalog is null)
            return null;
        foreach (ModelEntry entry in catalog.Entries.Where(e => e.HasOnnx).OrderBy(e => e.Name, StringComparer.Ordinal))
        {
            try
            {
                ModelManifest m = ModelManifest.Load(entry.ManifestPath);
                if (m.Kind == kind)
                    return m;
            }
            catch (TexturePluginException)
            {
                // An invalid manifest is listed by `texplug models`; the bench skips it.
            }
        }
        return null;
    }

    /// <summary>" (N parameters, G GFLOP per 256x256)" from the manifest's metrics (GFLOP of the exported graph's
    /// convolutions, training/texlib/onnxio.graph_gflops), or "" when it has neither.</summary>
    public static string Cost(ModelManifest manifest)
    {
        var parts = new List<string>();
        if (manifest.Metrics.TryGetValue("params", out double p))
            parts.Add(p.ToString("N0", System.Globalization.CultureInfo.InvariantCulture) + " parameters");
        if (manifest.Metrics.TryGetValue("gflop_per_256x256", out double g))
            parts.Add(g.ToString("0.###", System.Globalization.CultureInfo.InvariantCulture) + " GFLOP per 256x256");
        return parts.Count == 0 ? "" : " (" + string.Join(", ", parts) + ")";
    }

    private static void Reset(RgbaImage work, RgbaImage original) => Buffer.BlockCopy(original.Pixels, 0, work.Pixels, 0, original.Pixels.Length);

    /// <summary>Median milliseconds of <paramref name="runs"/> calls after <paramref name="warmup"/> (reset runs untimed before each).</summary>
    public static double Median(int warmup, int runs, Action call, Action? reset = null)
    {
        Quiet();
        for (int i = 0; i < warmup; i++)
        {
            reset?.Invoke();
            call();
        }
        var times = new List<double>(runs);
        for (int i = 0; i < runs; i++)
        {
            reset?.Invoke();
            long start = Stopwatch.GetTimestamp();
            call();
            times.Add((Stopwatch.GetTimestamp() - start) * 1000.0 / Stopwatch.Frequency);
        }
        return Median(times);
    }

    /// <summary>Medians of two calls timed alternately (a, b, a, b, ...), so both see the same machine.</summary>
    /// <summary>
    /// Beside a repair row: the same repair without the structure fill (the network alone), interleaved with the default;
    /// then with the texture's offsets found afresh on every call (the default finds them once per image and mask: two
    /// options objects in turn make every call search again).
    /// </summary>
    private static void AddStructureRows(BenchReport report, RepairEngine repair, string row, int warmup, int runs, Action run, Action reset)
    {
        StructureOptions options = repair.Structure;
        var off = options with { Enabled = false };
        var (withMs, withoutMs) = Interleaved(warmup, 2 * runs, () => { reset(); run(); }, () =>
        {
            reset();
            repair.Structure = off;
            run();
            repair.Structure = options;
        });
        report.Rows.Add(new BenchRow($"{row} without the structure fill (interleaved)", withoutMs, "ms", null, withMs, "with it"));
        StructureOptions[] turns = { options with { }, options with { } };
        int turn = 0;
        double afreshMs = Median(warmup, runs, () => { repair.Structure = turns[turn++ % 2]; run(); }, reset);
        repair.Structure = options;
        reset();
        run();   // the lanes' fills back on the default options before any allocation is measured
        report.Rows.Add(new BenchRow($"{row}, offsets found afresh every call", afreshMs, "ms", null, withMs, "found once per image"));
    }

    public static (double A, double B) Interleaved(int warmup, int runs, Action a, Action b)
    {
        Quiet();
        for (int i = 0; i < warmup; i++)
        {
            a();
            b();
        }
        var ta = new List<double>(runs);
        var tb = new List<double>(runs);
        for (int i = 0; i < runs; i++)
        {
            long start = Stopwatch.GetTimestamp();
            a();
            long mid = Stopwatch.GetTimestamp();
            b();
            long end = Stopwatch.GetTimestamp();
            ta.Add((mid - start) * 1000.0 / Stopwatch.Frequency);
            tb.Add((end - mid) * 1000.0 / Stopwatch.Frequency);
        }
        return (Median(ta), Median(tb));
    }

    /// <summary>
    /// A full blocking collection before each measurement, so no background GC left by the previous row (a 2048^2
    /// texture is 16 MiB on the large object heap) shares the two cores with the calls being timed.
    /// </summary>
    private static void Quiet()
    {
        GC.Collect(GC.MaxGeneration, GCCollectionMode.Forced, blocking: true, compacting: true);
        GC.WaitForPendingFinalizers();
        GC.Collect(GC.MaxGeneration, GCCollectionMode.Forced, blocking: true, compacting: true);
    }

    public static double Median(List<double> values)
    {
        values.Sort();
        int n = values.Count;
        return n % 2 == 1 ? values[n / 2] : (values[n / 2 - 1] + values[n / 2]) / 2;
    }

    private static long Allocated(Action call)
    {
        long before = GC.GetAllocatedBytesForCurrentThread();
        call();
        return GC.GetAllocatedBytesForCurrentThread() - before;
    }
}

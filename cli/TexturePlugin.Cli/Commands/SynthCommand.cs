using System.CommandLine;
using System.Diagnostics;
using Spectre.Console;
using TexturePlugin.Core;
using TexturePlugin.Core.Imaging;
using TexturePlugin.Core.Models;
using TexturePlugin.Core.Synthesis;

namespace TexturePlugin.Cli.Commands;

/// <summary>
/// <c>texplug synth --material NAME | --model PATH --size WxH --seed S [--count N] [--time T] [--frames F --fps R --speed V] -o OUT</c>
/// </summary>
internal static class SynthCommand
{
    public static Command Create(GlobalOptions global, IAnsiConsole console)
    {
        var material = new Option<string?>("--material") { Description = "Material: a synthesis model of the catalog or a procedural material" };
        var model = new Option<string?>("--model") { Description = "Synthesis model file (NAME.onnx with NAME.json beside it)" };
        var size = new Option<string>("--size") { Description = "Texture size WIDTHxHEIGHT", Required = true };
        var seed = new Option<int>("--seed") { Description = "Seed (the same seed gives the same texture)", DefaultValueFactory = _ => 1 };
        var count = new Option<int>("--count") { Description = "Variants: seeds S .. S+N-1, written as OUT_SEED.ext", DefaultValueFactory = _ => 1 };
        var time = new Option<double>("--time") { Description = "Animation time in noise slices (0 = still)", DefaultValueFactory = _ => 0.0 };
        var frames = new Option<int>("--frames") { Description = "Animation: this many frames, written as OUT_fNNNN.ext", DefaultValueFactory = _ => 1 };
        var fps = new Option<double>("--fps") { Description = "Animation frame rate", DefaultValueFactory = _ => 24.0 };
        var speed = new Option<double>("--speed") { Description = "Animation speed in noise slices per second", DefaultValueFactory = _ => 0.5 };
        var output = new Option<string>("--output", "-o") { Description = "Output image (.png .tga .jpg .bmp)", Required = true };
        var command = new Command("synth", "Generate textures from a material or a model")
        {
            material, model, size, seed, count, time, frames, fps, speed, output,
        };
        command.SetAction(result =>
        {
            string? materialName = result.GetValue(material), modelPath = result.GetValue(model);
            if ((materialName is null) == (modelPath is null))
                throw new CliException("Give exactly one of --material NAME or --model PATH.");
            var (width, height) = CliIO.ParseSize(result.GetValue(size));
            int n = result.GetValue(count), firstSeed = result.GetValue(seed);
            double t = result.GetValue(time);
            int frameCount = result.GetValue(frames);
            double rate = result.GetValue(fps), slicesPerSecond = result.GetValue(speed);
            if (n < 1)
                throw new CliException($"--count must be at least 1, not {n}.");
            if (double.IsNaN(t) || double.IsInfinity(t))
                throw new CliException("--time must be a finite number.");
            if (frameCount < 1)
                throw new CliException($"--frames must be at least 1, not {frameCount}.");
            if (!(rate > 0) || double.IsInfinity(rate) || double.IsNaN(slicesPerSecond) || double.IsInfinity(slicesPerSecond))
                throw new CliException("--fps must be positive and --speed finite.");
            if (frameCount > 1 && n > 1)
                throw new CliException("Give either --count (variants) or --frames (animation), not both.");
            bool force = result.GetValue(global.Force);
            string outPath = CliIO.CheckOutput(result.GetValue(output), force);
            ImageLimits limits = global.Limits(result);
            limits.Check(width, height, "--size");
            string Named(string suffix) =>
                Path.Combine(Path.GetDirectoryName(outPath) ?? "", $"{Path.GetFileNameWithoutExtension(outPath)}_{suffix}{Path.GetExtension(outPath)}");
            // One job per output: (seed, time) of a variant or of an animation frame at a steady frame rate.
            var jobs = frameCount > 1
                ? Enumerable.Range(0, frameCount).Select(f => (Seed: firstSeed, Time: t + f / rate * slicesPerSecond, Path: Named($"f{f:D4}"))).ToArray()
                : Enumerable.Range(0, n).Select(i => (Seed: firstSeed + i, Time: t, Path: n == 1 ? outPath : Named((firstSeed + i).ToString(System.Globalization.CultureInfo.InvariantCulture)))).ToArray();
            n = jobs.Length;
            string[] outPaths = jobs.Select(j => j.Path).ToArray();
            foreach (string path in outPaths)
                AtomicFile.CheckReplaceable(path, force);   // a read-only later file fails now, not after earlier ones were written

            // Each output is written (atomically) as soon as it is made, from one image reused for every job: memory
            // stays one texture whatever --count or --frames is.
            var watch = Stopwatch.StartNew();
            string source;
            if (modelPath is null && TryProcedural(global, result, materialName!, out ProceduralMaterial? procedural))
            {
                source = $"procedural '{procedural!.Name}'";
                RgbaImage image = procedural.Render(width, height, jobs[0].Seed, jobs[0].Time, limits);
                CliIO.WithProgress(console, $"synth {procedural.Name} {width}x{height}", progress =>
                {
                    for (int i = 0; i < n; i++)
                    {
                        if (i > 0)
                            procedural.Render(image, jobs[i].Seed, jobs[i].Time);
                        ImageIO.Save(image, outPaths[i], replaceReadOnly: force);
                        progress.Report((i + 1.0) / n);
                    }
                    return 0;
                });
            }
            else
            {
                using LoadedModel loaded = modelPath is not null
                    ? CliIO.LoadModelFile(modelPath, SynthesisEngine.PreferredConfig(global.Session(result)))
                    : LoadCatalogMaterial(global, result, materialName!);
                if (loaded.Manifest.Kind != ModelKind.Synthesis)
                    throw new CliException($"Model '{loaded.Manifest.Name}' is a repair model; synth needs a synthesis model.");
                var engine = new SynthesisEngine(loaded.Session, loaded.Manifest) { Limits = limits };
                using (engine)
                {
                    engine.CheckSize(width, height);
                    source = $"model '{loaded.Manifest.Name}' on {loaded.Session.Provider}";
                    var image = new RgbaImage(width, height);
                    CliIO.WithProgress(console, $"synth {loaded.Manifest.Name} {width}x{height}", progress =>
                    {
                        for (int i = 0; i < n; i++)
                        {
                            int k = i;
                            engine.GenerateInto(image, jobs[i].Seed, jobs[i].Time, new InlineProgress(f => progress.Report((k + f) / n)));
                            ImageIO.Save(image, outPaths[i], replaceReadOnly: force);
                        }
                        return 0;
                    });
                }
            }
            string what = frameCount > 1 ? $"{frameCount} frames at {rate} fps, seed {firstSeed}" : $"seed {firstSeed}{(n > 1 ? $"..{firstSeed + n - 1}" : "")}";
            string files = n <= 4 ? string.Join(", ", outPaths) : $"{outPaths[0]} .. {outPaths[n - 1]}";
            console.MarkupLine(Markup.Escape($"wrote {files} ({width}x{height}, {what}, {source}) in {watch.ElapsedMilliseconds} ms"));
            return 0;
        });
        return command;
    }

    private static bool TryProcedural(GlobalOptions global, ParseResult result, string name, out ProceduralMaterial? material)
    {
        // A catalog model of that name wins over a procedural material.
        ModelCatalog? catalog = TryCatalog(global, result, out string? noCatalog);
        if (catalog?.TryFind(name) is { } entry)
        {
            if (!entry.HasOnnx)
                throw new CliException($"Material '{name}' cannot be used: its manifest {entry.ManifestPath} is there, but its ONNX file {Path.GetFileName(entry.OnnxPath)} is missing.");
            material = null;
            return false;
        }
        if (ProceduralMaterial.TryGet(name, out ProceduralMaterial m))
        {
            material = m;
            return true;
        }
        string known = string.Join(", ", (catalog?.Entries.Where(e => e.HasOnnx && CliIO.TryManifest(e.ManifestPath)?.Kind == ModelKind.Synthesis)
                .Select(e => e.Name) ?? Enumerable.Empty<string>())
            .Concat(ProceduralMaterial.All.Select(p => p.Name)));
        string where = noCatalog is null ? "" : $" ({noCatalog}; only the procedural materials are available)";
        throw new CliException($"Unknown material '{name}'{where}; known: {known}.");
    }

    private static LoadedModel LoadCatalogMaterial(GlobalOptions global, ParseResult result, string name) =>
        global.Catalog(result).Load(name, SynthesisEngine.PreferredConfig(global.Session(result)));

    internal static ModelCatalog? TryCatalog(GlobalOptions global, ParseResult result) => TryCatalog(global, result, out _);

    /// <summary>The catalog, or null with the reason when there is no models folder anywhere (procedural materials still work).</summary>
    internal static ModelCatalog? TryCatalog(GlobalOptions global, ParseResult result, out string? problem)
    {
        problem = null;
        try
        {
            return global.Catalog(result);
        }
        catch (ModelException e) when (result.GetValue(global.Models) is null)
        {
            problem = e.Message;
            return null;
        }
    }
}

/// <summary>An <see cref="IProgress{T}"/> that calls back on the reporting thread.</summary>
internal sealed class InlineProgress : IProgress<double>
{
    private readonly Action<double> _report;
    public InlineProgress(Action<double> report) => _report = report;
    public void Report(double value) => _report(value);
}

using TexturePlugin.Core.Repair;
using Spectre.Console;
using TexturePlugin.Core;
using TexturePlugin.Core.Imaging;
using TexturePlugin.Core.Inference;
using TexturePlugin.Core.Models;

namespace TexturePlugin.Cli;

/// <summary>Checks and helpers shared by the commands: inputs, outputs, models, progress.</summary>
internal static class CliIO
{
    /// <summary>
    /// Fails before any work when an output could not be written (unknown extension, missing folder, a folder, a
    /// read-only file without --force).
    /// </summary>
    public static string CheckOutput(string? path, bool force = false)
    {
        if (string.IsNullOrWhiteSpace(path))
            throw new CliException("An output file is needed (-o OUT.png).");
        string ext = Path.GetExtension(path).ToLowerInvariant();
        if (!ImageIO.SaveExtensions.Contains(ext))
            throw new CliException($"{path}: cannot write '{ext}' files; use one of {string.Join(" ", ImageIO.SaveExtensions)}.");
        string folder = Path.GetDirectoryName(Path.GetFullPath(path)) ?? ".";
        if (!Directory.Exists(folder))
            throw new CliException($"{path}: the folder {folder} does not exist.");
        AtomicFile.CheckReplaceable(path!, force);
        return path!;
    }

    /// <summary>Loads an input image within the limits; a missing, unreadable or oversized file fails with its name.</summary>
    public static RgbaImage LoadImage(string? path, string what, ImageLimits limits)
    {
        if (string.IsNullOrWhiteSpace(path))
            throw new CliException($"The {what} file is missing from the command.");
        if (Directory.Exists(path))
            throw new CliException($"{path}: the {what} is a folder, not an image file.");
        if (!File.Exists(path))
            throw new CliException($"{path}: {what} file not found.");
        return ImageIO.Load(path!, limits);
    }

    /// <summary>
    /// Opens a model file given by path (NAME.onnx or NAME.json; the manifest must be beside the ONNX file) and
    /// checks it against its manifest.
    /// </summary>
    public static LoadedModel LoadModelFile(string path, SessionConfig config)
    {
        string manifest = Path.GetExtension(path).Equals(".json", StringComparison.OrdinalIgnoreCase) ? path : Path.ChangeExtension(path, ".json");
        if (!File.Exists(path))
            throw new CliException($"{path}: model file not found.");
        if (!File.Exists(manifest))
            throw new CliException($"{path}: no manifest {Path.GetFileName(manifest)} beside the model.");
        return ModelCatalog.LoadFile(manifest, config);
    }

    /// <summary>The catalog's default repair model (<see cref="ModelCatalog.DefaultRepair"/>), or the one at <paramref name="modelPath"/>.</summary>
    public static LoadedModel LoadRepairModel(string? modelPath, GlobalOptions global, System.CommandLine.ParseResult result)
    {
        SessionConfig config = RepairEngine.PreferredConfig(global.Session(result));
        LoadedModel model;
        if (!string.IsNullOrEmpty(modelPath))
            model = LoadModelFile(modelPath!, config);
        else
        {
            ModelEntry entry;
            try
            {
                entry = global.Catalog(result).DefaultRepair();
            }
            catch (ModelException e)
            {
                throw new CliException($"{e.Message}; give one with --model PATH.");
            }
            model = ModelCatalog.LoadFile(entry.ManifestPath, config);
        }
        if (model.Manifest.Kind != ModelKind.Repair)
        {
            string name = model.Manifest.Name;
            model.Dispose();
            throw new CliException($"Model '{name}' is a synthesis model; repair needs a repair model.");
        }
        return model;
    }

    public static ModelManifest? TryManifest(string path)
    {
        try
        {
            return ModelManifest.Load(path);
        }
        catch (TexturePluginException)
        {
            return null;
        }
    }

    /// <summary>Runs <paramref name="work"/> with a progress bar (on a terminal) and returns its result.</summary>
    public static T WithProgress<T>(IAnsiConsole console, string label, Func<IProgress<double>, T> work)
    {
        T result = default!;
        console.Progress()
            .AutoClear(true)
            .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new ElapsedTimeColumn())
            .Start(ctx =>
            {
                ProgressTask task = ctx.AddTask(Markup.Escape(label), maxValue: 1.0);
                result = work(new Progress(task));
                task.Value = 1.0;
            });
        return result;
    }

    /// <summary>Reports straight into the task (System.Progress would post to another thread).</summary>
    private sealed class Progress : IProgress<double>
    {
        private readonly ProgressTask _task;
        public Progress(ProgressTask task) => _task = task;
        public void Report(double value) => _task.Value = Math.Clamp(value, 0, 1);
    }

    /// <summary>Parses WxH.</summary>
    public static (int Width, int Height) ParseSize(string? text)
    {
        string[] parts = (text ?? "").ToLowerInvariant().Split('x');
        if (parts.Length != 2 || !int.TryParse(parts[0], out int w) || !int.TryParse(parts[1], out int h) || w <= 0 || h <= 0)
            throw new CliException($"--size must be WIDTHxHEIGHT with positive numbers (for example 512x512), not '{text}'.");
        return (w, h);
    }
}

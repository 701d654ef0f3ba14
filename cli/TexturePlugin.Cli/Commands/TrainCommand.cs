using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using System.Text.RegularExpressions;
using Spectre.Console;
using TexturePlugin.Core;
using TexturePlugin.Core.Imaging;
using TexturePlugin.Core.Models;

namespace TexturePlugin.Cli.Commands;

/// <summary>
/// <c>texplug train --exemplar IMG --minutes M --name NAME</c>: runs <c>training/train_synth.py</c> (python from
/// $TEXPLUG_PYTHON or /usr/bin/python3), shows its <c>progress FRACTION MESSAGE</c> lines as a progress bar, and checks
/// that the model it reports (<c>model PATH</c>) loads from the catalog.
/// </summary>
internal static class TrainCommand
{
    public const string PythonVariable = "TEXPLUG_PYTHON";

    public static Command Create(GlobalOptions global, IAnsiConsole console)
    {
        var exemplar = new Option<string>("--exemplar") { Description = "Exemplar texture to learn", Required = true };
        var minutes = new Option<double>("--minutes") { Description = "Training time in minutes", Required = true };
        var name = new Option<string>("--name") { Description = "Model name (letters, digits, - and _)", Required = true };
        var seed = new Option<int>("--seed") { Description = "Training seed", DefaultValueFactory = _ => 0 };
        var method = new Option<string>("--method")
        {
            Description = "copy: a trained selector of shifted copies of the exemplar (sizes multiples of 64-256 px, its period); "
                + "gan: a convolutional generator (any multiple of 8 px)",
            DefaultValueFactory = _ => "copy",
        };
        method.AcceptOnlyFromAmong("copy", "gan");
        var command = new Command("train", "Train a synthesis model on an exemplar and add it to the catalog") { exemplar, minutes, name, seed, method };
        command.SetAction(result =>
        {
            string exemplarPath = result.GetValue(exemplar)!;
            string modelName = result.GetValue(name)!;
            double m = result.GetValue(minutes);
            if (!(m > 0) || double.IsInfinity(m))
                throw new CliException($"--minutes must be a positive number, not {m.ToString(CultureInfo.InvariantCulture)}.");
            if (!Regex.IsMatch(modelName, "^[A-Za-z0-9_-]{1,64}$"))
                throw new CliException($"--name '{modelName}' must be 1 to 64 letters, digits, '-' or '_'.");
            CliIO.LoadImage(exemplarPath, "exemplar", global.Limits(result));   // fails now, not after python started
            int threads = result.GetValue(global.Threads);
            string script = FindTrainingScript();
            string python = Environment.GetEnvironmentVariable(PythonVariable) is { Length: > 0 } p ? p : "/usr/bin/python3";
            if (!File.Exists(python))
                throw new CliException($"Python not found at {python} (set ${PythonVariable}).");
            string outFolder = ResolveOutFolder(global, result);

            var args = new List<string> { script, "--exemplar", Path.GetFullPath(exemplarPath), "--minutes", m.ToString(CultureInfo.InvariantCulture),
                "--name", modelName, "--out", outFolder, "--seed", result.GetValue(seed).ToString(CultureInfo.InvariantCulture),
                "--method", result.GetValue(method)! };
            if (threads > 0)
                args.AddRange(new[] { "--threads", threads.ToString(CultureInfo.InvariantCulture) });
            string? modelPath = null;
            var errors = new List<string>();
            int exit = CliIO.WithProgress(console, $"train {modelName}", progress => Run(python, args, progress, line => modelPath = line, errors));
            if (exit != 0)
            {
                string last = errors.LastOrDefault(l => l.Trim().Length > 0)?.Trim() ?? "no message";
                throw new CliException($"Training failed (python exit code {exit}): {last}");
            }
            if (modelPath is null)
                throw new CliException("Training ended without reporting a model (no 'model PATH' line).");
            string manifestPath = Path.ChangeExtension(modelPath, ".json");
            using (LoadedModel check = ModelCatalog.LoadFile(manifestPath, global.Session(result)))
                console.MarkupLine(Markup.Escape($"model '{check.Manifest.Name}' ({check.Manifest.Kind.ToString().ToLowerInvariant()}, sizes: multiples of {check.Manifest.SizeMultiple} px) added to the catalog: {modelPath}"));
            return 0;
        });
        return command;
    }

    private static int Run(string python, List<string> args, IProgress<double> progress, Action<string> model, List<string> errors)
    {
        var start = new ProcessStartInfo(python)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (string a in args)
            start.ArgumentList.Add(a);
        using var process = Process.Start(start) ?? throw new CliException($"Could not start {python}.");
        process.ErrorDataReceived += (_, e) =>
        {
            if (e.Data is null) return;
            lock (errors)
            {
                errors.Add(e.Data);
                if (errors.Count > 200) errors.RemoveAt(0);
            }
        };
        process.BeginErrorReadLine();
        string? line;
        while ((line = process.StandardOutput.ReadLine()) is not null)
        {
            if (line.StartsWith("progress ", StringComparison.Ordinal))
            {
                string[] parts = line.Split(new[] { ' ' }, 3);
                if (parts.Length >= 2 && double.TryParse(parts[1], NumberStyles.Float, CultureInfo.InvariantCulture, out double f))
                    progress.Report(f);
            }
            else if (line.StartsWith("model ", StringComparison.Ordinal))
                model(line.Substring(6).Trim());
        }
        process.WaitForExit();
        return process.ExitCode;
    }

    private static string ResolveOutFolder(GlobalOptions global, ParseResult result)
    {
        try
        {
            return global.Catalog(result).Root;
        }
        catch (TexturePluginException) when (result.GetValue(global.Models) is null)
        {
            // No catalog yet: create models/ beside training/.
            string folder = Path.Combine(Path.GetDirectoryName(Path.GetDirectoryName(FindTrainingScript()))!, "models");
            Directory.CreateDirectory(folder);
            return folder;
        }
    }

    /// <summary>
    /// training/train_synth.py, walking up from the program's folder, then from the current folder, then the source tree
    /// the program was built from.
    /// </summary>
    internal static string FindTrainingScript()
    {
        string? built = typeof(TrainCommand).Assembly.GetCustomAttributes(typeof(System.Reflection.AssemblyMetadataAttribute), false)
            .Cast<System.Reflection.AssemblyMetadataAttribute>().FirstOrDefault(a => a.Key == "TexplugSourceRoot")?.Value;
        var starts = new List<string> { AppContext.BaseDirectory, Directory.GetCurrentDirectory() };
        if (!string.IsNullOrEmpty(built) && Directory.Exists(built))
            starts.Add(built!);
        foreach (string start in starts)
            for (var dir = new DirectoryInfo(start); dir != null; dir = dir.Parent)
            {
                string candidate = Path.Combine(dir.FullName, "training", "train_synth.py");
                if (File.Exists(candidate))
                    return candidate;
            }
        throw new CliException($"training/train_synth.py not found above {AppContext.BaseDirectory} or {Directory.GetCurrentDirectory()}.");
    }
}

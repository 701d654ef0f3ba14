using System.CommandLine;
using Spectre.Console;
using TexturePlugin.Bench;

namespace TexturePlugin.Cli.Commands;

/// <summary><c>texplug bench [--quick]</c>: the benchmark of bench/ with its targets and peers.</summary>
internal static class BenchCommand
{
    public static Command Create(GlobalOptions global, IAnsiConsole console)
    {
        var quick = new Option<bool>("--quick") { Description = "Short run: fewer repetitions and sizes" };
        var noPeers = new Option<bool>("--no-peers") { Description = "Skip OpenCV and G'MIC" };
        var extra = new Option<string?>("--synth-model") { Description = "Also time this synthesis model (NAME.json or NAME.onnx, e.g. one texplug train made) at 512x512" };
        var command = new Command("bench", "Measure synthesis and repair against their targets and peers") { quick, noPeers, extra };
        command.SetAction(result =>
        {
            var options = new BenchOptions
            {
                Quick = result.GetValue(quick),
                Peers = !result.GetValue(noPeers),
                Session = global.Session(result),
                ModelsFolder = result.GetValue(global.Models),
                ExtraSynthesisManifest = result.GetValue(extra) is { } p ? ExtraManifest(p) : null,
            };
            BenchReport report = BenchRunner.Run(options, line => console.MarkupLine(Markup.Escape(line)));
            var table = new Table().AddColumns("Measure", "Median", "Target", "Result", "Peer", "Ratio");
            foreach (BenchRow row in report.Rows)
                table.AddRow(Markup.Escape(row.Name), Markup.Escape(row.ValueText), Markup.Escape(row.TargetText),
                    row.Pass is null ? "-" : row.Pass.Value ? "PASS" : "FAIL", Markup.Escape(row.PeerText), Markup.Escape(row.RatioText));
            console.Write(table);
            foreach (string note in report.Notes.Concat(report.Failures))
                console.MarkupLine(Markup.Escape(note));
            if (report.Failures.Count > 0)
                throw new CliException($"{report.Failures.Count} part{(report.Failures.Count == 1 ? "" : "s")} of the bench could not run: {report.Failures[0]}"
                    + (report.Failures.Count > 1 ? $" (and {report.Failures.Count - 1} more above)" : ""));
            return 0;
        });
        return command;
    }

    /// <summary>The manifest of a --synth-model, checked before any timing starts.</summary>
    private static string ExtraManifest(string path)
    {
        if (string.IsNullOrWhiteSpace(path) || !File.Exists(path))
            throw new CliException($"--synth-model {path}: model file not found.");
        string manifest = Path.ChangeExtension(Path.GetFullPath(path), ".json");
        if (!File.Exists(manifest))
            throw new CliException($"--synth-model {path}: no manifest {Path.GetFileName(manifest)} beside the model.");
        return manifest;
    }
}

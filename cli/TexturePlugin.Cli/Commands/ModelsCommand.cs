using System.CommandLine;
using Spectre.Console;
using TexturePlugin.Core;
using TexturePlugin.Core.Inference;
using TexturePlugin.Core.Models;
using TexturePlugin.Core.Synthesis;

namespace TexturePlugin.Cli.Commands;

/// <summary>
/// <c>texplug models [--check]</c>: the catalog (name, kind, size multiple, tileable, provenance) and the procedural
/// materials; with --check every model is also loaded and run once (<see cref="ModelHealth"/>) and marked ok or broken.
/// </summary>
internal static class ModelsCommand
{
    public static Command Create(GlobalOptions global, IAnsiConsole console)
    {
        var check = new Option<bool>("--check") { Description = "Load and run every model once (the checks a load makes, then a small run) and mark it ok or broken" };
        var command = new Command("models", "List the model catalog and the procedural materials") { check };
        command.SetAction(result =>
        {
            bool checking = result.GetValue(check);
            SessionConfig? config = checking ? global.Session(result) : null;
            ModelCatalog? catalog = SynthCommand.TryCatalog(global, result, out string? noCatalog);
            var table = new Table().AddColumns("Name", "Kind", "Size multiple", "Tileable", "Provenance");
            if (checking)
                table.AddColumn("Check");
            var broken = new List<string>();
            if (catalog is null)
                console.MarkupLine(Markup.Escape($"{noCatalog}; procedural materials only"));
            else
            {
                console.MarkupLine(Markup.Escape($"catalog {catalog.Root} ({catalog.FoundBy})"));
                foreach (ModelEntry entry in catalog.Entries.OrderBy(e => e.Name, StringComparer.Ordinal))
                {
                    var cells = new List<string>();
                    try
                    {
                        ModelManifest m = ModelManifest.Load(entry.ManifestPath);
                        string provenance = string.Join("; ", new[] { "data", "licence", "training_seconds", "date" }
                            .Where(k => m.Provenance.ContainsKey(k)).Select(k => $"{k}: {m.Provenance[k]}"));
                        if (!entry.HasOnnx)
                            provenance = $"MISSING {Path.GetFileName(entry.OnnxPath)}; " + provenance;
                        cells.AddRange(new[] { Markup.Escape(m.Name), m.Kind.ToString().ToLowerInvariant(), m.SizeMultiple.ToString(),
                            m.Tileable ? "yes" : "no", Markup.Escape(provenance) });
                    }
                    catch (TexturePluginException e)
                    {
                        cells.AddRange(new[] { Markup.Escape(entry.Name), "invalid", "", "", Markup.Escape(e.Message) });
                    }
                    if (checking)
                    {
                        string? problem = ModelHealth.Problem(entry, config!);
                        if (problem is not null)
                            broken.Add($"{entry.Name}: {problem}");
                        cells.Add(problem is null ? "ok" : "broken");
                    }
                    table.AddRow(cells.ToArray());
                }
            }
            foreach (ProceduralMaterial p in ProceduralMaterial.All)
                table.AddRow(new[] { p.Name, "procedural", "1", "yes", Markup.Escape(p.Description) }.Concat(checking ? new[] { "ok" } : Array.Empty<string>()).ToArray());
            console.Write(table);
            // One line per broken model, below the table, so the reason is never wrapped into a narrow column.
            foreach (string line in broken)
                console.WriteLine($"broken {line}");
            if (broken.Count > 0)
                throw new CliException($"{broken.Count} of {catalog!.Entries.Count} models are broken: "
                    + $"{string.Join(", ", broken.Select(b => b.Substring(0, b.IndexOf(':'))))} (the reasons are listed above).");
            return 0;
        });
        return command;
    }
}

using System.CommandLine;
using Spectre.Console;
using TexturePlugin.Core;
using TexturePlugin.Core.Models;
using TexturePlugin.Core.Synthesis;

namespace TexturePlugin.Cli.Commands;

/// <summary><c>texplug models</c>: the catalog (name, kind, size multiple, tileable, provenance) and the procedural materials.</summary>
internal static class ModelsCommand
{
    public static Command Create(GlobalOptions global, IAnsiConsole console)
    {
        var command = new Command("models", "List the model catalog and the procedural materials");
        command.SetAction(result =>
        {
            ModelCatalog? catalog = SynthCommand.TryCatalog(global, result);
            var table = new Table().AddColumns("Name", "Kind", "Size multiple", "Tileable", "Provenance");
            if (catalog is null)
                console.MarkupLine("no models folder found (set --models or $TEXPLUG_MODELS); procedural materials only");
            else
            {
                console.MarkupLine(Markup.Escape($"catalog {catalog.Root} ({catalog.FoundBy})"));
                foreach (ModelEntry entry in catalog.Entries.OrderBy(e => e.Name, StringComparer.Ordinal))
                {
                    try
                    {
                        ModelManifest m = ModelManifest.Load(entry.ManifestPath);
                        string provenance = string.Join("; ", new[] { "data", "licence", "training_seconds", "date" }
                            .Where(k => m.Provenance.ContainsKey(k)).Select(k => $"{k}: {m.Provenance[k]}"));
                        if (!entry.HasOnnx)
                            provenance = $"MISSING {Path.GetFileName(entry.OnnxPath)}; " + provenance;
                        table.AddRow(Markup.Escape(m.Name), m.Kind.ToString().ToLowerInvariant(), m.SizeMultiple.ToString(),
                            m.Tileable ? "yes" : "no", Markup.Escape(provenance));
                    }
                    catch (TexturePluginException e)
                    {
                        table.AddRow(Markup.Escape(entry.Name), "invalid", "", "", Markup.Escape(e.Message));
                    }
                }
            }
            foreach (ProceduralMaterial p in ProceduralMaterial.All)
                table.AddRow(p.Name, "procedural", "1", "yes", Markup.Escape(p.Description));
            console.Write(table);
            return 0;
        });
        return command;
    }
}

using TexturePlugin.Core;
using TexturePlugin.Core.Imaging;
using TexturePlugin.Core.Inference;
using TexturePlugin.Core.Models;
using TexturePlugin.Core.Repair;
using TexturePlugin.Core.Synthesis;

namespace TexturePlugin.Cli;

/// <summary>
/// <c>texplug models --check</c>: whether a catalog entry works, by doing what a command does with it. The manifest,
/// the ONNX file (truncated, not ONNX, external data), the session and the manifest/model comparison are the checks
/// a load makes; one small run then finds what only a run shows (NaN or infinite outputs, shapes the graph rejects).
/// </summary>
internal static class ModelHealth
{
    /// <summary>Null when the entry loads and runs; otherwise the reason, one line.</summary>
    public static string? Problem(ModelEntry entry, SessionConfig config)
    {
        try
        {
            ModelManifest manifest = ModelManifest.Load(entry.ManifestPath);
            SessionConfig preferred = manifest.Kind == ModelKind.Synthesis ? SynthesisEngine.PreferredConfig(config) : RepairEngine.PreferredConfig(config);
            using LoadedModel loaded = ModelCatalog.LoadFile(entry.ManifestPath, preferred);
            if (manifest.Kind == ModelKind.Synthesis)
            {
                using var engine = new SynthesisEngine(loaded.Session, loaded.Manifest);
                int side = (SynthesisEngine.MinimumSize + engine.Unit - 1) / engine.Unit * engine.Unit;
                engine.Generate(side, side, seed: 1);
            }
            else
            {
                using var engine = new RepairEngine(loaded.Session, loaded.Manifest);
                int side = RepairEngine.MinimumSize;
                var image = new RgbaImage(side, side);
                for (int i = 0; i < image.Pixels.Length; i++)
                    image.Pixels[i] = (byte)(i * 37 % 251);
                var mask = new DamageMask(side, side);
                mask.FillRect(side / 4, side / 4, side / 4, side / 4);
                engine.Repair(image, mask, dirtyTilesOnly: false);
            }
            return null;
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            // ONNX Runtime's own exceptions reach here for graphs that load but cannot run.
            return e is TexturePluginException ? e.Message : $"{e.Message} ({e.GetType().Name})";
        }
    }
}

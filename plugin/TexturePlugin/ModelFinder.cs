using TexturePlugin.Abstractions;
using TexturePlugin.Core.Models;

namespace TexturePlugin;

/// <summary>
/// Finds the model manifests the plugin can use. Folder, in order (ARCHITECTURE.md, catalog rule):
/// <c>$TEXPLUG_MODELS</c>, <c>models/</c> beside the plugin, then the first <c>models/</c> walking up
/// from the plugin folder or the current directory. A manifest that does not load is skipped with a warning.
/// </summary>
internal static class ModelFinder
{
    public static string? FindFolder(string pluginDirectory)
    {
        string? env = Environment.GetEnvironmentVariable("TEXPLUG_MODELS");
        if (!string.IsNullOrEmpty(env))
            return Directory.Exists(env) ? env : null;
        foreach (string start in new[] { pluginDirectory, Directory.GetCurrentDirectory() })
            for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
            {
                string candidate = Path.Combine(dir.FullName, "models");
                if (Directory.Exists(candidate) && Directory.EnumerateFiles(candidate, "*.json").Any())
                    return candidate;
            }

        return null;
    }

    public static List<ModelManifest> Load(string? folder, ModelKind kind, IPluginLog log)
    {
        var found = new List<ModelManifest>();
        if (folder is null)
            return found;
        foreach (string path in Directory.GetFiles(folder, "*.json").Order(StringComparer.Ordinal))
        {
            try
            {
                var manifest = ModelManifest.Load(path);
                if (manifest.Kind == kind && File.Exists(Path.ChangeExtension(path, ".onnx")))
                    found.Add(manifest);
            }
            catch (Exception e) when (e is Core.TexturePluginException or IOException)
            {
                log.Write(LogLevel.Warning, $"skipping {path}: {e.Message}");
            }
        }

        return found;
    }
}

using System.Text.Json;

namespace TexturePlugin.Demo.Plugins;

/// <summary>
/// <c>plugin.json</c> in a plugin's folder: <c>{"name": "...", "assembly": "X.dll", "type": "Namespace.Type"}</c>
/// ("type" optional: the one public IPlugin implementation is used).
/// </summary>
internal sealed class PluginManifest
{
    public const string FileName = "plugin.json";

    private PluginManifest(string name, string assemblyPath, string? typeName, string directory)
    {
        Name = name;
        AssemblyPath = assemblyPath;
        TypeName = typeName;
        Directory = directory;
    }

    public string Name { get; }

    /// <summary>Absolute path of the plugin's main assembly.</summary>
    public string AssemblyPath { get; }

    public string? TypeName { get; }

    /// <summary>The plugin's folder.</summary>
    public string Directory { get; }

    public static PluginManifest Load(string manifestPath)
    {
        JsonDocument doc;
        try
        {
            doc = JsonDocument.Parse(File.ReadAllText(manifestPath));
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or JsonException)
        {
            throw new DemoException($"{manifestPath}: cannot be read as JSON: {e.Message}", e);
        }

        using (doc)
        {
            var root = doc.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
                throw new DemoException($"{manifestPath}: expected a JSON object, found {root.ValueKind}.");
            string directory = Path.GetDirectoryName(Path.GetFullPath(manifestPath))!;
            string name = Text(root, "name", manifestPath) ?? Path.GetFileName(directory);
            string assembly = Text(root, "assembly", manifestPath)
                ?? throw new DemoException($"{manifestPath}: \"assembly\" (the plugin DLL, relative to the manifest) is missing.");
            string assemblyPath = Path.GetFullPath(Path.Combine(directory, assembly));
            if (!assemblyPath.StartsWith(directory + Path.DirectorySeparatorChar, StringComparison.Ordinal))
                throw new DemoException($"{manifestPath}: \"assembly\" {assembly} points outside the plugin folder.");
            return new PluginManifest(name, assemblyPath, Text(root, "type", manifestPath), directory);
        }
    }

    private static string? Text(JsonElement root, string key, string path)
    {
        if (!root.TryGetProperty(key, out var value) || value.ValueKind == JsonValueKind.Null)
            return null;
        if (value.ValueKind != JsonValueKind.String || string.IsNullOrWhiteSpace(value.GetString()))
            throw new DemoException($"{path}: \"{key}\" must be a non-empty string.");
        return value.GetString();
    }
}

using TexturePlugin.Core.Inference;

namespace TexturePlugin.Core.Models;

/// <summary>A model in the catalog: <c>NAME.json</c> with <c>NAME.onnx</c> beside it.</summary>
public sealed class ModelEntry
{
    public ModelEntry(string name, string manifestPath, string onnxPath)
    {
        Name = name;
        ManifestPath = manifestPath;
        OnnxPath = onnxPath;
    }

    public string Name { get; }
    public string ManifestPath { get; }
    public string OnnxPath { get; }
    public bool HasOnnx => File.Exists(OnnxPath);
}

/// <summary>A manifest with its open, validated session. Disposing closes the session.</summary>
public sealed class LoadedModel : IDisposable
{
    public LoadedModel(ModelManifest manifest, ModelSession session)
    {
        Manifest = manifest;
        Session = session;
    }

    public ModelManifest Manifest { get; }
    public ModelSession Session { get; }

    public void Dispose() => Session.Dispose();
}

/// <summary>
/// The models folder: every <c>NAME.json</c> there with its <c>NAME.onnx</c>. The folder is an explicit path, else
/// <c>$TEXPLUG_MODELS</c>, else <c>models/</c> beside the executing assembly, else the first <c>models/</c> walking up
/// from the assembly's folder, then from the current directory.
/// </summary>
public sealed class ModelCatalog
{
    public const string EnvironmentVariable = "TEXPLUG_MODELS";

    private readonly Dictionary<string, ModelEntry> _entries;

    private ModelCatalog(string root, string how)
    {
        Root = root;
        FoundBy = how;
        _entries = new Dictionary<string, ModelEntry>(StringComparer.Ordinal);
        foreach (string json in Directory.GetFiles(root, "*.json").OrderBy(p => p, StringComparer.Ordinal))
        {
            string name = Path.GetFileNameWithoutExtension(json);
            _entries[name] = new ModelEntry(name, json, Path.ChangeExtension(json, ".onnx"));
        }
    }

    /// <summary>The models folder (full path).</summary>
    public string Root { get; }

    /// <summary>How the folder was found (explicit, environment, beside the assembly, walking up).</summary>
    public string FoundBy { get; }

    /// <summary>Every manifest in the folder, by name.</summary>
    public IReadOnlyList<ModelEntry> Entries => _entries.Values.ToArray();

    /// <summary>Opens the catalog at <paramref name="explicitFolder"/> or finds it by the discovery rule.</summary>
    /// <exception cref="ModelException">The explicit or environment folder does not exist, or no models folder was found.</exception>
    public static ModelCatalog Open(string? explicitFolder = null)
    {
        (string root, string how) = Locate(explicitFolder, Environment.GetEnvironmentVariable(EnvironmentVariable),
            AssemblyFolder(), Directory.GetCurrentDirectory());
        return new ModelCatalog(root, how);
    }

    /// <summary>The discovery rule with its inputs made explicit (testable); returns the folder and how it was found.</summary>
    public static (string Folder, string How) Locate(string? explicitFolder, string? environment, string? assemblyFolder, string? currentDirectory)
    {
        if (!string.IsNullOrWhiteSpace(explicitFolder))
        {
            if (!Directory.Exists(explicitFolder))
                throw new ModelException(explicitFolder, "models folder does not exist");
            return (Path.GetFullPath(explicitFolder!), "explicit path");
        }
        if (!string.IsNullOrWhiteSpace(environment))
        {
            if (!Directory.Exists(environment))
                throw new ModelException(environment, $"models folder from ${EnvironmentVariable} does not exist");
            return (Path.GetFullPath(environment!), $"${EnvironmentVariable}");
        }
        var looked = new List<string>();
        if (assemblyFolder is not null)
        {
            string beside = Path.Combine(assemblyFolder, "models");
            if (Directory.Exists(beside))
                return (Path.GetFullPath(beside), "beside the assembly");
            looked.Add(beside);
        }
        foreach (string? start in new[] { assemblyFolder, currentDirectory })
        {
            if (start is null)
                continue;
            for (DirectoryInfo? dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
            {
                string candidate = Path.Combine(dir.FullName, "models");
                if (Directory.Exists(candidate))
                    return (candidate, $"walking up from {start}");
            }
            looked.Add($"every models/ from {start} up");
        }
        throw new ModelException(null, $"no models folder found: give a path, set ${EnvironmentVariable}, or put models/ beside the program (looked in {string.Join("; ", looked)})");
    }

    /// <summary>The entry called <paramref name="name"/>, or null.</summary>
    public ModelEntry? TryFind(string name) => _entries.TryGetValue(name, out ModelEntry? e) ? e : null;

    /// <summary>The entry called <paramref name="name"/>.</summary>
    /// <exception cref="ModelException">No such model (the message lists the ones there are).</exception>
    public ModelEntry Find(string name) =>
        TryFind(name) ?? throw new ModelException(Path.Combine(Root, name + ".json"),
            $"no model '{name}' in {Root} (models: {(_entries.Count == 0 ? "none" : string.Join(", ", _entries.Keys))})");

    /// <summary>The name of the repair model hosts use when none is given.</summary>
    public const string DefaultRepairName = "repair";

    /// <summary>
    /// The repair model used when none is given: the entry named <see cref="DefaultRepairName"/>; else the one repair
    /// manifest marked <c>"default": true</c>; else the folder's only repair model. Never a pick among several: one
    /// broken or unrelated model must not change which model repairs.
    /// </summary>
    /// <exception cref="ModelException">No such entry (the message names the repair models there are).</exception>
    public ModelEntry DefaultRepair()
    {
        if (TryFind(DefaultRepairName) is { } named)
            return named;
        var repairs = new List<(ModelEntry Entry, bool IsDefault)>();
        foreach (ModelEntry entry in _entries.Values)
            if (TryManifest(entry.ManifestPath) is { Kind: ModelKind.Repair } m)
                repairs.Add((entry, m.IsDefault));
        var marked = repairs.Where(r => r.IsDefault).ToList();
        if (marked.Count == 1)
            return marked[0].Entry;
        if (marked.Count == 0 && repairs.Count == 1)
            return repairs[0].Entry;
        string names = string.Join(", ", repairs.Select(r => r.Entry.Name + (r.IsDefault ? " (default)" : "")));
        throw new ModelException(null, repairs.Count == 0
            ? $"No repair model in the catalog at {Root} (no {DefaultRepairName}.json, and no other manifest of kind repair)"
            : $"No {DefaultRepairName}.json in the catalog at {Root}, and {(marked.Count == 0 ? "none" : marked.Count.ToString(System.Globalization.CultureInfo.InvariantCulture))} "
              + $"of its {repairs.Count} repair models ({names}) is marked \"default\": true, so which one is meant is not clear");
    }

    private static ModelManifest? TryManifest(string manifestPath)
    {
        try
        {
            return ModelManifest.Load(manifestPath);
        }
        catch (TexturePluginException)
        {
            return null;
        }
    }

    /// <summary>Reads and checks the manifest of <paramref name="name"/>.</summary>
    public ModelManifest LoadManifest(string name) => ModelManifest.Load(Find(name).ManifestPath);

    /// <summary>
    /// Opens model <paramref name="name"/>: manifest, ONNX file (external data confined to its folder), session,
    /// and the manifest/model comparison.
    /// </summary>
    public LoadedModel Load(string name, SessionConfig? config = null)
    {
        return LoadFile(Find(name).ManifestPath, config);
    }

    /// <summary>
    /// Opens the model a manifest file describes (NAME.onnx beside NAME.json), checks the name, and validates the
    /// model against the manifest.
    /// </summary>
    /// <exception cref="ModelException">Any problem with the manifest, the file or the model.</exception>
    /// <exception cref="ModelMismatchException">The model differs from its manifest (every difference named).</exception>
    public static LoadedModel LoadFile(string manifestPath, SessionConfig? config = null)
    {
        ModelManifest manifest = ModelManifest.Load(manifestPath);
        string stem = Path.GetFileNameWithoutExtension(manifestPath);
        if (manifest.Name != stem)
            throw new ModelException(manifestPath, $"manifest name '{manifest.Name}' differs from its file name '{stem}'");
        if (!File.Exists(manifest.OnnxPath))
            throw new ModelException(manifest.OnnxPath, $"does not exist: the manifest {Path.GetFileName(manifestPath)} is there, but its ONNX file is missing (it must be beside the manifest)");
        ModelSession session = ModelSession.Open(manifest.OnnxPath, config);
        try
        {
            ModelValidator.Validate(manifest, session);
            return new LoadedModel(manifest, session);
        }
        catch
        {
            session.Dispose();
            throw;
        }
    }

    private static string? AssemblyFolder()
    {
        string location = typeof(ModelCatalog).Assembly.Location;
        if (!string.IsNullOrEmpty(location))
            return Path.GetDirectoryName(location);
        // Single-file publish and some engines load from memory: fall back to the application folder.
        return string.IsNullOrEmpty(AppContext.BaseDirectory) ? null : AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar);
    }
}

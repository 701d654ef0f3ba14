using System.Reflection;
using System.Runtime.Loader;

namespace TexturePlugin.Demo.Plugins;

/// <summary>
/// One collectible load context per plugin. Dependencies (Core, ONNX Runtime's managed and native
/// libraries) resolve from the plugin's own deps.json through <see cref="AssemblyDependencyResolver"/>;
/// the contract assembly is shared with the host so IPlugin means the same type on both sides.
/// </summary>
internal sealed class PluginLoadContext : AssemblyLoadContext
{
    private static readonly string SharedContract = typeof(TexturePlugin.Abstractions.IPlugin).Assembly.GetName().Name!;

    private readonly AssemblyDependencyResolver _resolver;

    public PluginLoadContext(string mainAssemblyPath, string name)
        : base(name, isCollectible: true)
    {
        _resolver = new AssemblyDependencyResolver(mainAssemblyPath);
    }

    /// <summary>Loads the main assembly from a copy in memory, so a rebuild can replace the file while it is loaded.</summary>
    public Assembly LoadMain(string path)
    {
        using var assembly = new MemoryStream(File.ReadAllBytes(path));
        string pdb = Path.ChangeExtension(path, ".pdb");
        if (!File.Exists(pdb))
            return LoadFromStream(assembly);
        using var symbols = new MemoryStream(File.ReadAllBytes(pdb));
        return LoadFromStream(assembly, symbols);
    }

    protected override Assembly? Load(AssemblyName assemblyName)
    {
        if (assemblyName.Name == SharedContract)
            return null; // the host's copy
        string? path = _resolver.ResolveAssemblyToPath(assemblyName);
        return path is null ? null : LoadFromAssemblyPath(path);
    }

    protected override IntPtr LoadUnmanagedDll(string unmanagedDllName)
    {
        string? path = _resolver.ResolveUnmanagedDllToPath(unmanagedDllName);
        return path is null ? IntPtr.Zero : LoadUnmanagedDllFromPath(path);
    }
}

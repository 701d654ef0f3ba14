using System.Reflection;
using System.Runtime.CompilerServices;
using TexturePlugin.Abstractions;
using TexturePlugin.Demo.Hosting;

namespace TexturePlugin.Demo.Plugins;

/// <summary>What a plugin slot is doing.</summary>
internal enum PluginState
{
    NotLoaded,
    Running,
    Failed,
    Unloaded,
}

/// <summary>
/// One plugin: its load context, instance and services. Every call into the plugin is guarded: an
/// exception disables the plugin, records the error for the HUD, deletes the textures it owned and
/// unloads its context; the host carries on.
/// </summary>
internal sealed class LoadedPlugin
{
    private readonly Func<PluginManifest, PluginHost> _makeHost;
    private readonly DemoLog _log;
    private PluginLoadContext? _context;
    private IPlugin? _instance;

    public LoadedPlugin(PluginManifest manifest, Func<PluginManifest, PluginHost> makeHost, DemoLog log)
    {
        Manifest = manifest;
        _makeHost = makeHost;
        _log = log;
    }

    public PluginManifest Manifest { get; }

    public string Name => Manifest.Name;

    public PluginState State { get; private set; }

    /// <summary>Why the plugin was disabled (null while it runs).</summary>
    public string? Error { get; private set; }

    /// <summary>The services of the current load (a fresh set after each reload).</summary>
    public PluginHost? Host { get; private set; }

    /// <summary>1 after the first load, +1 per reload.</summary>
    public int Generation { get; private set; }

    /// <summary>Loads the assembly into a fresh context and starts the plugin; on failure the slot is <see cref="PluginState.Failed"/>.</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    public void Start()
    {
        Generation++;
        Error = null;
        var host = _makeHost(Manifest);
        Host = host;
        try
        {
            if (!File.Exists(Manifest.AssemblyPath))
                throw new DemoException($"{Manifest.AssemblyPath}: the plugin assembly named in {PluginManifest.FileName} does not exist.");
            _context = new PluginLoadContext(Manifest.AssemblyPath, "plugin:" + Manifest.Name);
            var assembly = _context.LoadMain(Manifest.AssemblyPath);
            var type = FindPluginType(assembly);
            _instance = (IPlugin)(Activator.CreateInstance(type)
                ?? throw new DemoException($"{Manifest.AssemblyPath}: {type.FullName} could not be created."));
            State = PluginState.Running;
            _instance.Load(host);
            _instance.OnGraphicsDeviceEvent(GraphicsDeviceEvent.Initialize);
            _log.Write(LogLevel.Info, "host", $"plugin '{Name}' loaded (generation {Generation}) from {Manifest.AssemblyPath}");
        }
        catch (Exception e)
        {
            Fail("loading", e);
        }
    }

    public void Update(FrameTime time)
    {
        if (State != PluginState.Running)
            return;
        Host!.Time = time;
        try
        {
            _instance!.Update(time);
        }
        catch (Exception e)
        {
            Fail("Update", e);
        }
    }

    public void RenderEvent(int eventId)
    {
        if (State != PluginState.Running)
            return;
        try
        {
            _instance!.OnRenderEvent(eventId);
        }
        catch (Exception e)
        {
            Fail("OnRenderEvent", e);
        }
    }

    /// <summary>
    /// Shuts the plugin down (device shutdown, unload), deletes its textures and unloads its context.
    /// Returns a weak reference to the context so callers can watch it being collected.
    /// </summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    public WeakReference Stop()
    {
        if (State == PluginState.Running && _instance is not null)
        {
            try
            {
                _instance.OnGraphicsDeviceEvent(GraphicsDeviceEvent.Shutdown);
                _instance.Unload();
            }
            catch (Exception e)
            {
                _log.Write(LogLevel.Warning, "host", $"plugin '{Name}' threw while unloading: {e.GetType().Name}: {e.Message}");
            }
        }

        if (State == PluginState.Running)
            State = PluginState.Unloaded;
        return Release();
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private void Fail(string stage, Exception e)
    {
        var inner = e is TargetInvocationException { InnerException: { } ie } ? ie : e;
        Error = $"{stage}: {inner.GetType().Name}: {inner.Message}";
        _log.Write(LogLevel.Error, "host", $"plugin '{Name}' disabled ({Error})");
        if (State == PluginState.Running && _instance is not null)
        {
            try
            {
                _instance.Unload();
            }
            catch (Exception unloadError)
            {
                _log.Write(LogLevel.Warning, "host", $"plugin '{Name}' also threw in Unload: {unloadError.Message}");
            }
        }

        State = PluginState.Failed;
        Release();
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private WeakReference Release()
    {
        _instance = null;
        if (Host is not null)
        {
            int freed = Host.ScopedTextures.ReleaseAll();
            if (freed > 0)
                _log.Write(LogLevel.Info, "host", $"deleted {freed} texture(s) plugin '{Name}' left behind");
            while (Host.CommandQueue.TryDequeue(out _))
            {
            }
        }

        var weak = new WeakReference(_context);
        _context?.Unload();
        _context = null;
        return weak;
    }

    private Type FindPluginType(Assembly assembly)
    {
        if (Manifest.TypeName is { } typeName)
        {
            var named = assembly.GetType(typeName, throwOnError: false)
                ?? throw new DemoException($"{Manifest.AssemblyPath}: type {typeName} named in {PluginManifest.FileName} is not in the assembly.");
            if (!typeof(IPlugin).IsAssignableFrom(named))
                throw new DemoException($"{Manifest.AssemblyPath}: {typeName} does not implement {nameof(IPlugin)}.");
            return named;
        }

        var candidates = assembly.GetExportedTypes()
            .Where(t => t is { IsClass: true, IsAbstract: false } && typeof(IPlugin).IsAssignableFrom(t)).ToArray();
        return candidates.Length switch
        {
            1 => candidates[0],
            0 => throw new DemoException($"{Manifest.AssemblyPath}: no public class implements {nameof(IPlugin)}."),
            _ => throw new DemoException($"{Manifest.AssemblyPath}: {candidates.Length} classes implement {nameof(IPlugin)}; name one with \"type\" in {PluginManifest.FileName}."),
        };
    }
}

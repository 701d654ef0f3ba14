using System.Diagnostics;
using TexturePlugin.Abstractions;
using TexturePlugin.Demo.Hosting;
using TexturePlugin.Demo.Platform;
using TexturePlugin.OpenGL.Textures;

namespace TexturePlugin.Demo.Plugins;

/// <summary>
/// Finds plugins (every sub-folder of the plugins folder with a plugin.json), loads each into its own
/// context, drives them each frame, and reloads one when its DLLs change: the file watcher only
/// notes the change; the reload itself runs on the GL thread in <see cref="Update"/>, once the files
/// have been quiet for <see cref="ReloadDelay"/> (a build writes several files).
/// </summary>
internal sealed class PluginManager : IDisposable
{
    private readonly string _directory;
    private readonly GlTextureRegistry _registry;
    private readonly DemoInput _input;
    private readonly DemoLog _log;
    private readonly DemoSettings _settings;
    private readonly string _assetsDirectory;
    private readonly List<LoadedPlugin> _plugins = new();
    private readonly List<FileSystemWatcher> _watchers = new();
    private readonly long[] _changedAt;
    private int _disposed;

    public PluginManager(string directory, GlTextureRegistry registry, DemoInput input, DemoLog log, DemoSettings settings,
        string assetsDirectory, bool watch)
    {
        _directory = Path.GetFullPath(directory);
        _registry = registry;
        _input = input;
        _log = log;
        _settings = settings;
        _assetsDirectory = assetsDirectory;
        if (!Directory.Exists(_directory))
            throw new DemoException($"{_directory}: the plugins folder does not exist (build the demo, or pass --plugins DIR).");
        foreach (string manifestPath in Directory.GetFiles(_directory, PluginManifest.FileName, SearchOption.AllDirectories).Order(StringComparer.Ordinal))
            _plugins.Add(new LoadedPlugin(PluginManifest.Load(manifestPath), MakeHost, log));
        _changedAt = new long[_plugins.Count];
        if (watch)
        {
            for (int i = 0; i < _plugins.Count; i++)
            {
                int index = i;
                var watcher = new FileSystemWatcher(_plugins[i].Manifest.Directory, "*.dll")
                {
                    NotifyFilter = NotifyFilters.LastWrite | NotifyFilters.FileName | NotifyFilters.Size | NotifyFilters.CreationTime,
                    IncludeSubdirectories = false,
                };
                FileSystemEventHandler changed = (_, _) => Volatile.Write(ref _changedAt[index], Stopwatch.GetTimestamp());
                watcher.Changed += changed;
                watcher.Created += changed;
                watcher.Renamed += (_, _) => Volatile.Write(ref _changedAt[index], Stopwatch.GetTimestamp());
                watcher.EnableRaisingEvents = true;
                _watchers.Add(watcher);
            }
        }
    }

    public IReadOnlyList<LoadedPlugin> Plugins => _plugins;

    public TimeSpan ReloadDelay { get; set; } = TimeSpan.FromMilliseconds(400);

    /// <summary>Reloads done so far.</summary>
    public int Reloads { get; private set; }

    public void StartAll()
    {
        foreach (var plugin in _plugins)
            plugin.Start();
    }

    /// <summary>GL thread, once per frame: pending reloads, then every running plugin's Update.</summary>
    public void Update(FrameTime time)
    {
        for (int i = 0; i < _plugins.Count; i++)
        {
            long changed = Volatile.Read(ref _changedAt[i]);
            if (changed != 0 && Stopwatch.GetElapsedTime(changed) >= ReloadDelay)
            {
                Volatile.Write(ref _changedAt[i], 0);
                Reload(_plugins[i]);
            }
        }

        foreach (var plugin in _plugins)
            plugin.Update(time);
    }

    public void RenderEvent(int eventId)
    {
        foreach (var plugin in _plugins)
            plugin.RenderEvent(eventId);
    }

    public void Broadcast(PluginCommand command)
    {
        foreach (var plugin in _plugins)
            if (plugin.State == PluginState.Running)
                plugin.Host!.CommandQueue.Enqueue(command);
    }

    /// <summary>Stops the plugin, unloads its context and loads the current files (GL thread). Returns the old context, weakly.</summary>
    public WeakReference Reload(LoadedPlugin plugin)
    {
        _log.Write(LogLevel.Info, "host", $"reloading plugin '{plugin.Name}'");
        var old = plugin.Stop();
        plugin.Start();
        Reloads++;
        return old;
    }

    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
            return;
        foreach (var watcher in _watchers)
            watcher.Dispose();
        foreach (var plugin in _plugins)
            plugin.Stop();
    }

    private PluginHost MakeHost(PluginManifest manifest)
    {
        string data = Path.Combine(Path.GetTempPath(), "texplug-demo", manifest.Name);
        Directory.CreateDirectory(data);
        return new PluginHost(manifest.Name, new ScopedTextureRegistry(_registry, manifest.Name), _input, _log, _settings,
            manifest.Directory, _assetsDirectory, data);
    }
}

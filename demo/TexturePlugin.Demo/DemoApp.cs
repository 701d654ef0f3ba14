using System.Diagnostics;
using TexturePlugin.Abstractions;
using TexturePlugin.Core.Imaging;
using TexturePlugin.Demo.Hosting;
using TexturePlugin.Demo.Modes;
using TexturePlugin.Demo.Platform;
using TexturePlugin.Demo.Plugins;
using TexturePlugin.Demo.Rendering;
using TexturePlugin.OpenGL;
using TexturePlugin.OpenGL.Textures;

namespace TexturePlugin.Demo;

/// <summary>
/// The demo host: one GL thread (this one) that polls input, carries out texture requests (uploads
/// committed by plugin workers), updates the plugins, draws the active mode and the HUD.
/// </summary>
internal sealed class DemoApp : IDisposable
{
    public const string TiledSetting = "view.tiled";

    private readonly DemoOptions _options;
    private readonly IDemoSurface _surface;
    private readonly GlDevice _device;
    private readonly GlTextureRegistry _registry;
    private readonly FramePacer _pacer;
    private readonly Renderer _renderer;
    private readonly PluginManager _plugins;
    private readonly DemoSettings _settings = new();
    private readonly DemoContext _context;
    private readonly IDemoMode[] _modes;
    private readonly List<string> _hud = new();
    private readonly Stopwatch _clock = Stopwatch.StartNew();
    private IDemoMode _mode;
    private readonly UploadFigure _upload = new();
    private double _hudBuiltAt = -1;
    private long _frame;
    private double _lastTime;
    private double _fps;
    private double _fpsWindowStart;
    private long _fpsWindowFrames;
    private double _titleUpdatedAt = -1;
    private int _disposed;

    public DemoApp(DemoOptions options, IDemoSurface? surface = null)
    {
        _options = options;
        Log = new DemoLog();
        _surface = surface ?? (options.Headless
            ? new HeadlessSurface(options.Width, options.Height)
            : new GlfwSurface(options.Width, options.Height, "TexturePlugin demo", options.Vsync));
        try
        {
            _device = new GlDevice(_surface.Gl);
            _device.Message += m => { if (m.Contains("Error", StringComparison.Ordinal)) Log.Write(LogLevel.Error, "gl", m); };
            _registry = new GlTextureRegistry(_device);
            _pacer = new FramePacer(_device);
            string baseDir = AppContext.BaseDirectory;
            _renderer = new Renderer(_device, Path.Combine(baseDir, "shaders"));
            _settings.Set(PluginKeys.Seed, options.Seed);
            _settings.Set(PluginKeys.Size, options.TextureSize);
            _settings.Set(PluginKeys.Animate, options.Animate);
            _settings.Set(PluginKeys.Brush, 12);
            _settings.Set(TiledSetting, options.Tiled);
            if (options.Material is not null)
                _settings.Set(PluginKeys.Material, options.Material);
            string pluginsDir = options.Plugins ?? Path.Combine(baseDir, "plugins");
            _plugins = new PluginManager(pluginsDir, _registry, _surface.Input, Log, _settings, baseDir, watch: options.Watch);
            _context = new DemoContext(_settings, _surface.Input, _plugins, _registry, Log);
            _modes = new IDemoMode[] { new SynthesisMode(), new RepairMode(options.Image is null ? null : RepairedName(options.Image)) };
            _mode = options.Mode == "repair" ? _modes[1] : _modes[0];
            _settings.Set(PluginKeys.Mode, _mode.Name);
            MaxFps = options.MaxFps ?? (options.Headless ? 0 : 240);
            Log.Write(LogLevel.Info, "host", $"{_surface.Kind}, OpenGL {_device.Version} on {_device.Renderer}, upload ring {(_registry.Ring.IsPersistent ? "persistent mapped" : "orphaning")} {_registry.Ring.SlotCount} x {_registry.Ring.SlotBytes / 1024} KiB");
            _plugins.StartAll();
            if (options.Image is not null)
                _plugins.Broadcast(new PluginCommand(PluginKeys.Open, Path.GetFullPath(options.Image)));
        }
        catch
        {
            _surface.Dispose();
            throw;
        }
    }

    public DemoLog Log { get; }

    public GlDevice Device => _device;

    public GlTextureRegistry Registry => _registry;

    public PluginManager Plugins => _plugins;

    public DemoSettings Settings => _settings;

    public DemoContext Context => _context;

    public IDemoSurface Surface => _surface;

    public double Fps => _fps;

    /// <summary>Frames rendered so far.</summary>
    public long FrameCount => _frame;

    /// <summary>When set, replaces the wall clock (reproducible headless runs): seconds per frame.</summary>
    public double? FixedTimeStep { get; set; }

    /// <summary>Frame-rate cap (0 = none): the loop sleeps until the next frame is due.</summary>
    public double MaxFps { get; set; }

    private double _nextFrameDue;

    /// <summary>Optional scripted input for headless runs, called before the plugins update.</summary>
    public Action<DemoApp, long>? Script { get; set; }

    /// <summary>
    /// The command line's run: headless runs get a fixed time step (reproducible frames) and, in repair
    /// mode, the scripted brush stroke; then the frames, then the screenshot once the plugin settled.
    /// </summary>
    public void RunAsOptioned(DemoOptions options)
    {
        if (options.Mode == "repair" && (options.ForceStroke || (options.Headless && options.Stroke)))
            Script = ScriptedStroke.Create();
        if (options.Headless && !options.Animate)
            FixedTimeStep = 1.0 / 60;
        Run(options.Frames);
        if (options.Screenshot is not null)
        {
            Settle(TimeSpan.FromSeconds(30));
            Screenshot(options.Screenshot);
        }
    }

    /// <summary>Runs until the window closes, or for <paramref name="frames"/> frames.</summary>
    public void Run(int? frames)
    {
        while (!_surface.ShouldClose && (frames is null || _frame < frames))
            RunFrame();
    }

    /// <summary>Keeps rendering (time frozen) until every plugin reports its workers idle, then two frames so the last upload shows.</summary>
    public void Settle(TimeSpan timeout)
    {
        var deadline = Stopwatch.StartNew();
        double? saved = FixedTimeStep;
        FixedTimeStep = 0;
        try
        {
            while (deadline.Elapsed < timeout)
            {
                RunFrame();
                bool busy = _plugins.Plugins.Any(p => p.State == PluginState.Running && p.Host!.StatsBoard.Number(PluginKeys.Busy, 0) != 0);
                if (!busy)
                    break;
                Thread.Sleep(2);
            }

            _device.Gl.Finish();
            RunFrame();
            _hudBuiltAt = double.NegativeInfinity;   // the last frame's HUD shows the settled figures, not a quarter-second-old line
            RunFrame();
        }
        finally
        {
            FixedTimeStep = saved;
        }
    }

    public void RunFrame()
    {
        _surface.PollEvents();
        double now = FixedTimeStep is { } step ? _lastTime + step : _clock.Elapsed.TotalSeconds;
        var time = new FrameTime(_frame, now, _frame == 0 ? 0 : now - _lastTime);
        _lastTime = now;

        var input = _surface.Input;
        while (input.TryTakePress(out int key))
        {
            if (key == Glfw.KeyTab)
            {
                _mode = _mode == _modes[0] ? _modes[1] : _modes[0];
                _settings.Set(PluginKeys.Mode, _mode.Name);
            }
            else
            {
                _mode.OnKey(key, _context);
            }
        }

        while (input.TryTakeDrop(out string path))
        {
            _mode = _modes[1];
            _settings.Set(PluginKeys.Mode, _mode.Name);
            ((RepairMode)_modes[1]).SavePath = RepairedName(path);
            _plugins.Broadcast(new PluginCommand(PluginKeys.Open, path));
        }

        // Uploads committed by workers since the last frame become visible now, whole.
        _registry.ProcessPending();
        int width = _surface.Width, height = _surface.Height;
        if (_registry.LastUploadBytes > 0)
            _upload.Add(_registry.LastUploadMilliseconds);
        float hudScale = Math.Max(2f, height / 240f);
        _context.TopReserved = _options.Hud ? 12 + (6 * 5 + 1) * hudScale : 0;
        _mode.Layout(_context, width, height);
        Script?.Invoke(this, _frame);
        _plugins.Update(time);
        _plugins.RenderEvent(1);
        _registry.ProcessPending(); // textures created or updated from span during Update

        _renderer.BeginFrame(width, height);
        _mode.Draw(_context, _renderer);
        if (_options.Hud)
        {
            // Text is rebuilt four times a second, not every frame: formatting allocates.
            if (_clock.Elapsed.TotalSeconds - _hudBuiltAt > 0.25 || _hud.Count == 0)
            {
                HudLines();
                _hudBuiltAt = _clock.Elapsed.TotalSeconds;
            }

            _renderer.DrawHud(_hud, 12, 12, hudScale);
        }
        if (_surface is not HeadlessSurface)
            _renderer.BlitToWindow();
        _surface.Present();
        // Nothing else bounds a headless host (no swap) or an uncapped one: without this the driver queues hundreds of
        // frames and every upload the workers commit waits behind them.
        _pacer.EndFrame();
        _device.ProcessDeletions();

        if (MaxFps > 0)
        {
            double due = Math.Max(_nextFrameDue, _clock.Elapsed.TotalSeconds - 1.0 / MaxFps) + 1.0 / MaxFps;
            _nextFrameDue = due;
            double wait = due - _clock.Elapsed.TotalSeconds;
            if (wait > 0.0005)
                Thread.Sleep(TimeSpan.FromSeconds(wait));
        }

        _frame++;
        double wall = _clock.Elapsed.TotalSeconds;
        if (_frame == 1)
        {
            // The first frame (plugin load, shader compiles, first mapping of the ring) is not a frame rate: windows
            // start after it, or a short headless run's HUD shows "2 fps" for a demo that renders hundreds.
            _fpsWindowStart = wall;
        }
        else
        {
            _fpsWindowFrames++;
            if (wall - _fpsWindowStart >= 0.5)
            {
                _fps = _fpsWindowFrames / (wall - _fpsWindowStart);
                _fpsWindowStart = wall;
                _fpsWindowFrames = 0;
            }
        }

        if (_surface is not HeadlessSurface && wall - _titleUpdatedAt > 0.5)
        {
            _titleUpdatedAt = wall;
            _surface.SetTitle($"TexturePlugin demo - {_mode.Describe(_context).ToLowerInvariant()} - {Figures()}");
        }
    }

    /// <summary>Writes the current frame as PNG (atomically).</summary>
    public void Screenshot(string path)
    {
        var image = _renderer.ReadFrame();
        ImageIO.Save(image, path);
        Log.Write(LogLevel.Info, "host", $"screenshot {image.Width}x{image.Height} written to {path}");
    }

    public RgbaImage ReadFrame() => _renderer.ReadFrame();

    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
            return;
        try
        {
            _plugins.Dispose();
            _registry.ProcessPending();
            _renderer.Dispose();
            _pacer.Dispose();
            _registry.Dispose();
            _device.ProcessDeletions();
            _device.Dispose();
        }
        finally
        {
            _surface.Dispose();
        }
    }

    private string Figures()
    {
        var stats = _context.Stats;
        double inference = stats?.Number(PluginKeys.InferenceMs) ?? double.NaN;
        double firstRun = stats?.Number(PluginKeys.FirstRunMs) ?? double.NaN;
        string provider = stats?.Text(PluginKeys.Provider) ?? "-";
        // Until a second run, only the first one (model load and warm-up included) is known: say so.
        string infer = double.IsNaN(inference) && !double.IsNaN(firstRun)
            ? $"first run {firstRun:0} ms (model load)"
            : $"infer {inference:0.0} ms";
        return $"{infer}, {_upload}, {CurrentFps():0} fps, {provider}";
    }

    /// <summary>Frames a second over the last half-second window; before the first window closes, over the frames so far.</summary>
    private double CurrentFps()
    {
        if (_fps > 0)
            return _fps;
        double elapsed = _clock.Elapsed.TotalSeconds - _fpsWindowStart;
        return _fpsWindowFrames > 0 && elapsed > 0 ? _fpsWindowFrames / elapsed : 0;
    }

    private List<string> HudLines()
    {
        _hud.Clear();
        _hud.Add(_mode.Describe(_context));
        _hud.Add(Figures().ToUpperInvariant());
        foreach (var plugin in _plugins.Plugins)
        {
            string state = plugin.State switch
            {
                PluginState.Running => $"RUNNING (LOAD {plugin.Generation})",
                PluginState.Failed => "DISABLED: " + plugin.Error,
                _ => plugin.State.ToString().ToUpperInvariant(),
            };
            _hud.Add(Truncate($"PLUGIN {plugin.Name} {state}", 72));
        }

        if (_context.Stats?.Text(PluginKeys.Status) is { } status)
            _hud.Add(Truncate(status, 72));
        _hud.Add(_mode is RepairMode
            ? "LMB PAINT RMB ERASE [ ] BRUSH D ALPHA C CLEAR B SPLIT S SAVE TAB"
            : "TAB MODE M/N MATERIAL SPACE SEED A ANIM T TILE G SEAMS +/- SIZE");
        return _hud;
    }

    private static string Truncate(string text, int max) => text.Length <= max ? text : text.Substring(0, max - 3) + "...";

    private static string RepairedName(string path) =>
        Path.Combine(Path.GetDirectoryName(Path.GetFullPath(path))!, Path.GetFileNameWithoutExtension(path) + "-repaired.png");
}

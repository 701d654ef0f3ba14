using TexturePlugin.Abstractions;
using TexturePlugin.Core.Models;
using TexturePlugin.Core.Synthesis;
using TexturePlugin.Repair;
using TexturePlugin.Synthesis;

namespace TexturePlugin;

/// <summary>
/// The plugin a host loads: texture synthesis (synthesis models, plus Core's procedural materials)
/// and texture repair (a repair model, or the coarse copy guide without one), each on its own worker,
/// results streamed into the host's textures. See <see cref="PluginKeys"/> for the settings, commands
/// and texture names.
/// </summary>
public sealed class TextureSynthesisPlugin : IPlugin
{
    private IPluginHost? _host;
    private SynthesisController? _synthesis;
    private RepairController? _repair;
    private List<IMaterialSource> _sources = new();
    private IRepairer? _repairer;

    /// <inheritdoc/>
    public void Load(IPluginHost host)
    {
        _host = host ?? throw new ArgumentNullException(nameof(host));
        string? models = ModelFinder.FindFolder(host.Paths.PluginDirectory);
        foreach (var manifest in ModelFinder.Load(models, ModelKind.Synthesis, host.Log))
            _sources.Add(new ModelSource(manifest));
        foreach (var material in ProceduralMaterial.All)
            _sources.Add(new ProceduralSource(material));
        var repairModel = ModelFinder.Load(models, ModelKind.Repair, host.Log).FirstOrDefault();
        _repairer = repairModel is null ? new GuideRepairer() : new ModelRepairer(repairModel, host.Log);
        host.Stats.ReportText(PluginKeys.Materials, string.Join(",", _sources.Select(s => s.Name)));
        host.Log.Write(LogLevel.Info, $"models from {models ?? "(no models folder)"}: {_sources.Count(s => s is ModelSource)} synthesis, repair by {_repairer.Provider}");
    }

    /// <inheritdoc/>
    public void OnGraphicsDeviceEvent(GraphicsDeviceEvent deviceEvent)
    {
        if (deviceEvent == GraphicsDeviceEvent.Shutdown)
            StopWorkers();
    }

    /// <inheritdoc/>
    public void Update(FrameTime time)
    {
        var host = _host ?? throw new InvalidOperationException("Update before Load.");
        bool repairMode = host.Settings.Get(PluginKeys.Mode) == PluginKeys.ModeRepair;
        while (host.Commands.TryDequeue(out var command))
        {
            if (command.Name.StartsWith("repair.", StringComparison.Ordinal))
                Repair(host).Handle(command);
        }

        if (repairMode)
        {
            Repair(host).Update();
            _synthesis?.FrameWentBy();   // a synthesis image finished before the switch still reaches its texture
        }
        else
            (_synthesis ??= new SynthesisController(host, _sources)).Update(time);
        host.Stats.Report(PluginKeys.Busy, Busy ? 1 : 0);
    }

    /// <summary>True while a worker still has the newest request to finish (hosts that need a settled frame wait on it).</summary>
    public bool Busy => (_synthesis?.Busy ?? false) || (_repair?.Busy ?? false);

    /// <inheritdoc/>
    public void OnRenderEvent(int eventId)
    {
        // Event 1: "is the newest result uploaded?" is answered through Busy; nothing to do on the render thread.
    }

    /// <inheritdoc/>
    public void Unload()
    {
        StopWorkers();
        foreach (var source in _sources)
            source.Dispose();
        _sources = new List<IMaterialSource>();
        _repairer?.Dispose();
        _repairer = null;
        _host = null;
    }

    private RepairController Repair(IPluginHost host) =>
        _repair ??= new RepairController(host, _repairer ?? throw new InvalidOperationException("Repair before Load."));

    private void StopWorkers()
    {
        _synthesis?.Dispose();
        _synthesis = null;
        _repair?.Dispose();
        _repair = null;
    }
}

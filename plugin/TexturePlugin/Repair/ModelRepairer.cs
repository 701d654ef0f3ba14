using TexturePlugin.Abstractions;
using TexturePlugin.Core;
using TexturePlugin.Core.Imaging;
using TexturePlugin.Core.Inference;
using TexturePlugin.Core.Models;
using TexturePlugin.Core.Repair;

namespace TexturePlugin.Repair;

/// <summary>
/// A repair model through Core's <see cref="RepairEngine"/>: only the dirty tiles around a stroke run.
/// A model that cannot be opened (missing file, manifest mismatch) is reported once and the copy guide
/// takes over, so repair mode keeps working.
/// </summary>
internal sealed class ModelRepairer : IRepairer
{
    private readonly ModelManifest _manifest;
    private readonly IPluginLog _log;
    private RepairEngine? _engine;
    private GuideRepairer? _fallback;
    private string _provider;

    public ModelRepairer(ModelManifest manifest, IPluginLog log)
    {
        _manifest = manifest;
        _log = log;
        _provider = $"{manifest.Name} (opening)";
    }

    public string Provider => _provider;

    public IReadOnlyList<TileRect> Repair(RgbaImage image, DamageMask mask, TileRect touched)
    {
        if (_fallback is not null)
            return _fallback.Repair(image, mask, touched);
        if (_engine is null)
        {
            try
            {
                _engine = RepairEngine.Open(_manifest, new SessionConfig());
                _provider = $"{_manifest.Name} {_engine.Session.Provider.ToString().ToUpperInvariant()}";
            }
            catch (TexturePluginException e)
            {
                _log.Write(LogLevel.Error, $"repair model unusable, using the copy guide instead: {e.Message}");
                _fallback = new GuideRepairer();
                _provider = "copy guide (repair model failed to open)";
                return _fallback.Repair(image, mask, touched);
            }
        }

        return _engine.RepairRegion(image, mask, touched);
    }

    public void Dispose()
    {
        _engine?.Dispose();
        _engine = null;
    }
}

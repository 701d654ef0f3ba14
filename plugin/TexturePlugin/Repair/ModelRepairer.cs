using TexturePlugin.Core.Imaging;
using TexturePlugin.Core.Inference;
using TexturePlugin.Core.Models;
using TexturePlugin.Core.Repair;

namespace TexturePlugin.Repair;

/// <summary>A repair model through Core's <see cref="RepairEngine"/>: only the dirty tiles around a stroke run.</summary>
internal sealed class ModelRepairer : IRepairer
{
    private readonly ModelManifest _manifest;
    private RepairEngine? _engine;

    public ModelRepairer(ModelManifest manifest) => _manifest = manifest;

    public string Provider => _engine is null ? $"{_manifest.Name} (opening)" : $"{_manifest.Name} {_engine.Session.Provider.ToString().ToUpperInvariant()}";

    public IReadOnlyList<TileRect> Repair(RgbaImage image, DamageMask mask, TileRect touched)
    {
        _engine ??= RepairEngine.Open(_manifest, new SessionConfig());
        return _engine.RepairRegion(image, mask, touched);
    }

    public void Dispose()
    {
        _engine?.Dispose();
        _engine = null;
    }
}

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

    public void Prepare()
    {
        if (!EnsureEngine())
            return;
        // One small repair: ONNX Runtime's first run, the one-tile session and the engine's code paths (JIT). Without it
        // the first stroke took 185-235 ms with the model's opening, the next ones 13-20 (session 12, this machine).
        var image = new RgbaImage(RepairEngine.MinimumSize, RepairEngine.MinimumSize);
        for (int i = 0; i < image.Pixels.Length; i++)
            image.Pixels[i] = (byte)(i * 37 % 251);
        var mask = new DamageMask(image.Width, image.Height);
        var hole = new TileRect(28, 28, 8, 8);
        mask.FillRect(hole.X, hole.Y, hole.Width, hole.Height);
        try
        {
            _engine!.RepairRegion(image, mask, hole);
        }
        catch (Exception e) when (e is TexturePluginException or Microsoft.ML.OnnxRuntime.OnnxRuntimeException)
        {
            UseFallback($"repair model failed its first run, using the copy guide instead: {e.Message}", "copy guide (repair model failed to run)");
        }
    }

    public IReadOnlyList<TileRect> Repair(RgbaImage image, DamageMask mask, TileRect touched)
    {
        if (!EnsureEngine())
            return _fallback!.Repair(image, mask, touched);
        return _engine!.RepairRegion(image, mask, touched);
    }

    /// <summary>Opens the engine on first use; false when the copy guide has taken over.</summary>
    private bool EnsureEngine()
    {
        if (_fallback is not null)
            return false;
        if (_engine is not null)
            return true;
        try
        {
            _engine = RepairEngine.Open(_manifest, new SessionConfig());
            _provider = $"{_manifest.Name} {_engine.Session.Provider.ToString().ToUpperInvariant()}";
            return true;
        }
        catch (TexturePluginException e)
        {
            UseFallback($"repair model unusable, using the copy guide instead: {e.Message}", "copy guide (repair model failed to open)");
            return false;
        }
    }

    private void UseFallback(string message, string provider)
    {
        _log.Write(LogLevel.Error, message);
        _engine?.Dispose();
        _engine = null;
        _fallback = new GuideRepairer();
        _provider = provider;
    }

    public void Dispose()
    {
        _engine?.Dispose();
        _engine = null;
    }
}

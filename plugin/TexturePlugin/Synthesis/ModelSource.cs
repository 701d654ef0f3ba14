using TexturePlugin.Core.Imaging;
using TexturePlugin.Core.Inference;
using TexturePlugin.Core.Models;
using TexturePlugin.Core.Synthesis;

namespace TexturePlugin.Synthesis;

/// <summary>A synthesis model; the ONNX session opens on first use (on the worker thread).</summary>
internal sealed class ModelSource : IMaterialSource
{
    private readonly ModelManifest _manifest;
    private SynthesisEngine? _engine;

    public ModelSource(ModelManifest manifest) => _manifest = manifest;

    public string Name => _manifest.Name;

    public string Provider => _engine is null ? "model" : _engine.Session.Provider.ToString().ToUpperInvariant();

    public int SizeUnit => _engine?.Unit ?? Math.Max(1, _manifest.SizeMultiple);

    public int MinimumSize => SynthesisEngine.MinimumSize;

    public void Render(RgbaImage target, int seed, double time)
    {
        _engine ??= SynthesisEngine.Open(_manifest, new SessionConfig());
        _engine.GenerateInto(target, seed, time);
    }

    public void Dispose()
    {
        _engine?.Dispose();
        _engine = null;
    }
}

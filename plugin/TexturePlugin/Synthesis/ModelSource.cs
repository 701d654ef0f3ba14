using TexturePlugin.Core;
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
    private string? _openError;

    public ModelSource(ModelManifest manifest) => _manifest = manifest;

    public string Name => _manifest.Name;

    public string Provider => _provider;

    private string _provider = "model (not opened yet)";

    public int SizeUnit => _engine?.Unit ?? Math.Max(1, _manifest.SizeMultiple);

    public int MinimumSize => SynthesisEngine.MinimumSize;

    public void Render(RgbaImage target, int seed, double time)
    {
        if (_openError is not null)
            throw new ModelOpenException(_openError);
        if (_engine is null)
        {
            try
            {
                _engine = SynthesisEngine.Open(_manifest, new SessionConfig());
            }
            catch (TexturePluginException e)
            {
                _openError = $"synthesis model '{_manifest.Name}' unusable: {e.Message}";
                _provider = "model failed to open";
                throw new ModelOpenException(_openError, e);
            }

            _provider = _engine.Session.Provider.ToString().ToUpperInvariant();
        }

        _engine.GenerateInto(target, seed, time);
    }

    public void Dispose()
    {
        _engine?.Dispose();
        _engine = null;
    }
}

/// <summary>A material's model could not be opened; the plugin reports it and keeps running.</summary>
internal sealed class ModelOpenException : TexturePluginException
{
    public ModelOpenException(string message, Exception? inner = null) : base(message, inner) { }
}

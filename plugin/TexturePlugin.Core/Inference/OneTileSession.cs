using Microsoft.ML.OnnxRuntime;
using TexturePlugin.Core.Diagnostics;

namespace TexturePlugin.Core.Inference;

/// <summary>
/// An engine's <see cref="ModelSession.OpenForOneTile"/> session, opened on first use (a texture that is one tile), or
/// none: when it does not apply, or when opening it failed (logged once; the engine then keeps to its lanes).
/// </summary>
internal sealed class OneTileSession : IDisposable
{
    private readonly ModelSession _primary;
    private ModelSession? _session;
    private bool _tried;

    public OneTileSession(ModelSession primary) => _primary = primary;

    /// <summary>The session, opening it on the first call; null when there is none.</summary>
    public ModelSession? Get()
    {
        if (_tried)
            return _session;
        _tried = true;
        try
        {
            _session = _primary.OpenForOneTile();
        }
        catch (Exception e) when (e is TexturePluginException or OnnxRuntimeException)
        {
            (_primary.Config.Log ?? TextureLog.Console).Warn(
                $"{Path.GetFileName(_primary.FilePath)}: one-tile passes stay on single-threaded runs: a second session failed to open: {e.Message}");
        }
        return _session;
    }

    public void Dispose() => _session?.Dispose();
}

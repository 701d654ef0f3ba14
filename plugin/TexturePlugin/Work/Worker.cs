using System.Runtime.ExceptionServices;
using TexturePlugin.Core;

namespace TexturePlugin.Work;

/// <summary>
/// A background thread running one loop. An exception inside it is kept and rethrown on the GL thread
/// by <see cref="ThrowIfFailed"/>: a worker's failure must reach the host (which disables the plugin)
/// rather than kill the process.
/// </summary>
internal sealed class Worker
{
    private readonly Thread _thread;
    private ExceptionDispatchInfo? _failure;

    public Worker(string name, Action body)
    {
        _thread = new Thread(() =>
        {
            try
            {
                body();
            }
            catch (Exception e)
            {
                _failure = ExceptionDispatchInfo.Capture(e);
            }
        })
        {
            IsBackground = true,
            Name = name,
        };
    }

    public void Start() => _thread.Start();

    public void Join(TimeSpan timeout)
    {
        if (_thread.IsAlive && !_thread.Join(timeout))
            throw new TexturePluginException($"Worker '{_thread.Name}' did not stop within {timeout.TotalSeconds:0.#} s.");
    }

    /// <summary>Rethrows the worker's exception (GL thread).</summary>
    public void ThrowIfFailed()
    {
        if (_failure is { } failure)
            throw new TexturePluginException($"Worker '{_thread.Name}' failed: {failure.SourceException.Message}", failure.SourceException);
    }
}

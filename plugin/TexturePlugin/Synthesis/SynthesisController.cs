using System.Diagnostics;
using TexturePlugin.Abstractions;
using TexturePlugin.Core.Imaging;
using TexturePlugin.Work;

namespace TexturePlugin.Synthesis;

/// <summary>
/// Synthesis mode: the GL thread posts (material, seed, size, time) each frame that needs a new image;
/// one worker renders the newest request and writes it straight into a mapped upload slot of the
/// output texture. A finished image always goes to the texture: when every slot is in flight the worker
/// keeps it and tries again after the GL thread's next frame, then renders the newest request.
/// </summary>
internal sealed class SynthesisController : IDisposable
{
    private readonly IPluginHost _host;
    private readonly IReadOnlyList<IMaterialSource> _sources;
    private readonly HashSet<int> _opened = new();   // sources rendered at least once (worker thread only)
    private readonly LatestRequest<Request> _requests = new();
    private readonly Worker _worker;
    private readonly TextureWriter<RgbaImage> _copyImage = static (pixels, _, image) => image.Pixels.AsSpan(0, pixels.Length).CopyTo(pixels);
    private TextureHandle _output;
    private int _outputSize;
    private Request _last;
    private bool _hasLast;
    private long _frames;
    private long _renders;
    private readonly HashSet<string> _reportedFailures = new(StringComparer.Ordinal);

    public SynthesisController(IPluginHost host, IReadOnlyList<IMaterialSource> sources)
    {
        _host = host;
        _sources = sources;
        _worker = new Worker("texplug-synthesis", Run);
        _worker.Start();
    }

    /// <summary>GL thread, each frame in synthesis mode.</summary>
    public void Update(FrameTime time)
    {
        _worker.ThrowIfFailed();
        var settings = _host.Settings;
        int index = FindSource(settings.Get(PluginKeys.Material));
        var source = _sources[index];
        int size = (int)settings.GetNumber(PluginKeys.Size, 256);
        // whole size units (a copy-synthesis material's period, 64-256 px), at least the smallest whole unit at or above
        // the engine's minimum, at most 2048 rounded down to the unit
        int unit = Math.Max(1, source.SizeUnit);
        int smallest = (source.MinimumSize + unit - 1) / unit * unit;
        size = Math.Min(Math.Max(smallest, size / unit * unit), Math.Max(smallest, 2048 / unit * unit));
        int seed = (int)settings.GetNumber(PluginKeys.Seed, 1);
        bool animate = settings.GetNumber(PluginKeys.Animate, 0) != 0;

        if (size != _outputSize)
        {
            // The new size first: the worker swallows a failed upload of an older size only when _outputSize has moved on
            // (as RepairController's generation: written after the resize, it left a window where the worker failed).
            Volatile.Write(ref _outputSize, size);
            if (_output.IsValid)
                _host.Textures.Resize(_output, size, size);
            else
                _output = _host.Textures.Create(new TextureDescription(PluginKeys.SynthesisOutput, size, size));
            _hasLast = false;
        }

        var request = new Request(index, seed, size, animate ? time.TotalSeconds * 0.5 : 0.0, _output);
        if (!_hasLast || !request.Equals(_last))
        {
            _requests.Post(request);
            _last = request;
            _hasLast = true;
        }
        else
        {
            FrameWentBy();
        }

        _host.Stats.ReportText(PluginKeys.CurrentMaterial, source.Name);
        _host.Stats.ReportText(PluginKeys.Provider, source.Provider);
        _host.Stats.Report(PluginKeys.FramesProduced, Interlocked.Read(ref _frames));
    }

    /// <summary>True while the newest request has not been rendered and handed to the texture yet (tests and benchmarks wait on it).</summary>
    public bool Busy => _requests.IsPending || Volatile.Read(ref _rendering) != 0;

    /// <summary>
    /// GL thread, each frame (in repair mode too): the host has reclaimed upload slots since the last frame, so a worker
    /// holding a finished image for want of a slot tries again.
    /// </summary>
    public void FrameWentBy()
    {
        if (Volatile.Read(ref _waitingForSlot) != 0)
            _requests.Nudge();
    }

    private int _rendering;
    private int _waitingForSlot;

    public void Dispose()
    {
        _requests.Close();
        _worker.Join(TimeSpan.FromSeconds(30));
        _requests.Dispose();
        foreach (var source in _sources)
            source.Dispose();
    }

    private int FindSource(string? name)
    {
        if (name is not null)
            for (int i = 0; i < _sources.Count; i++)
                if (string.Equals(_sources[i].Name, name, StringComparison.OrdinalIgnoreCase))
                    return i;
        return 0;
    }

    private void Run()
    {
        RgbaImage? image = null;
        while (_requests.TryTake(out var request))
        {
            Volatile.Write(ref _rendering, 1);
            try
            {
                if (image is null || image.Width != request.Size)
                    image = new RgbaImage(request.Size, request.Size);
                long start = Stopwatch.GetTimestamp();
                var source = _sources[request.Source];
                try
                {
                    source.Render(image, request.Seed, request.Time);
                }
                catch (ModelOpenException e)
                {
                    // A model that cannot open is the models folder's problem, not a reason to stop the plugin.
                    if (_reportedFailures.Add(source.Name))
                    {
                        _host.Log.Write(LogLevel.Error, e.Message);
                        _host.Stats.ReportText(PluginKeys.Status, e.Message);
                    }

                    continue;
                }

                // A source's first render opens its model: reported apart, so the HUD does not show load time as inference.
                _host.Stats.Report(_opened.Add(request.Source) ? PluginKeys.FirstRunMs : PluginKeys.InferenceMs,
                    Stopwatch.GetElapsedTime(start).TotalMilliseconds);
                _host.Stats.Report(PluginKeys.Renders, Interlocked.Increment(ref _renders));

                // The finished image is the newest one there is, so it goes to the texture even when newer requests
                // came in meanwhile: a host that posts every frame always has one waiting, and giving the image up for
                // it whenever the slots were busy kept every image off the screen. The GL thread frees slots once a
                // frame, so when all are in flight the worker waits for the next frame instead of asking again and again.
                var whole = TextureRegion.Whole(request.Size, request.Size);
                while (true)
                {
                    bool written;
                    try
                    {
                        written = _host.Textures.TryUpdate(request.Output, whole, _copyImage, image);
                    }
                    catch (Exception) when (Volatile.Read(ref _outputSize) != request.Size)
                    {
                        break; // resized on the GL thread meanwhile: a newer request is coming
                    }

                    if (written)
                    {
                        Interlocked.Increment(ref _frames);
                        break;
                    }

                    Volatile.Write(ref _waitingForSlot, 1);
                    bool open = _requests.WaitForNudge();
                    Volatile.Write(ref _waitingForSlot, 0);
                    if (!open)
                        return;
                }
            }
            finally
            {
                Volatile.Write(ref _rendering, 0);
            }
        }
    }

    private readonly record struct Request(int Source, int Seed, int Size, double Time, TextureHandle Output);
}

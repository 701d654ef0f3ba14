using System.Diagnostics;
using TexturePlugin.Abstractions;
using TexturePlugin.Core;
using TexturePlugin.Core.Imaging;
using TexturePlugin.Core.Repair;
using TexturePlugin.Core.Synthesis;
using TexturePlugin.Work;

namespace TexturePlugin.Repair;

/// <summary>
/// Repair mode. The GL thread paints the mask under the pointer (left paints damage, right erases),
/// uploads the stamped mask rectangle and hands the touched area to a worker; the worker repairs that
/// area of its working image (restoring erased pixels from the original first) and uploads only the
/// rectangles that changed. Opening, auto-detecting and clearing start a new generation: the worker
/// drops stale work.
/// </summary>
internal sealed class RepairController : IDisposable
{
    private readonly IPluginHost _host;
    private readonly IRepairer _repairer;
    private readonly Worker _worker;
    private readonly WorkSignal _signal = new();
    private readonly object _lock = new();

    // Shared with the worker under _lock.
    private RgbaImage _original = null!;
    private DamageMask _mask = null!;
    private TextureHandle _after;
    private int _generation;
    private bool _hasTouched;
    private int _touchX0, _touchY0, _touchX1, _touchY1; // unwrapped, exclusive end
    private string? _savePath;
    private bool _working;

    // GL thread only.
    private RgbaImage _maskImage = null!;
    private TextureHandle _before, _maskTexture;
    private bool _wasPainting;
    private float _lastX, _lastY;

    public RepairController(IPluginHost host, IRepairer repairer)
    {
        _host = host;
        _repairer = repairer;
        _worker = new Worker("texplug-repair", Run);
        var start = ProceduralMaterial.TryGet("marble", out var marble) ? marble : ProceduralMaterial.All[0];
        SetImage(start.Render(256, 256, seed: 3), $"procedural {start.Name}");
        _worker.Start();
    }

    /// <summary>True while the worker has work queued or running.</summary>
    public bool Busy
    {
        get
        {
            lock (_lock)
                return _hasTouched || _working || _savePath is not null;
        }
    }

    /// <summary>GL thread, each frame in repair mode.</summary>
    public void Update()
    {
        _worker.ThrowIfFailed();
        Paint();
    }

    /// <summary>GL thread: one host command.</summary>
    public void Handle(PluginCommand command)
    {
        try
        {
            switch (command.Name)
            {
                case PluginKeys.Open when command.Argument is { } path:
                    var image = ImageIO.Load(path);
                    SetImage(image, path);
                    break;
                case PluginKeys.Save when command.Argument is { } output:
                    lock (_lock)
                        _savePath = output;
                    _signal.Wake();
                    break;
                case PluginKeys.AutoDetect:
                    SetMask(MaskSources.FromAlpha(_original), "alpha < 128");
                    break;
                case PluginKeys.ClearMask:
                    SetMask(new DamageMask(_original.Width, _original.Height), "cleared");
                    break;
            }
        }
        catch (TexturePluginException e)
        {
            // A bad file is the user's to fix: say so and keep running.
            _host.Log.Write(LogLevel.Error, e.Message);
            _host.Stats.ReportText(PluginKeys.Status, e.Message);
        }
    }

    public void Dispose()
    {
        _signal.Close();
        _worker.Join(TimeSpan.FromSeconds(30));
        _signal.Dispose();
        _repairer.Dispose();
    }

    private void SetImage(RgbaImage image, string name)
    {
        // The copy guide works on 4x4 blocks and models on multiples of 8: crop the odd rest away.
        int w = image.Width / 8 * 8, h = image.Height / 8 * 8;
        if (w < 64 || h < 64)
            throw new TexturePluginException($"{name}: {image.Width}x{image.Height} is too small to repair (at least 64x64).");
        if (w != image.Width || h != image.Height)
        {
            _host.Log.Write(LogLevel.Warning, $"{name}: cropped from {image.Width}x{image.Height} to {w}x{h} (a multiple of 8).");
            image = image.Crop(0, 0, w, h);
        }

        // A new generation before the old textures go: a repair still running on the worker may upload into them, and its
        // failure is expected (and swallowed) only when the generation it started in is over. Counting up later, in
        // SetMask, left a window where such an upload failed the worker (seen once in CI: "texture #2 does not belong").
        lock (_lock)
            _generation++;
        var textures = _host.Textures;
        foreach (var old in new[] { _before, _after, _maskTexture })
            if (old.IsValid)
                textures.Delete(old);
        _before = textures.Create(new TextureDescription(PluginKeys.RepairBefore, w, h));
        var after = textures.Create(new TextureDescription(PluginKeys.RepairAfter, w, h));
        _maskTexture = textures.Create(new TextureDescription(PluginKeys.RepairMask, w, h));
        textures.Update(_before, TextureRegion.Whole(w, h), image.Pixels);
        textures.Update(after, TextureRegion.Whole(w, h), image.Pixels);
        lock (_lock)
        {
            _original = image;
            _after = after;
        }

        _host.Stats.ReportText(PluginKeys.Status, $"{name}: {w}x{h}");
        // A file with transparent holes starts with them as damage.
        var mask = MaskSources.FromAlpha(image);
        SetMask(mask.CountDamaged() > 0 ? mask : new DamageMask(w, h), "opened");
    }

    private void SetMask(DamageMask mask, string why)
    {
        int w = mask.Width, h = mask.Height;
        _maskImage = new RgbaImage(w, h);
        for (int i = 0; i < mask.Bits.Length; i++)
        {
            _maskImage.Pixels[i * 4] = mask.Bits[i] != 0 ? (byte)255 : (byte)0;
            _maskImage.Pixels[i * 4 + 3] = 255;
        }

        _host.Textures.Update(_maskTexture, TextureRegion.Whole(w, h), _maskImage.Pixels);
        lock (_lock)
        {
            _mask = mask;
            _generation++;
            Touch(0, 0, w, h);
        }

        _signal.Wake();

        _host.Stats.Report(PluginKeys.Damaged, mask.CountDamaged());
        _host.Log.Write(LogLevel.Info, $"mask {why}: {mask.CountDamaged()} damaged pixels");
    }

    private void Paint()
    {
        var input = _host.Input;
        bool paint = input.IsButtonDown(MouseButton.Left), erase = input.IsButtonDown(MouseButton.Right);
        if (!(paint || erase) || !input.TryGetPointerOnTexture(out float x, out float y))
        {
            _wasPainting = false;
            return;
        }

        float radius = (float)Math.Max(1, _host.Settings.GetNumber(PluginKeys.Brush, 12));
        float fromX = _wasPainting ? _lastX : x, fromY = _wasPainting ? _lastY : y;
        float distance = MathF.Sqrt((x - fromX) * (x - fromX) + (y - fromY) * (y - fromY));
        int steps = Math.Max(1, (int)MathF.Ceiling(distance / (radius * 0.5f)));
        int w = _maskImage.Width, h = _maskImage.Height;
        int ir = (int)MathF.Ceiling(radius);
        int minX = int.MaxValue, minY = int.MaxValue, maxX = int.MinValue, maxY = int.MinValue;
        byte value = paint ? (byte)1 : (byte)0;
        lock (_lock)
        {
            for (int s = 1; s <= steps; s++)
            {
                float t = (float)s / steps;
                float cx = fromX + (x - fromX) * t, cy = fromY + (y - fromY) * t;
                int x0 = (int)MathF.Floor(cx) - ir, y0 = (int)MathF.Floor(cy) - ir;
                for (int py = y0; py <= y0 + 2 * ir + 1; py++)
                    for (int px = x0; px <= x0 + 2 * ir + 1; px++)
                    {
                        float dx = px + 0.5f - cx, dy = py + 0.5f - cy;
                        if (dx * dx + dy * dy > radius * radius)
                            continue;
                        int wx = ((px % w) + w) % w, wy = ((py % h) + h) % h; // tileable: the brush wraps too
                        _mask.Bits[wy * w + wx] = value;
                        _maskImage.Pixels[(wy * w + wx) * 4] = (byte)(value * 255);
                    }

                minX = Math.Min(minX, x0);
                minY = Math.Min(minY, y0);
                maxX = Math.Max(maxX, x0 + 2 * ir + 2);
                maxY = Math.Max(maxY, y0 + 2 * ir + 2);
            }

            Touch(minX, minY, maxX, maxY);
        }

        _signal.Wake();

        RegionUpload.UploadWrapped(_host.Textures, _maskTexture, _maskImage, minX, minY, Math.Min(w, maxX - minX), Math.Min(h, maxY - minY));
        _wasPainting = true;
        _lastX = x;
        _lastY = y;
    }

    private void Touch(int x0, int y0, int x1, int y1)
    {
        if (_hasTouched)
        {
            x0 = Math.Min(x0, _touchX0);
            y0 = Math.Min(y0, _touchY0);
            x1 = Math.Max(x1, _touchX1);
            y1 = Math.Max(y1, _touchY1);
        }

        (_touchX0, _touchY0, _touchX1, _touchY1, _hasTouched) = (x0, y0, x1, y1, true);
    }

    private void Run()
    {
        Prepare();
        RgbaImage? working = null;
        DamageMask? snapshot = null;
        RgbaImage? workingOriginal = null;
        while (true)
        {
            RgbaImage original;
            TextureHandle after;
            int generation;
            TileRect touched = default;
            bool repair;
            string? savePath;
            while (!_signal.IsClosed && !HasWork())
                _signal.Wait();
            if (_signal.IsClosed)
                return;

            lock (_lock)
            {
                original = _original;
                after = _after;
                generation = _generation;
                repair = _hasTouched;
                if (repair)
                {
                    int w = original.Width, h = original.Height;
                    int tw = Math.Min(w, _touchX1 - _touchX0), th = Math.Min(h, _touchY1 - _touchY0);
                    int tx = tw == w ? 0 : ((_touchX0 % w) + w) % w, ty = th == h ? 0 : ((_touchY0 % h) + h) % h;
                    touched = new TileRect(tx, ty, tw, th);
                    if (snapshot is null || snapshot.Width != _mask.Width || snapshot.Height != _mask.Height)
                        snapshot = new DamageMask(_mask.Width, _mask.Height);
                    _mask.Bits.CopyTo(snapshot.Bits, 0);
                }

                _hasTouched = false;
                savePath = _savePath;
                _savePath = null;
                _working = true;
            }

            try
            {
                if (working is null || !ReferenceEquals(workingOriginal, original))
                {
                    working = original.Clone();
                    workingOriginal = original;
                }

                if (repair)
                    RepairTouched(working, original, snapshot!, touched, after, generation);
                if (savePath is not null)
                {
                    ImageIO.Save(working, savePath);
                    _host.Log.Write(LogLevel.Info, $"saved {savePath}");
                    _host.Stats.ReportText(PluginKeys.Status, "saved " + savePath);
                }
            }
            finally
            {
                lock (_lock)
                    _working = false;
            }
        }
    }

    /// <summary>
    /// Worker thread, first thing: opens and warms up the repairer while the user is still choosing where to paint, so
    /// the first stroke is repaired within a frame like the rest. Busy meanwhile; its time is the model's first run.
    /// </summary>
    private void Prepare()
    {
        lock (_lock)
            _working = true;
        try
        {
            long start = Stopwatch.GetTimestamp();
            _repairer.Prepare();
            _host.Stats.Report(PluginKeys.FirstRunMs, Stopwatch.GetElapsedTime(start).TotalMilliseconds);
            _host.Stats.ReportText(PluginKeys.Provider, _repairer.Provider);
        }
        finally
        {
            lock (_lock)
                _working = false;
        }
    }

    /// <summary>Worker: whether a stroke, an open or a save waits (the signal's wakes may come early or several at once).</summary>
    private bool HasWork()
    {
        lock (_lock)
            return _hasTouched || _savePath is not null;
    }

    private void RepairTouched(RgbaImage working, RgbaImage original, DamageMask mask, TileRect touched, TextureHandle after, int generation)
    {
        int w = working.Width, h = working.Height;
        // Pixels erased from the mask were repaired before: give them their original value back.
        for (int yy = 0; yy < touched.Height; yy++)
        {
            int y = (touched.Y + yy) % h;
            for (int xx = 0; xx < touched.Width; xx++)
            {
                int x = (touched.X + xx) % w, i = y * w + x;
                if (mask.Bits[i] == 0)
                    original.Pixels.AsSpan(i * 4, 4).CopyTo(working.Pixels.AsSpan(i * 4, 4));
            }
        }

        long start = Stopwatch.GetTimestamp();
        var changed = _repairer.Repair(working, mask, touched);
        _host.Stats.Report(PluginKeys.InferenceMs, Stopwatch.GetElapsedTime(start).TotalMilliseconds);   // Prepare reported the first run
        _host.Stats.ReportText(PluginKeys.Provider, _repairer.Provider);
        int damaged = 0;
        foreach (byte bit in mask.Bits)
            damaged += bit;
        _host.Stats.Report(PluginKeys.Damaged, damaged);
        try
        {
            RegionUpload.UploadWrapped(_host.Textures, after, working, touched.X, touched.Y, touched.Width, touched.Height);
            foreach (var tile in changed)
                RegionUpload.UploadWrapped(_host.Textures, after, working, tile.X, tile.Y, tile.Width, tile.Height);
        }
        catch (Exception) when (Volatile.Read(ref _generation) != generation)
        {
            // A new image replaced the textures meanwhile; the next job redoes the work.
        }
    }
}

using TexturePlugin.Abstractions;

namespace TexturePlugin.Core.Tests.Plugin;

/// <summary>
/// A texture registry that keeps handles the way the demo's does (GlTextureRegistry behind ScopedTextureRegistry):
/// new ids from Create, Delete invalidates (twice is harmless), and any use of a deleted or unknown handle throws
/// the scoped registry's message. Mapped upload slots only while <see cref="SlotsFree"/> is set (the writer then fills a
/// scratch buffer and the upload counts as committed); otherwise TryBeginUpdate refuses, as a ring with every slot in
/// flight does, and uploads go through Update.
/// </summary>
internal sealed class FakeTextureRegistry : ITextureRegistry
{
    private readonly object _lock = new();
    private readonly Dictionary<int, TextureDescription> _live = new();
    private int _nextId;

    /// <summary>After a texture was deleted, on the deleting thread.</summary>
    public Action<TextureHandle>? Deleted { get; set; }

    /// <summary>
    /// After a dead handle was refused, on the refused thread, once every exception filter up its stack has run
    /// (it is called from a finally: the second pass of exception handling).
    /// </summary>
    public Action<TextureHandle>? Refused { get; set; }

    /// <summary>Whether a mapped slot is free: TryBeginUpdate and TryUpdate succeed only then (any thread may flip it).</summary>
    public bool SlotsFree
    {
        get => Volatile.Read(ref _slotsFree);
        set => Volatile.Write(ref _slotsFree, value);
    }

    private bool _slotsFree;

    /// <summary>TryUpdate refusals so far (every slot busy).</summary>
    public int SlotRefusals => Volatile.Read(ref _slotRefusals);

    private int _slotRefusals;

    /// <summary>After a TryUpdate was refused for want of a slot, on the refused thread.</summary>
    public Action<TextureHandle>? SlotRefused { get; set; }

    /// <summary>After a TryUpdate wrote and committed a slot, on the writing thread, with the pixels written.</summary>
    public Action<TextureHandle, byte[]>? Committed { get; set; }

    public TextureHandle Create(in TextureDescription description)
    {
        if (string.IsNullOrWhiteSpace(description.Name) || description.Width < 1 || description.Height < 1)
            throw new TexturePluginException($"Texture '{description.Name}': size {description.Width}x{description.Height} is not allowed.");
        lock (_lock)
        {
            foreach (var d in _live.Values)
                if (d.Name == description.Name)
                    throw new TexturePluginException($"A texture named '{description.Name}' exists already.");
            int id = ++_nextId;
            _live.Add(id, description);
            return new TextureHandle(id);
        }
    }

    public TextureHandle Find(string name)
    {
        lock (_lock)
            foreach (var (id, d) in _live)
                if (d.Name == name)
                    return new TextureHandle(id);
        return default;
    }

    public TextureDescription Describe(TextureHandle handle) => Live(handle);

    public void Resize(TextureHandle handle, int width, int height)
    {
        var d = Live(handle);
        lock (_lock)
            _live[handle.Id] = new TextureDescription(d.Name, width, height, d.Format, d.Mipmaps);
    }

    public void Delete(TextureHandle handle)
    {
        lock (_lock)
        {
            if (!_live.Remove(handle.Id))
                return;
        }

        Deleted?.Invoke(handle);
    }

    public void Update(TextureHandle handle, in TextureRegion region, ReadOnlySpan<byte> pixels)
    {
        int bytes = CheckRegion(Live(handle), region);
        if (pixels.Length < bytes)
            throw new TexturePluginException($"Updating {region} of {handle} needs {bytes} bytes, but only {pixels.Length} were given.");
    }

    public bool TryBeginUpdate(TextureHandle handle, in TextureRegion region, out TextureUpload upload)
    {
        CheckRegion(Live(handle), region);
        upload = default;
        return false;
    }

    public bool TryUpdate<TState>(TextureHandle handle, in TextureRegion region, TextureWriter<TState> writer, TState state)
    {
        int bytes = CheckRegion(Live(handle), region);
        if (!SlotsFree)
        {
            Interlocked.Increment(ref _slotRefusals);
            SlotRefused?.Invoke(handle);
            return false;
        }

        var pixels = new byte[bytes];
        writer(pixels, region, state);
        Committed?.Invoke(handle, pixels);
        return true;
    }

    public ulong GetNativeTexture(TextureHandle handle) => 0;

    private static int CheckRegion(in TextureDescription d, in TextureRegion r)
    {
        if (r.Width < 1 || r.Height < 1 || r.X < 0 || r.Y < 0 || r.X + r.Width > d.Width || r.Y + r.Height > d.Height)
            throw new TexturePluginException($"Region {r} is not inside the {d.Width}x{d.Height} texture '{d.Name}'.");
        return r.Width * r.Height * TextureFormatInfo.BytesPerPixel(d.Format);
    }

    private TextureDescription Live(TextureHandle handle)
    {
        lock (_lock)
        {
            if (_live.TryGetValue(handle.Id, out var d))
                return d;
        }

        try
        {
            throw new TexturePluginException($"{handle} does not belong to this plugin (or was deleted).");
        }
        finally
        {
            Refused?.Invoke(handle);
        }
    }
}

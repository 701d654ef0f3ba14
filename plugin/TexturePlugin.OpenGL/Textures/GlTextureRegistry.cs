using System.Buffers;
using System.Diagnostics;
using TexturePlugin.Abstractions;

namespace TexturePlugin.OpenGL.Textures;

/// <summary>
/// <see cref="ITextureRegistry"/> over GL. Requests from any thread are queued and carried out, in
/// order, by <see cref="ProcessPending"/> on the GL thread before it draws. Streaming updates go
/// through an <see cref="UploadRing"/>: a worker writes into a mapped slot and commits it, the GL
/// thread uploads whole committed slots only, so a texture is never drawn half-written; a slot is
/// reused only after its upload fence signalled.
/// </summary>
public sealed class GlTextureRegistry : ITextureRegistry, ITextureUploadSink, IDisposable
{
    /// <summary>Largest side accepted, whatever the driver allows (keeps a typo from allocating gigabytes).</summary>
    public const int MaxSide = 16384;

    private readonly GlDevice _device;
    private readonly UploadRing _ring;
    private readonly object _lock = new();
    private readonly Dictionary<int, Entry> _entries = new();
    private readonly Dictionary<string, int> _byName = new(StringComparer.Ordinal);
    private readonly int[] _slotTexture;
    private readonly TextureRegion[] _slotRegion;
    private List<Op> _pending = new();
    private List<Op> _processing = new();
    private int _nextId;
    private int _disposed;

    /// <summary>Creates the registry and its upload ring (GL thread).</summary>
    /// <param name="device">The GL device.</param>
    /// <param name="slotCount">Upload slots (3 lets a worker write one while the GPU reads another and one waits).</param>
    /// <param name="slotBytes">Bytes per slot; the default fits a 1024x1024 RGBA16F image.</param>
    public GlTextureRegistry(GlDevice device, int slotCount = 3, int slotBytes = 1024 * 1024 * 8)
    {
        _device = device ?? throw new ArgumentNullException(nameof(device));
        _ring = new UploadRing(device, slotCount, slotBytes);
        _slotTexture = new int[_ring.SlotCount];
        _slotRegion = new TextureRegion[_ring.SlotCount];
    }

    /// <summary>The upload ring (for figures and tests).</summary>
    public UploadRing Ring => _ring;

    /// <summary>Milliseconds the last <see cref="ProcessPending"/> spent issuing uploads (texture creation not included).</summary>
    public double LastUploadMilliseconds { get; private set; }

    /// <summary>Bytes uploaded by the last <see cref="ProcessPending"/>.</summary>
    public long LastUploadBytes { get; private set; }

    /// <summary>Live textures.</summary>
    public int Count
    {
        get
        {
            lock (_lock)
                return _byName.Count;
        }
    }

    /// <inheritdoc/>
    public TextureHandle Create(in TextureDescription description)
    {
        if (string.IsNullOrWhiteSpace(description.Name))
            throw new GlException("A texture needs a name.");
        int limit = Math.Min(MaxSide, _device.MaxTextureSize);
        ValidateSize(description.Name, description.Width, description.Height, limit);
        _ = TextureFormatInfo.BytesPerPixel(description.Format);
        lock (_lock)
        {
            ThrowIfDisposed();
            if (_byName.ContainsKey(description.Name))
                throw new GlException($"A texture named '{description.Name}' exists already.");
            int id = ++_nextId;
            _entries.Add(id, new Entry(description));
            _byName.Add(description.Name, id);
            _pending.Add(new Op(OpKind.Create, id));
            return new TextureHandle(id);
        }
    }

    /// <inheritdoc/>
    public TextureHandle Find(string name)
    {
        lock (_lock)
            return _byName.TryGetValue(name, out int id) ? new TextureHandle(id) : default;
    }

    /// <inheritdoc/>
    public TextureDescription Describe(TextureHandle handle)
    {
        lock (_lock)
            return Live(handle).Description;
    }

    /// <inheritdoc/>
    public void Resize(TextureHandle handle, int width, int height)
    {
        lock (_lock)
        {
            var entry = Live(handle);
            ValidateSize(entry.Description.Name, width, height, Math.Min(MaxSide, _device.MaxTextureSize));
            var d = entry.Description;
            entry.Description = new TextureDescription(d.Name, width, height, d.Format, d.Mipmaps);
            _pending.Add(new Op(OpKind.Resize, handle.Id));
        }
    }

    /// <inheritdoc/>
    public void Delete(TextureHandle handle)
    {
        lock (_lock)
        {
            if (!_entries.TryGetValue(handle.Id, out var entry) || entry.Deleted)
                return;
            entry.Deleted = true;
            _byName.Remove(entry.Description.Name);
            _pending.Add(new Op(OpKind.Delete, handle.Id));
        }
    }

    /// <inheritdoc/>
    public unsafe void Update(TextureHandle handle, in TextureRegion region, ReadOnlySpan<byte> pixels)
    {
        int bytes;
        lock (_lock)
            bytes = CheckRegion(Live(handle).Description, region);
        if (pixels.Length < bytes)
            throw new GlException($"Updating {region} of texture '{Describe(handle).Name}' needs {bytes} bytes, but only {pixels.Length} were given.");

        if (bytes <= _ring.SlotBytes && TryBeginUpdate(handle, region, out var upload))
        {
            pixels.Slice(0, bytes).CopyTo(upload.Pixels);
            upload.Commit();
            return;
        }

        // Every slot busy (or the region is larger than a slot): keep a pooled copy for the GL thread.
        byte[] copy = ArrayPool<byte>.Shared.Rent(bytes);
        pixels.Slice(0, bytes).CopyTo(copy);
        lock (_lock)
            _pending.Add(new Op(OpKind.UploadArray, handle.Id, region, copy));
    }

    /// <inheritdoc/>
    public bool TryBeginUpdate(TextureHandle handle, in TextureRegion region, out TextureUpload upload)
    {
        TextureDescription description;
        int bytes;
        lock (_lock)
        {
            description = Live(handle).Description;
            bytes = CheckRegion(description, region);
        }

        if (bytes > _ring.SlotBytes)
            throw new GlException($"Region {region} of texture '{description.Name}' needs {bytes} bytes; upload slots hold {_ring.SlotBytes}. Use Update with a span, or a larger ring.");
        if (!_ring.TryAcquire(out int slot, out int generation, out IntPtr memory))
        {
            upload = default;
            return false;
        }

        _slotTexture[slot] = handle.Id;
        _slotRegion[slot] = region;
        upload = new TextureUpload(this, memory, bytes, slot, generation, region);
        return true;
    }

    /// <inheritdoc/>
    public bool TryUpdate<TState>(TextureHandle handle, in TextureRegion region, TextureWriter<TState> writer, TState state)
    {
        if (writer is null)
            throw new ArgumentNullException(nameof(writer));
        if (!TryBeginUpdate(handle, region, out var upload))
            return false;
        using (upload)
        {
            writer(upload.Pixels, region, state);
            upload.Commit();
        }

        return true;
    }

    /// <inheritdoc/>
    public ulong GetNativeTexture(TextureHandle handle)
    {
        lock (_lock)
            return _entries.TryGetValue(handle.Id, out var entry) && !entry.Deleted ? entry.Texture?.Name ?? 0 : 0;
    }

    /// <summary>The GL texture behind a handle (GL thread, for drawing); null before creation or after deletion.</summary>
    public GpuTexture? GetTexture(TextureHandle handle)
    {
        lock (_lock)
            return _entries.TryGetValue(handle.Id, out var entry) && !entry.Deleted ? entry.Texture : null;
    }

    void ITextureUploadSink.Commit(int slot, int generation)
    {
        if (!_ring.Commit(slot, generation))
            return;
        lock (_lock)
            _pending.Add(new Op(OpKind.UploadSlot, _slotTexture[slot], _slotRegion[slot], null, slot));
    }

    void ITextureUploadSink.Abandon(int slot, int generation) => _ring.Abandon(slot, generation);

    /// <summary>
    /// Carries out every queued request in order (GL thread, once per frame before drawing): creations,
    /// resizes, deletions, uploads; regenerates mipmaps of updated textures; frees reclaimed slots.
    /// </summary>
    public void ProcessPending()
    {
        _device.EnsureGlThread();
        _ring.Poll();
        lock (_lock)
            (_pending, _processing) = (_processing, _pending);

        long uploadTicks = 0;
        long bytes = 0;
        foreach (var op in _processing)
        {
            Entry? entry;
            lock (_lock)
                _entries.TryGetValue(op.Id, out entry);
            switch (op.Kind)
            {
                case OpKind.Create:
                case OpKind.Resize:
                    if (entry is null || entry.Deleted)
                        break;
                    entry.Texture?.Dispose();
                    var d = entry.Description;
                    var texture = new GpuTexture(_device, d.Width, d.Height, d.Format, d.Mipmaps);
                    lock (_lock)
                        entry.Texture = texture;
                    break;
                case OpKind.Delete:
                    if (entry is null)
                        break;
                    entry.Texture?.Dispose();
                    lock (_lock)
                    {
                        entry.Texture = null;
                        _entries.Remove(op.Id);
                    }

                    break;
                case OpKind.UploadSlot:
                    if (entry?.Texture is { } target && !entry.Deleted && Fits(target, op.Region))
                    {
                        long slotStart = Stopwatch.GetTimestamp();
                        _ring.Upload(op.Slot, target, op.Region);
                        uploadTicks += Stopwatch.GetTimestamp() - slotStart;
                        bytes += (long)op.Region.Width * op.Region.Height * TextureFormatInfo.BytesPerPixel(target.Format);
                        entry.MipsDirty = target.Levels > 1;
                    }
                    else
                    {
                        _ring.Discard(op.Slot); // the texture was deleted or resized since
                    }

                    break;
                case OpKind.UploadArray:
                    if (entry?.Texture is { } destination && !entry.Deleted && Fits(destination, op.Region))
                    {
                        long arrayStart = Stopwatch.GetTimestamp();
                        destination.Upload(op.Region, op.Data);
                        uploadTicks += Stopwatch.GetTimestamp() - arrayStart;
                        bytes += (long)op.Region.Width * op.Region.Height * TextureFormatInfo.BytesPerPixel(destination.Format);
                        entry.MipsDirty = destination.Levels > 1;
                    }

                    ArrayPool<byte>.Shared.Return(op.Data!);
                    break;
            }
        }

        foreach (var op in _processing)
        {
            if (op.Kind is not (OpKind.UploadSlot or OpKind.UploadArray))
                continue;
            Entry? entry;
            lock (_lock)
                _entries.TryGetValue(op.Id, out entry);
            if (entry is { MipsDirty: true, Texture: { } texture })
            {
                texture.GenerateMipmaps();
                entry.MipsDirty = false;
            }
        }

        _processing.Clear();
        LastUploadBytes = bytes;
        LastUploadMilliseconds = uploadTicks * 1000.0 / Stopwatch.Frequency;
        _device.ProcessDeletions();
        _device.CheckErrors("processing texture requests");
    }

    /// <summary>Deletes every texture and the ring (GL objects go through the device's deletion queue); idempotent.</summary>
    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
            return;
        lock (_lock)
        {
            foreach (var entry in _entries.Values)
                entry.Texture?.Dispose();
            _entries.Clear();
            _byName.Clear();
            foreach (var op in _pending)
                if (op.Data is not null)
                    ArrayPool<byte>.Shared.Return(op.Data);
            _pending.Clear();
        }

        _ring.Dispose();
    }

    private static bool Fits(GpuTexture texture, in TextureRegion r) =>
        r.X >= 0 && r.Y >= 0 && r.X + r.Width <= texture.Width && r.Y + r.Height <= texture.Height;

    private static void ValidateSize(string name, int width, int height, int limit)
    {
        if (width < 1 || height < 1 || width > limit || height > limit)
            throw new GlException($"Texture '{name}': size {width}x{height} is outside 1..{limit}.");
    }

    private static int CheckRegion(in TextureDescription d, in TextureRegion r)
    {
        if (r.Width < 1 || r.Height < 1 || r.X < 0 || r.Y < 0 || r.X + r.Width > d.Width || r.Y + r.Height > d.Height)
            throw new GlException($"Region {r} is not inside the {d.Width}x{d.Height} texture '{d.Name}'.");
        return r.Width * r.Height * TextureFormatInfo.BytesPerPixel(d.Format);
    }

    private Entry Live(TextureHandle handle)
    {
        ThrowIfDisposed();
        if (!_entries.TryGetValue(handle.Id, out var entry) || entry.Deleted)
            throw new GlException($"{handle} does not exist (never created, or deleted).");
        return entry;
    }

    private void ThrowIfDisposed()
    {
        if (Volatile.Read(ref _disposed) != 0)
            throw new ObjectDisposedException(nameof(GlTextureRegistry));
    }

    private enum OpKind
    {
        Create,
        Resize,
        Delete,
        UploadSlot,
        UploadArray,
    }

    private readonly struct Op
    {
        public Op(OpKind kind, int id, TextureRegion region = default, byte[]? data = null, int slot = -1)
        {
            Kind = kind;
            Id = id;
            Region = region;
            Data = data;
            Slot = slot;
        }

        public OpKind Kind { get; }

        public int Id { get; }

        public TextureRegion Region { get; }

        public byte[]? Data { get; }

        public int Slot { get; }
    }

    private sealed class Entry
    {
        public Entry(TextureDescription description) => Description = description;

        public TextureDescription Description { get; set; }

        public GpuTexture? Texture { get; set; }

        public bool Deleted { get; set; }

        public bool MipsDirty { get; set; }
    }
}

namespace TexturePlugin.Abstractions;

/// <summary>Implemented by a registry: the slot behind a <see cref="TextureUpload"/>.</summary>
public interface ITextureUploadSink
{
    /// <summary>Hands the written slot to the GL thread.</summary>
    void Commit(int slot, int generation);

    /// <summary>Gives the slot back unwritten.</summary>
    void Abandon(int slot, int generation);
}

/// <summary>
/// A mapped upload slot being written by one thread. Write <see cref="Pixels"/> (the region's rows,
/// tightly packed), then <see cref="Commit"/>; <see cref="Dispose"/> without a commit abandons it.
/// </summary>
public readonly struct TextureUpload : IDisposable
{
    private readonly ITextureUploadSink? _sink;
    private readonly IntPtr _memory;
    private readonly int _length;
    private readonly int _slot;
    private readonly int _generation;

    /// <summary>Made by registries only.</summary>
    public TextureUpload(ITextureUploadSink sink, IntPtr memory, int length, int slot, int generation, TextureRegion region)
    {
        _sink = sink;
        _memory = memory;
        _length = length;
        _slot = slot;
        _generation = generation;
        Region = region;
    }

    /// <summary>The rectangle this upload fills.</summary>
    public TextureRegion Region { get; }

    /// <summary>The slot's mapped memory: region height rows of region width pixels.</summary>
    public unsafe Span<byte> Pixels => _memory == IntPtr.Zero ? Span<byte>.Empty : new Span<byte>((void*)_memory, _length);

    /// <summary>Hands the slot to the GL thread; it uploads before its next draw.</summary>
    public void Commit() => _sink?.Commit(_slot, _generation);

    /// <summary>Abandons the slot unless it was committed.</summary>
    public void Dispose() => _sink?.Abandon(_slot, _generation);
}

namespace TexturePlugin.Abstractions;

/// <summary>Fills an upload slot: <paramref name="pixels"/> holds the region's rows, tightly packed.</summary>
public delegate void TextureWriter<TState>(Span<byte> pixels, TextureRegion region, TState state);

/// <summary>
/// GPU textures by handle. <see cref="Create"/>, <see cref="Resize"/> and <see cref="Delete"/> may be
/// called from any thread and take effect on the host's GL thread before its next draw. Updates may
/// come from any thread too; a texture is only ever drawn with whole updates (never half-written).
/// </summary>
public interface ITextureRegistry
{
    /// <summary>Creates a texture with undefined content. Throws when the name is taken or the size is out of range.</summary>
    TextureHandle Create(in TextureDescription description);

    /// <summary>The texture with this name, or an invalid handle.</summary>
    TextureHandle Find(string name);

    /// <summary>The description a live handle was created (or resized) with. Throws for an unknown handle.</summary>
    TextureDescription Describe(TextureHandle handle);

    /// <summary>Reallocates the texture at a new size; content becomes undefined.</summary>
    void Resize(TextureHandle handle, int width, int height);

    /// <summary>Deletes the texture (the GL object goes on the GL thread). Deleting twice is harmless.</summary>
    void Delete(TextureHandle handle);

    /// <summary>Copies <paramref name="pixels"/> (the region's rows, tightly packed) for upload. Never blocks.</summary>
    void Update(TextureHandle handle, in TextureRegion region, ReadOnlySpan<byte> pixels);

    /// <summary>
    /// Takes a mapped upload slot for the region and lets the caller write into it on its own thread
    /// (<see cref="TextureUpload.Commit"/> hands it to the GL thread, <see cref="TextureUpload.Dispose"/>
    /// without commit gives it back). False when every slot is still in flight: try again next frame.
    /// </summary>
    bool TryBeginUpdate(TextureHandle handle, in TextureRegion region, out TextureUpload upload);

    /// <summary>Shortcut: <see cref="TryBeginUpdate"/>, <paramref name="writer"/>, commit. False when no slot was free.</summary>
    bool TryUpdate<TState>(TextureHandle handle, in TextureRegion region, TextureWriter<TState> writer, TState state);

    /// <summary>The native object (GL texture name) for hosts that draw the texture themselves; 0 before the GL thread created it.</summary>
    ulong GetNativeTexture(TextureHandle handle);
}

using TexturePlugin.Abstractions;
using TexturePlugin.OpenGL;
using TexturePlugin.OpenGL.Textures;

namespace TexturePlugin.Demo.Plugins;

/// <summary>
/// The registry one plugin sees: names are private to the plugin (prefixed with its name in the
/// shared registry), it can only touch its own handles, and everything it created is deleted when
/// it unloads or fails.
/// </summary>
internal sealed class ScopedTextureRegistry : ITextureRegistry
{
    private readonly GlTextureRegistry _inner;
    private readonly string _prefix;
    private readonly HashSet<int> _owned = new();
    private readonly Dictionary<string, string> _scopedNames = new(StringComparer.Ordinal);
    private readonly object _lock = new();
    private bool _closed;

    public ScopedTextureRegistry(GlTextureRegistry inner, string pluginName)
    {
        _inner = inner;
        _prefix = pluginName + "/";
    }

    public int OwnedCount
    {
        get
        {
            lock (_lock)
                return _owned.Count;
        }
    }

    public TextureHandle Create(in TextureDescription description)
    {
        lock (_lock)
        {
            if (_closed)
                throw new GlException($"The plugin's textures were released; '{description.Name}' cannot be created.");
            var d = description;
            var handle = _inner.Create(new TextureDescription(_prefix + d.Name, d.Width, d.Height, d.Format, d.Mipmaps));
            _owned.Add(handle.Id);
            return handle;
        }
    }

    public TextureHandle Find(string name)
    {
        string scoped;
        lock (_lock)
        {
            // Hosts look textures up every frame: keep the prefixed names instead of concatenating each time.
            if (!_scopedNames.TryGetValue(name, out scoped!))
            {
                scoped = _prefix + name;
                if (_scopedNames.Count < 256)
                    _scopedNames.Add(name, scoped);
            }
        }

        return _inner.Find(scoped);
    }

    public TextureDescription Describe(TextureHandle handle)
    {
        Check(handle);
        var d = _inner.Describe(handle);
        return new TextureDescription(d.Name.Substring(_prefix.Length), d.Width, d.Height, d.Format, d.Mipmaps);
    }

    public void Resize(TextureHandle handle, int width, int height)
    {
        Check(handle);
        _inner.Resize(handle, width, height);
    }

    public void Delete(TextureHandle handle)
    {
        lock (_lock)
        {
            if (!_owned.Remove(handle.Id))
                return;
        }

        _inner.Delete(handle);
    }

    public void Update(TextureHandle handle, in TextureRegion region, ReadOnlySpan<byte> pixels)
    {
        Check(handle);
        _inner.Update(handle, region, pixels);
    }

    public bool TryBeginUpdate(TextureHandle handle, in TextureRegion region, out TextureUpload upload)
    {
        Check(handle);
        return _inner.TryBeginUpdate(handle, region, out upload);
    }

    public bool TryUpdate<TState>(TextureHandle handle, in TextureRegion region, TextureWriter<TState> writer, TState state)
    {
        Check(handle);
        return _inner.TryUpdate(handle, region, writer, state);
    }

    public ulong GetNativeTexture(TextureHandle handle)
    {
        Check(handle);
        return _inner.GetNativeTexture(handle);
    }

    /// <summary>Deletes every texture the plugin still owns and refuses new ones.</summary>
    public int ReleaseAll()
    {
        int[] owned;
        lock (_lock)
        {
            _closed = true;
            owned = _owned.ToArray();
            _owned.Clear();
        }

        foreach (int id in owned)
            _inner.Delete(new TextureHandle(id));
        return owned.Length;
    }

    private void Check(TextureHandle handle)
    {
        lock (_lock)
        {
            if (!_owned.Contains(handle.Id))
                throw new GlException($"{handle} does not belong to this plugin (or was deleted).");
        }
    }
}

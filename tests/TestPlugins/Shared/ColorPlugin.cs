using TexturePlugin.Abstractions;

namespace TexturePlugin.TestPlugins;

/// <summary>
/// Test plugin: creates a 16x16 texture "color" and fills it every frame with its build's colour
/// (red, or blue when built with BLUE), half the time through a mapped slot and half from a span.
/// Reports the frames it saw. Two builds of this file let tests hot-reload one over the other.
/// </summary>
public sealed class ColorPlugin : IPlugin
{
#if BLUE
    public static readonly byte[] Color = { 0, 0, 255, 255 };
#else
    public static readonly byte[] Color = { 255, 0, 0, 255 };
#endif

    private readonly byte[] _pixels = new byte[16 * 16 * 4];
    private IPluginHost? _host;
    private TextureHandle _texture;
    private long _frames;

    public void Load(IPluginHost host)
    {
        _host = host;
        for (int i = 0; i < _pixels.Length; i += 4)
            Color.CopyTo(_pixels, i);
    }

    public void OnGraphicsDeviceEvent(GraphicsDeviceEvent deviceEvent)
    {
        if (deviceEvent == GraphicsDeviceEvent.Initialize)
            _texture = _host!.Textures.Create(new TextureDescription("color", 16, 16));
    }

    public void Update(FrameTime time)
    {
        var whole = TextureRegion.Whole(16, 16);
        if (time.FrameIndex % 2 == 0 && _host!.Textures.TryBeginUpdate(_texture, whole, out var upload))
        {
            using (upload)
            {
                _pixels.CopyTo(upload.Pixels);
                upload.Commit();
            }
        }
        else
        {
            _host!.Textures.Update(_texture, whole, _pixels);
        }

        _host.Stats.Report("frames", ++_frames);
        _host.Stats.ReportText("color", Color[0] == 255 ? "red" : "blue");
    }

    public void OnRenderEvent(int eventId)
    {
    }

    public void Unload()
    {
        _host = null;
    }
}

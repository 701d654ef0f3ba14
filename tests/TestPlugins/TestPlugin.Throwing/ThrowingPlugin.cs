using TexturePlugin.Abstractions;

namespace TexturePlugin.TestPlugins;

/// <summary>Test plugin: creates two textures, then throws from Update on its third frame.</summary>
public sealed class ThrowingPlugin : IPlugin
{
    private IPluginHost? _host;

    public void Load(IPluginHost host) => _host = host;

    public void OnGraphicsDeviceEvent(GraphicsDeviceEvent deviceEvent)
    {
        if (deviceEvent != GraphicsDeviceEvent.Initialize)
            return;
        _host!.Textures.Create(new TextureDescription("a", 8, 8));
        _host.Textures.Create(new TextureDescription("b", 8, 8, TextureFormat.Rgba16F));
    }

    public void Update(FrameTime time)
    {
        if (time.FrameIndex >= 2)
            throw new InvalidOperationException("deliberate failure in frame " + time.FrameIndex);
    }

    public void OnRenderEvent(int eventId)
    {
    }

    public void Unload() => _host = null;
}

using TexturePlugin.Demo.Hosting;
using TexturePlugin.Demo.Platform;
using TexturePlugin.Demo.Plugins;
using TexturePlugin.Demo.Rendering;

namespace TexturePlugin.Demo.Modes;

/// <summary>A view of the plugin's work: turns keys into settings and commands, lays out and draws the textures.</summary>
internal interface IDemoMode
{
    /// <summary>The value of the "mode" setting.</summary>
    string Name { get; }

    /// <summary>Applies one key press.</summary>
    void OnKey(int key, DemoContext context);

    /// <summary>Before the plugins update: where the pointer is on the main texture.</summary>
    void Layout(DemoContext context, int width, int height);

    /// <summary>Draws the mode's view.</summary>
    void Draw(DemoContext context, Renderer renderer);

    /// <summary>A line for the HUD.</summary>
    string Describe(DemoContext context);
}

/// <summary>What modes work with.</summary>
internal sealed class DemoContext
{
    public DemoContext(DemoSettings settings, DemoInput input, PluginManager plugins, OpenGL.Textures.GlTextureRegistry registry, DemoLog log)
    {
        Settings = settings;
        Input = input;
        Plugins = plugins;
        Registry = registry;
        Log = log;
    }

    public DemoSettings Settings { get; }

    public DemoInput Input { get; }

    public PluginManager Plugins { get; }

    public OpenGL.Textures.GlTextureRegistry Registry { get; }

    public DemoLog Log { get; }

    /// <summary>The first running plugin's texture of that name, or null.</summary>
    public OpenGL.Textures.GpuTexture? PluginTexture(string name)
    {
        var plugins = Plugins.Plugins;
        for (int i = 0; i < plugins.Count; i++) // by index: a foreach over the interface would allocate every frame
        {
            var plugin = plugins[i];
            if (plugin.State != PluginState.Running)
                continue;
            var handle = plugin.Host!.Textures.Find(name);
            if (handle.IsValid && Registry.GetTexture(handle) is { } texture)
                return texture;
        }

        return null;
    }

    /// <summary>The first running plugin's stats.</summary>
    public PluginStats? Stats
    {
        get
        {
            var plugins = Plugins.Plugins;
            for (int i = 0; i < plugins.Count; i++)
                if (plugins[i].State == PluginState.Running)
                    return plugins[i].Host!.StatsBoard;
            return null;
        }
    }

    /// <summary>Pixels at the top the HUD covers.</summary>
    public float TopReserved { get; set; }

    /// <summary>The largest rectangle of the texture's aspect (height / width) below the HUD, centred.</summary>
    public PixelRect Fit(int width, int height, float aspect, float margin = 12)
    {
        float top = TopReserved + margin;
        float availW = width - 2 * margin, availH = height - top - margin;
        float w = availW, h = w * aspect;
        if (h > availH)
        {
            h = availH;
            w = h / aspect;
        }

        return new PixelRect((width - w) / 2, top + (availH - h) / 2, w, h);
    }
}

using TexturePlugin.Demo.Platform;
using TexturePlugin.Demo.Rendering;

namespace TexturePlugin.Demo.Modes;

/// <summary>Synthesis: pick a material, change the seed, animate, tiled preview, size.</summary>
internal sealed class SynthesisMode : IDemoMode
{
    private PixelRect _view;
    private bool _seams;

    public string Name => TexturePlugin.PluginKeys.ModeSynthesis;

    public void OnKey(int key, DemoContext c)
    {
        var s = c.Settings;
        switch (key)
        {
            case 'M':
            case 'N':
                var materials = (c.Stats?.Text(TexturePlugin.PluginKeys.Materials) ?? string.Empty).Split(',', StringSplitOptions.RemoveEmptyEntries);
                if (materials.Length == 0)
                    break;
                int index = Array.IndexOf(materials, s.Get(TexturePlugin.PluginKeys.Material) ?? c.Stats?.Text(TexturePlugin.PluginKeys.CurrentMaterial));
                index = (index + (key == 'M' ? 1 : materials.Length - 1)) % materials.Length;
                s.Set(TexturePlugin.PluginKeys.Material, materials[index]);
                break;
            case Glfw.KeySpace:
                s.Set(TexturePlugin.PluginKeys.Seed, s.GetNumber(TexturePlugin.PluginKeys.Seed, 1) + 1);
                break;
            case 'A':
                s.Set(TexturePlugin.PluginKeys.Animate, !s.GetFlag(TexturePlugin.PluginKeys.Animate));
                break;
            case 'T':
                s.Set(DemoApp.TiledSetting, !s.GetFlag(DemoApp.TiledSetting));
                break;
            case 'G':
                _seams = !_seams;
                break;
            case '=':
            case 334: // keypad +
                s.Set(TexturePlugin.PluginKeys.Size, Math.Min(2048, ShownSize(c) * 2));
                break;
            case '-':
            case 333: // keypad -
                s.Set(TexturePlugin.PluginKeys.Size, Math.Max(64, ShownSize(c) / 2));
                break;
        }
    }

    public void Layout(DemoContext c, int width, int height)
    {
        _view = c.Fit(width, height, 1f);
        c.Input.PointerOnTexture = false;
    }

    public void Draw(DemoContext c, Renderer renderer)
    {
        var texture = c.PluginTexture(TexturePlugin.PluginKeys.SynthesisOutput);
        if (texture is null)
            return;
        if (c.Settings.GetFlag(DemoApp.TiledSetting))
            renderer.DrawTiled(texture, _view, 3, _seams);
        else
            renderer.DrawTexture(texture, _view);
    }

    public string Describe(DemoContext c)
    {
        var s = c.Settings;
        string material = c.Stats?.Text(TexturePlugin.PluginKeys.CurrentMaterial) ?? "-";
        int size = ShownSize(c);
        return $"SYNTHESIS {material} SEED {s.GetNumber(TexturePlugin.PluginKeys.Seed, 1)} {size}X{size}"
            + (s.GetFlag(TexturePlugin.PluginKeys.Animate) ? " ANIMATED" : string.Empty)
            + (s.GetFlag(DemoApp.TiledSetting) ? " TILED 3X3" : string.Empty);
    }

    /// <summary>
    /// The side the plugin renders, else the requested one: the plugin rounds a request to the material's size unit
    /// (copy-synthesis materials make multiples of their 256 px period), so +/- step from what is shown and a request
    /// below the smallest size does not pile up halvings.
    /// </summary>
    private static int ShownSize(DemoContext c) =>
        c.PluginTexture(TexturePlugin.PluginKeys.SynthesisOutput)?.Width ?? (int)c.Settings.GetNumber(TexturePlugin.PluginKeys.Size, 256);
}

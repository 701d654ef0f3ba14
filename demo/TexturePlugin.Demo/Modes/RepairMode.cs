using TexturePlugin.Abstractions;
using TexturePlugin.Demo.Platform;
using TexturePlugin.Demo.Rendering;

namespace TexturePlugin.Demo.Modes;

/// <summary>
/// Repair: the texture with its damage mask; paint with the mouse (left damage, right erase), the
/// plugin repairs as you paint; before/after split; damage from alpha; save.
/// </summary>
internal sealed class RepairMode : IDemoMode
{
    private PixelRect _view;
    private bool _split = true;
    private float _splitAt = 0.5f;

    public RepairMode(string? savePath) => SavePath = savePath;

    public string Name => TexturePlugin.PluginKeys.ModeRepair;

    public string? SavePath { get; set; }

    public void OnKey(int key, DemoContext c)
    {
        var s = c.Settings;
        switch (key)
        {
            case Glfw.KeyLeftBracket:
                s.Set(TexturePlugin.PluginKeys.Brush, Math.Max(2, s.GetNumber(TexturePlugin.PluginKeys.Brush, 12) - 2));
                break;
            case Glfw.KeyRightBracket:
                s.Set(TexturePlugin.PluginKeys.Brush, Math.Min(128, s.GetNumber(TexturePlugin.PluginKeys.Brush, 12) + 2));
                break;
            case 'D':
                c.Plugins.Broadcast(new PluginCommand(TexturePlugin.PluginKeys.AutoDetect, null));
                break;
            case 'C':
                c.Plugins.Broadcast(new PluginCommand(TexturePlugin.PluginKeys.ClearMask, null));
                break;
            case 'B':
                _split = !_split;
                break;
            case Glfw.KeyLeft:
                _splitAt = Math.Max(0f, _splitAt - 0.05f);
                break;
            case Glfw.KeyRight:
                _splitAt = Math.Min(1f, _splitAt + 0.05f);
                break;
            case 'S':
                string path = SavePath ?? Path.Combine(Directory.GetCurrentDirectory(), "repaired.png");
                c.Plugins.Broadcast(new PluginCommand(TexturePlugin.PluginKeys.Save, path));
                break;
        }
    }

    public void Layout(DemoContext c, int width, int height)
    {
        var before = c.PluginTexture(TexturePlugin.PluginKeys.RepairBefore);
        float aspect = before is null ? 1f : (float)before.Height / before.Width;
        _view = c.Fit(width, height, aspect);
        var input = c.Input;
        input.PointerOnTexture = before is not null && _view.Contains(input.MouseX, input.MouseY);
        if (before is not null)
        {
            input.TextureX = (input.MouseX - _view.X) / _view.Width * before.Width;
            input.TextureY = (input.MouseY - _view.Y) / _view.Height * before.Height;
        }
    }

    public void Draw(DemoContext c, Renderer renderer)
    {
        var before = c.PluginTexture(TexturePlugin.PluginKeys.RepairBefore);
        var after = c.PluginTexture(TexturePlugin.PluginKeys.RepairAfter);
        if (before is null || after is null)
            return;
        float split = _split ? _splitAt : 0f;
        renderer.DrawSplit(before, after, _view, split);
        var input = c.Input;
        float radius = (float)c.Settings.GetNumber(TexturePlugin.PluginKeys.Brush, 12);
        renderer.DrawOverlay(c.PluginTexture(TexturePlugin.PluginKeys.RepairMask), _view,
            input.TextureX / before.Width, input.TextureY / before.Height, radius / before.Width,
            (float)before.Height / before.Width, input.PointerOnTexture, 0.55f, _split ? split : 1f);
    }

    public string Describe(DemoContext c)
    {
        var stats = c.Stats;
        double damaged = stats?.Number(TexturePlugin.PluginKeys.Damaged, 0) ?? 0;
        return $"REPAIR BRUSH {c.Settings.GetNumber(TexturePlugin.PluginKeys.Brush, 12)} DAMAGED {damaged:0} PX"
            + (_split ? $" SPLIT {_splitAt * 100:0}%" : " AFTER");
    }
}

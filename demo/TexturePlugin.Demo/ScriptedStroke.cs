using TexturePlugin.Abstractions;

namespace TexturePlugin.Demo;

/// <summary>
/// Headless repair runs paint a fixed stroke through the same input path a mouse uses: an S-curve
/// across the texture with the left button held over frames 5..40, so the live repair path is exercised.
/// </summary>
internal static class ScriptedStroke
{
    public static void Paint(DemoApp app, long frame)
    {
        var input = app.Surface.Input;
        var texture = app.Context.PluginTexture(PluginKeys.RepairBefore);
        bool down = frame >= 5 && frame <= 40 && texture is not null;
        input.SetButton(MouseButton.Left, down);
        if (texture is null)
            return;
        double t = Math.Clamp((frame - 5) / 35.0, 0, 1);
        input.PointerOnTexture = true;
        input.TextureX = (float)(texture.Width * (0.2 + 0.6 * t));
        input.TextureY = (float)(texture.Height * (0.5 + 0.25 * Math.Sin(t * 2 * Math.PI)));
        app.Settings.Set(PluginKeys.Brush, Math.Max(4, texture.Width / 24));
    }
}

using TexturePlugin.Abstractions;

namespace TexturePlugin.Demo;

/// <summary>
/// Headless repair runs paint a fixed stroke through the same input path a mouse uses: an S-curve
/// across the texture with the left button held over frames 5..40 counted from the first frame the plugin's
/// texture exists (the plugin may still be loading when the host's frames start), so the live repair path is exercised.
/// </summary>
internal static class ScriptedStroke
{
    /// <summary>A fresh stroke script (it remembers the frame the texture appeared on).</summary>
    public static Action<DemoApp, long> Create()
    {
        long? first = null;
        return (app, frame) =>
        {
            var input = app.Surface.Input;
            var texture = app.Context.PluginTexture(PluginKeys.RepairBefore);
            if (texture is null)
            {
                input.SetButton(MouseButton.Left, false);
                return;
            }
            first ??= frame;
            long f = frame - first.Value;
            input.SetButton(MouseButton.Left, f >= 5 && f <= 40);
            double t = Math.Clamp((f - 5) / 35.0, 0, 1);
            input.PointerOnTexture = true;
            input.TextureX = (float)(texture.Width * (0.2 + 0.6 * t));
            input.TextureY = (float)(texture.Height * (0.5 + 0.25 * Math.Sin(t * 2 * Math.PI)));
            app.Settings.Set(PluginKeys.Brush, Math.Max(4, texture.Width / 24));
        };
    }
}

namespace TexturePlugin.Abstractions;

/// <summary>
/// A plugin's lifecycle, after Unity's native plugin interface: <see cref="Load"/> with the host's
/// services, graphics-device events, one <see cref="Update"/> per frame, render-thread events, and
/// <see cref="Unload"/>. The host calls every method on its GL thread; a plugin that wants parallel
/// work starts its own workers and hands results back through <see cref="ITextureRegistry"/>.
/// An exception escaping any method disables the plugin; the host keeps running and frees the
/// textures the plugin created.
/// </summary>
public interface IPlugin
{
    /// <summary>Called once after the plugin's assembly is loaded, before any other call.</summary>
    void Load(IPluginHost host);

    /// <summary>The graphics device came up (after <see cref="Load"/>) or is going down (before <see cref="Unload"/>).</summary>
    void OnGraphicsDeviceEvent(GraphicsDeviceEvent deviceEvent);

    /// <summary>Once per frame, before the host draws.</summary>
    void Update(FrameTime time);

    /// <summary>A render-thread event the host issues (Unity's GL.IssuePluginEvent); ids are plugin-defined.</summary>
    void OnRenderEvent(int eventId);

    /// <summary>Last call: stop workers and let go of everything. The host deletes leftover textures itself.</summary>
    void Unload();
}

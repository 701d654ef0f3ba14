namespace TexturePlugin.Abstractions;

/// <summary>What happened to the graphics device (Unity's kUnityGfxDeviceEventInitialize / Shutdown).</summary>
public enum GraphicsDeviceEvent
{
    /// <summary>The device exists: textures can be created.</summary>
    Initialize,

    /// <summary>The device is about to go away: stop uploading.</summary>
    Shutdown,
}

using Silk.NET.OpenGL;

namespace TexturePlugin.Demo.Platform;

/// <summary>Where the demo's GL context lives: a GLFW window or a headless EGL context.</summary>
internal interface IDemoSurface : IDisposable
{
    /// <summary>"window (GLFW)" or "headless (EGL surfaceless)".</summary>
    string Kind { get; }

    /// <summary>GL entry points of the current context.</summary>
    GL Gl { get; }

    /// <summary>Framebuffer width in pixels.</summary>
    int Width { get; }

    /// <summary>Framebuffer height in pixels.</summary>
    int Height { get; }

    /// <summary>The user asked to close.</summary>
    bool ShouldClose { get; }

    /// <summary>Input gathered by <see cref="PollEvents"/>.</summary>
    DemoInput Input { get; }

    /// <summary>Gathers input and window events.</summary>
    void PollEvents();

    /// <summary>Shows the default framebuffer (no-op headless).</summary>
    void Present();

    /// <summary>Sets the window title (no-op headless).</summary>
    void SetTitle(string title);
}

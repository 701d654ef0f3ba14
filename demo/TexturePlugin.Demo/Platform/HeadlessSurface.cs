using Silk.NET.OpenGL;
using TexturePlugin.OpenGL.Platform;

namespace TexturePlugin.Demo.Platform;

/// <summary>No display: a surfaceless EGL context; the demo renders into its offscreen target and nothing is shown.</summary>
internal sealed class HeadlessSurface : IDemoSurface
{
    private readonly EglContext _context;

    public HeadlessSurface(int width, int height)
    {
        _context = EglContext.Create(debug: true);
        Width = width;
        Height = height;
    }

    public string Kind => $"headless (EGL {_context.Platform})";

    public GL Gl => _context.Gl;

    public int Width { get; }

    public int Height { get; }

    public bool ShouldClose => false;

    public DemoInput Input { get; } = new();

    public void PollEvents() => Input.ScrollDelta = 0;

    public void Present()
    {
    }

    public void SetTitle(string title)
    {
    }

    public void Dispose() => _context.Dispose();
}

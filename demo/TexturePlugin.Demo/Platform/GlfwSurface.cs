using System.Runtime.InteropServices;
using Silk.NET.OpenGL;
using TexturePlugin.Abstractions;

namespace TexturePlugin.Demo.Platform;

/// <summary>A real window with an OpenGL 4.5 core context (GLFW 3 under X11 or Wayland).</summary>
internal sealed class GlfwSurface : IDemoSurface
{
    private readonly IntPtr _window;
    // Delegates handed to GLFW live as long as the window: the native side holds only a raw pointer.
    private readonly Glfw.KeyCallback _onKey;
    private readonly Glfw.ScrollCallback _onScroll;
    private readonly Glfw.DropCallback _onDrop;
    private float _scroll;
    private int _disposed;

    public GlfwSurface(int width, int height, string title, bool vsync)
    {
        try
        {
            if (Glfw.glfwInit() == 0)
                throw new DemoException($"GLFW could not start ({Glfw.LastError()}); is there a display? Use --headless without one.");
        }
        catch (DllNotFoundException e)
        {
            throw new DemoException("libglfw.so.3 is missing (apt-get install libglfw3); --headless works without it.", e);
        }

        Glfw.glfwWindowHint(Glfw.ContextVersionMajor, 4);
        Glfw.glfwWindowHint(Glfw.ContextVersionMinor, 5);
        Glfw.glfwWindowHint(Glfw.OpenGlProfile, Glfw.OpenGlCoreProfile);
        Glfw.glfwWindowHint(Glfw.OpenGlForwardCompat, 1);
        Glfw.glfwWindowHint(Glfw.OpenGlDebugContext, 1);
        _window = Glfw.glfwCreateWindow(width, height, title, IntPtr.Zero, IntPtr.Zero);
        if (_window == IntPtr.Zero)
        {
            string error = Glfw.LastError();
            Glfw.glfwTerminate();
            throw new DemoException($"GLFW could not open a {width}x{height} window with OpenGL 4.5 core ({error}).");
        }

        Glfw.glfwMakeContextCurrent(_window);
        Glfw.glfwSwapInterval(vsync ? 1 : 0);
        Gl = GL.GetApi(name => Glfw.glfwGetProcAddress(name));
        _onKey = OnKey;
        _onScroll = (_, _, y) => _scroll += (float)y;
        _onDrop = OnDrop;
        Glfw.glfwSetKeyCallback(_window, _onKey);
        Glfw.glfwSetScrollCallback(_window, _onScroll);
        Glfw.glfwSetDropCallback(_window, _onDrop);
    }

    public string Kind => "window (GLFW)";

    public GL Gl { get; }

    public int Width { get; private set; }

    public int Height { get; private set; }

    public bool ShouldClose => Glfw.glfwWindowShouldClose(_window) != 0;

    public DemoInput Input { get; } = new();

    public void PollEvents()
    {
        _scroll = 0;
        Glfw.glfwPollEvents();
        Glfw.glfwGetFramebufferSize(_window, out int fw, out int fh);
        Glfw.glfwGetWindowSize(_window, out int ww, out int wh);
        Width = fw;
        Height = fh;
        Glfw.glfwGetCursorPos(_window, out double x, out double y);
        // Cursor positions are in window coordinates; scale to framebuffer pixels (HiDPI).
        Input.MouseX = (float)(x * fw / Math.Max(1, ww));
        Input.MouseY = (float)(y * fh / Math.Max(1, wh));
        Input.ScrollDelta = _scroll;
        for (int b = 0; b < 3; b++)
            Input.SetButton((MouseButton)b, Glfw.glfwGetMouseButton(_window, b) == Glfw.Press);
    }

    public void Present() => Glfw.glfwSwapBuffers(_window);

    public void SetTitle(string title) => Glfw.glfwSetWindowTitle(_window, title);

    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
            return;
        Glfw.glfwDestroyWindow(_window);
        Glfw.glfwTerminate();
    }

    private void OnKey(IntPtr window, int key, int scancode, int action, int mods)
    {
        if (action == Glfw.Press)
            Input.SetKey(key, true);
        else if (action == Glfw.Repeat)
            Input.Press(key);
        else if (action == Glfw.Release)
            Input.SetKey(key, false);
        if (key == Glfw.KeyEscape && action == Glfw.Press)
            Glfw.glfwSetWindowShouldClose(window, 1);
    }

    private void OnDrop(IntPtr window, int count, IntPtr paths)
    {
        for (int i = 0; i < count; i++)
        {
            string? path = Marshal.PtrToStringUTF8(Marshal.ReadIntPtr(paths, i * IntPtr.Size));
            if (path is not null)
                Input.Drop(path);
        }
    }
}

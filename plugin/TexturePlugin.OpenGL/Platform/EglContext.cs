using System.Runtime.InteropServices;
using Silk.NET.OpenGL;

namespace TexturePlugin.OpenGL.Platform;

/// <summary>
/// A headless OpenGL 4.5 core context through EGL: Mesa's surfaceless platform when present
/// (no display, no window, no X), else the default display. Rendering goes into framebuffer objects.
/// The context is current on the thread that created it; <see cref="MakeCurrent"/> moves it.
/// </summary>
public sealed unsafe class EglContext : IDisposable
{
    private const string Lib = "libEGL.so.1";
    private const int EGL_NONE = 0x3038, EGL_RED_SIZE = 0x3024, EGL_GREEN_SIZE = 0x3023, EGL_BLUE_SIZE = 0x3022,
        EGL_ALPHA_SIZE = 0x3021, EGL_RENDERABLE_TYPE = 0x3040, EGL_OPENGL_BIT = 0x0008, EGL_SURFACE_TYPE = 0x3033,
        EGL_OPENGL_API = 0x30A2, EGL_CONTEXT_MAJOR_VERSION = 0x3098, EGL_CONTEXT_MINOR_VERSION = 0x30FB,
        EGL_CONTEXT_OPENGL_PROFILE_MASK = 0x30FD, EGL_CONTEXT_OPENGL_CORE_PROFILE_BIT = 0x1,
        EGL_CONTEXT_OPENGL_DEBUG = 0x31B0, EGL_PLATFORM_SURFACELESS_MESA = 0x31DD, EGL_EXTENSIONS = 0x3055;

    [DllImport(Lib)] private static extern IntPtr eglGetProcAddress(string name);
    [DllImport(Lib)] private static extern IntPtr eglGetDisplay(IntPtr nativeDisplay);
    [DllImport(Lib)] private static extern int eglInitialize(IntPtr display, out int major, out int minor);
    [DllImport(Lib)] private static extern int eglTerminate(IntPtr display);
    [DllImport(Lib)] private static extern int eglBindAPI(int api);
    [DllImport(Lib)] private static extern int eglChooseConfig(IntPtr display, int[] attributes, IntPtr* configs, int size, out int count);
    [DllImport(Lib)] private static extern IntPtr eglCreateContext(IntPtr display, IntPtr config, IntPtr share, int[] attributes);
    [DllImport(Lib)] private static extern int eglDestroyContext(IntPtr display, IntPtr context);
    [DllImport(Lib)] private static extern int eglMakeCurrent(IntPtr display, IntPtr draw, IntPtr read, IntPtr context);
    [DllImport(Lib)] private static extern int eglGetError();
    [DllImport(Lib)] private static extern IntPtr eglQueryString(IntPtr display, int name);
    [DllImport(Lib)] private static extern int eglReleaseThread();

    private IntPtr _display;
    private IntPtr _context;
    private int _disposed;

    private EglContext(IntPtr display, IntPtr context, string platform)
    {
        _display = display;
        _context = context;
        Platform = platform;
        Gl = GL.GetApi(name => eglGetProcAddress(name));
    }

    /// <summary>Silk.NET's GL bound to this context's entry points.</summary>
    public GL Gl { get; }

    /// <summary>"surfaceless" or "default".</summary>
    public string Platform { get; }

    /// <summary>Creates the context and makes it current on the calling thread.</summary>
    /// <param name="debug">Ask for a debug context (KHR_debug messages for every error).</param>
    public static EglContext Create(bool debug = true)
    {
        IntPtr display = IntPtr.Zero;
        string platform = "surfaceless";
        try
        {
            var getPlatformDisplay = eglGetProcAddress("eglGetPlatformDisplayEXT");
            if (getPlatformDisplay != IntPtr.Zero && ClientExtensions().Contains("EGL_MESA_platform_surfaceless"))
            {
                var fn = (delegate* unmanaged<int, IntPtr, IntPtr*, IntPtr>)getPlatformDisplay;
                display = fn(EGL_PLATFORM_SURFACELESS_MESA, IntPtr.Zero, null);
            }
        }
        catch (DllNotFoundException e)
        {
            throw new GlException($"{Lib} could not be loaded (install libegl1 and libgl1-mesa-dri): {e.Message}", e);
        }

        if (display == IntPtr.Zero || eglInitialize(display, out _, out _) == 0)
        {
            platform = "default";
            display = eglGetDisplay(IntPtr.Zero);
            if (display == IntPtr.Zero || eglInitialize(display, out _, out _) == 0)
                throw new GlException($"EGL: no display could be initialised (error 0x{eglGetError():X4}).");
        }

        if (eglBindAPI(EGL_OPENGL_API) == 0)
            throw new GlException($"EGL: eglBindAPI(EGL_OPENGL_API) failed (error 0x{eglGetError():X4}); the driver offers no desktop GL.");

        int[] configAttributes =
        {
            EGL_RED_SIZE, 8, EGL_GREEN_SIZE, 8, EGL_BLUE_SIZE, 8, EGL_ALPHA_SIZE, 8,
            EGL_RENDERABLE_TYPE, EGL_OPENGL_BIT, EGL_SURFACE_TYPE, 0, EGL_NONE,
        };
        IntPtr config;
        if (eglChooseConfig(display, configAttributes, &config, 1, out int count) == 0 || count == 0)
            throw new GlException($"EGL: no RGBA8 desktop-GL config on the {platform} display (error 0x{eglGetError():X4}).");

        int[] contextAttributes =
        {
            EGL_CONTEXT_MAJOR_VERSION, 4, EGL_CONTEXT_MINOR_VERSION, 5,
            EGL_CONTEXT_OPENGL_PROFILE_MASK, EGL_CONTEXT_OPENGL_CORE_PROFILE_BIT,
            EGL_CONTEXT_OPENGL_DEBUG, debug ? 1 : 0, EGL_NONE,
        };
        IntPtr context = eglCreateContext(display, config, IntPtr.Zero, contextAttributes);
        if (context == IntPtr.Zero)
        {
            eglTerminate(display);
            throw new GlException($"EGL: could not create an OpenGL 4.5 core context (error 0x{eglGetError():X4}).");
        }

        if (eglMakeCurrent(display, IntPtr.Zero, IntPtr.Zero, context) == 0)
        {
            int error = eglGetError();
            eglDestroyContext(display, context);
            eglTerminate(display);
            throw new GlException($"EGL: eglMakeCurrent without a surface failed (error 0x{error:X4}); EGL_KHR_surfaceless_context is required.");
        }

        return new EglContext(display, context, platform);
    }

    /// <summary>Makes the context current on the calling thread.</summary>
    public void MakeCurrent()
    {
        if (eglMakeCurrent(_display, IntPtr.Zero, IntPtr.Zero, _context) == 0)
            throw new GlException($"EGL: eglMakeCurrent failed (error 0x{eglGetError():X4}); is the context current on another thread?");
    }

    /// <summary>Releases the context from the calling thread so another thread can take it.</summary>
    public void ReleaseCurrent() => eglMakeCurrent(_display, IntPtr.Zero, IntPtr.Zero, IntPtr.Zero);

    /// <inheritdoc/>
    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
            return;
        eglMakeCurrent(_display, IntPtr.Zero, IntPtr.Zero, IntPtr.Zero);
        eglDestroyContext(_display, _context);
        eglTerminate(_display);
        eglReleaseThread();
        Gl.Dispose();
        _context = IntPtr.Zero;
        _display = IntPtr.Zero;
    }

    private static string ClientExtensions()
    {
        IntPtr text = eglQueryString(IntPtr.Zero, EGL_EXTENSIONS);
        return text == IntPtr.Zero ? string.Empty : Marshal.PtrToStringAnsi(text) ?? string.Empty;
    }
}

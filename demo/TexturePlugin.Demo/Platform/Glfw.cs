using System.Runtime.InteropServices;

namespace TexturePlugin.Demo.Platform;

/// <summary>
/// The few GLFW 3 calls the demo needs, bound to Debian's libglfw.so.3 (Silk.NET.Windowing and
/// Silk.NET.GLFW are not in the package feed here).
/// </summary>
internal static class Glfw
{
    private const string Lib = "libglfw.so.3";

    public const int ContextVersionMajor = 0x00022002, ContextVersionMinor = 0x00022003, OpenGlForwardCompat = 0x00022006,
        OpenGlDebugContext = 0x00022007, OpenGlProfile = 0x00022008, OpenGlCoreProfile = 0x00032001, Visible = 0x00020004;

    public const int Release = 0, Press = 1, Repeat = 2;

    public const int KeySpace = 32, KeyEscape = 256, KeyEnter = 257, KeyTab = 258, KeyRight = 262, KeyLeft = 263,
        KeyDown = 264, KeyUp = 265, KeyPageUp = 266, KeyPageDown = 267, KeyLeftBracket = 91, KeyRightBracket = 93;

    [UnmanagedFunctionPointer(CallingConvention.Cdecl)]
    public delegate void KeyCallback(IntPtr window, int key, int scancode, int action, int mods);

    [UnmanagedFunctionPointer(CallingConvention.Cdecl)]
    public delegate void ScrollCallback(IntPtr window, double x, double y);

    [UnmanagedFunctionPointer(CallingConvention.Cdecl)]
    public delegate void DropCallback(IntPtr window, int count, IntPtr paths);

    [DllImport(Lib)] public static extern int glfwInit();
    [DllImport(Lib)] public static extern void glfwTerminate();
    [DllImport(Lib)] public static extern int glfwGetError(out IntPtr description);
    [DllImport(Lib)] public static extern void glfwWindowHint(int hint, int value);
    [DllImport(Lib)] public static extern IntPtr glfwCreateWindow(int width, int height, string title, IntPtr monitor, IntPtr share);
    [DllImport(Lib)] public static extern void glfwDestroyWindow(IntPtr window);
    [DllImport(Lib)] public static extern void glfwMakeContextCurrent(IntPtr window);
    [DllImport(Lib)] public static extern IntPtr glfwGetProcAddress(string name);
    [DllImport(Lib)] public static extern void glfwSwapBuffers(IntPtr window);
    [DllImport(Lib)] public static extern void glfwSwapInterval(int interval);
    [DllImport(Lib)] public static extern void glfwPollEvents();
    [DllImport(Lib)] public static extern int glfwWindowShouldClose(IntPtr window);
    [DllImport(Lib)] public static extern void glfwSetWindowShouldClose(IntPtr window, int value);
    [DllImport(Lib)] public static extern void glfwGetCursorPos(IntPtr window, out double x, out double y);
    [DllImport(Lib)] public static extern int glfwGetMouseButton(IntPtr window, int button);
    [DllImport(Lib)] public static extern int glfwGetKey(IntPtr window, int key);
    [DllImport(Lib)] public static extern void glfwGetFramebufferSize(IntPtr window, out int width, out int height);
    [DllImport(Lib)] public static extern void glfwGetWindowSize(IntPtr window, out int width, out int height);
    [DllImport(Lib)] public static extern void glfwSetWindowTitle(IntPtr window, string title);
    [DllImport(Lib)] public static extern IntPtr glfwSetKeyCallback(IntPtr window, KeyCallback callback);
    [DllImport(Lib)] public static extern IntPtr glfwSetScrollCallback(IntPtr window, ScrollCallback callback);
    [DllImport(Lib)] public static extern IntPtr glfwSetDropCallback(IntPtr window, DropCallback callback);

    /// <summary>GLFW's last error as text.</summary>
    public static string LastError()
    {
        int code = glfwGetError(out IntPtr description);
        return code == 0 ? "no error reported" : $"0x{code:X5} {Marshal.PtrToStringUTF8(description)}";
    }
}

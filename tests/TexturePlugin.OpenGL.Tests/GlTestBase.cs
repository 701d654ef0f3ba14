using NUnit.Framework;
using TexturePlugin.OpenGL.Platform;

namespace TexturePlugin.OpenGL.Tests;

/// <summary>
/// A real headless GL 4.5 context (Mesa, surfaceless EGL) per test, current on the test's thread.
/// Every test also fails when the driver reported a GL error during it.
/// </summary>
public abstract class GlTestBase
{
    protected EglContext Context = null!;
    protected GlDevice Device = null!;

    /// <summary>False runs the same tests on the orphaning path (no persistent mapping).</summary>
    protected virtual bool AllowBufferStorage => true;

    /// <summary>Tests that provoke GL errors on purpose turn the teardown check off.</summary>
    protected bool ExpectGlErrors { get; set; }

    [SetUp]
    public void CreateContext()
    {
        ExpectGlErrors = false;
        Context = EglContext.Create(debug: true);
        Device = new GlDevice(Context.Gl, AllowBufferStorage);
    }

    [TearDown]
    public void DestroyContext()
    {
        try
        {
            Device.ProcessDeletions();
            if (!ExpectGlErrors)
                Assert.That(Device.Errors, Is.Empty, "GL errors during the test");
        }
        finally
        {
            Device.Dispose();
            Context.Dispose();
        }
    }

    /// <summary>The shaders copied beside the test assembly (from the repository's shaders/).</summary>
    protected static string ShaderDirectory => Path.Combine(TestContext.CurrentContext.TestDirectory, "shaders");
}

using NUnit.Framework;
using Silk.NET.OpenGL;

namespace TexturePlugin.OpenGL.Tests;

/// <summary>The frame pacer bounds how far the GL thread runs ahead of the driver.</summary>
public class FramePacerTests : GlTestBase
{
    /// <summary>
    /// With one frame in flight, EndFrame returns only once the frame's commands finished; with two, once the frame before
    /// it finished. A fence placed inside a frame tells (the driver finishes in order).
    /// </summary>
    [TestCase(1)]
    [TestCase(2)]
    [TestCase(3)]
    public void EndFrameReturnsOnceAllButTheNewestFramesInFlightFinished(int inFlight)
    {
        using var pacer = new FramePacer(Device, inFlight);
        var gl = Device.Gl;
        uint texture = gl.GenTexture();
        gl.BindTexture(TextureTarget.Texture2D, texture);
        gl.TexStorage2D(TextureTarget.Texture2D, 1, SizedInternalFormat.Rgba8, 256, 256);
        var fences = new List<nint>();
        byte[] pixels = new byte[256 * 256 * 4];
        for (int frame = 0; frame < 8; frame++)
        {
            // Some work per frame, then a fence inside the frame.
            gl.TexSubImage2D<byte>(TextureTarget.Texture2D, 0, 0, 0, 256, 256, PixelFormat.Rgba, PixelType.UnsignedByte, pixels);
            fences.Add(gl.FenceSync(SyncCondition.SyncGpuCommandsComplete, SyncBehaviorFlags.None));
            pacer.EndFrame();

            int mustBeDone = frame - (inFlight - 1);
            for (int f = 0; f <= mustBeDone; f++)
                Assert.That((GLEnum)gl.ClientWaitSync(fences[f], (SyncObjectMask)0, 0), Is.EqualTo(GLEnum.AlreadySignaled), $"frame {f} after frame {frame} ended");
        }

        foreach (var fence in fences)
            gl.DeleteSync(fence);
        gl.DeleteTexture(texture);
        Assert.That(pacer.MaxFramesInFlight, Is.EqualTo(inFlight));
    }

    [Test]
    public void FramesInFlightOutsideOneToEightAreRefused()
    {
        Assert.That(() => new FramePacer(Device, 0), Throws.InstanceOf<GlException>());
        Assert.That(() => new FramePacer(Device, 9), Throws.InstanceOf<GlException>());
    }
}

using NUnit.Framework;
using Silk.NET.OpenGL;

namespace TexturePlugin.OpenGL.Tests;

/// <summary>The driver's debug messages as the GL device passes them on.</summary>
public unsafe class GlDeviceMessageTests : GlTestBase
{
    /// <summary>
    /// A driver that sends the same note every frame (as some do about buffer placement or the pixel path) must not make
    /// the GL thread allocate per frame: the first one is raised, the repeats are only counted.
    /// </summary>
    [Test]
    public void ANoteRepeatedEveryFrameIsRaisedOnceAndCostsNoAllocation()
    {
        var raised = new List<string>();
        Device.Message += raised.Add;
        byte[] text = "the same note, every frame"u8.ToArray();
        fixed (byte* note = text)
        {
            for (int i = 0; i < 10; i++)
                Insert(DebugType.DebugTypePerformance, DebugSeverity.DebugSeverityNotification, 4242, note, text.Length);
            long before = GC.GetAllocatedBytesForCurrentThread();
            for (int i = 0; i < 1000; i++)
                Insert(DebugType.DebugTypePerformance, DebugSeverity.DebugSeverityNotification, 4242, note, text.Length);
            long allocated = GC.GetAllocatedBytesForCurrentThread() - before;

            Assert.That(allocated, Is.Zero, "bytes allocated by 1000 repeated driver notes");
            Assert.That(raised.Count(m => m.Contains("the same note", StringComparison.Ordinal)), Is.EqualTo(1));
            Assert.That(Device.RepeatedMessages, Is.EqualTo(1009));
        }
    }

    /// <summary>Errors are never folded into repeats: each one is recorded and raised.</summary>
    [Test]
    public void EveryErrorIsRecordedEvenWhenItRepeats()
    {
        ExpectGlErrors = true;
        var raised = new List<string>();
        Device.Message += raised.Add;
        byte[] text = "an error that repeats"u8.ToArray();
        fixed (byte* message = text)
        {
            for (int i = 0; i < 3; i++)
                Insert(DebugType.DebugTypeError, DebugSeverity.DebugSeverityHigh, 77, message, text.Length);
        }

        Assert.That(Device.ErrorCount, Is.EqualTo(3));
        Assert.That(Device.Errors, Has.Count.EqualTo(3));
        Assert.That(raised, Has.Count.EqualTo(3));
        Assert.That(Device.RepeatedMessages, Is.Zero);
    }

    /// <summary>An application message through the driver's debug output, as a driver's own would arrive.</summary>
    private void Insert(DebugType type, DebugSeverity severity, uint id, byte* text, int length) =>
        Device.Gl.DebugMessageInsert((GLEnum)DebugSource.DebugSourceApplication, (GLEnum)type, id, (GLEnum)severity, (uint)length, text);
}

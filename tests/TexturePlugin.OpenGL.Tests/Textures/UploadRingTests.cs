using NUnit.Framework;
using Silk.NET.OpenGL;
using TexturePlugin.Abstractions;
using TexturePlugin.OpenGL.Textures;

namespace TexturePlugin.OpenGL.Tests.Textures;

public class UploadRingTests : GlTestBase
{
    [Test]
    public void ASlotIsNotHandedOutAgainUntilItsFenceSignalled()
    {
        using var registry = new GlTextureRegistry(Device, slotCount: 3, slotBytes: 16 * 16 * 4);
        var handle = registry.Create(new TextureDescription("t", 16, 16));
        registry.ProcessPending();
        var whole = TextureRegion.Whole(16, 16);
        for (int i = 0; i < 3; i++)
        {
            Assert.That(registry.TryBeginUpdate(handle, whole, out var upload), Is.True, $"slot {i}");
            upload.Pixels.Fill((byte)i);
            upload.Commit();
        }

        Assert.That(registry.TryBeginUpdate(handle, whole, out _), Is.False, "all slots are written or committed");

        // Upload without the frame's poll: all three are now read by the GPU and fenced.
        var ring = registry.Ring;
        var texture = registry.GetTexture(handle)!;
        registry.ProcessPending();
        Assert.That(ring.InFlightCount, Is.EqualTo(3));
        Assert.That(ring.TryAcquire(out _, out _, out _), Is.False, "an in-flight slot must not be reused before its fence is checked");

        Device.Gl.Finish();
        Assert.That(ring.Poll(), Is.EqualTo(3));
        Assert.That(ring.InFlightCount, Is.Zero);
        Assert.That(ring.TryAcquire(out int slot, out int generation, out _), Is.True);
        Assert.That(ring.Abandon(slot, generation), Is.True);
        Assert.That(UploadReadbackTests.ReadBack(registry, handle), Is.All.EqualTo(2), "the last commit wins");
        _ = texture;
    }

    [Test]
    public void AFenceTheGpuHasNotPassedKeepsItsSlotBusy()
    {
        // A fence placed while the GPU waits on an earlier, never-signalled server-side wait cannot
        // signal; instead of relying on timing, check the ring's state machine with a fence that has
        // provably not been reached: glClientWaitSync on a fresh fence with a 0 timeout before any flush
        // may report either, so only the state transition is asserted here.
        using var registry = new GlTextureRegistry(Device, slotCount: 2, slotBytes: 1024);
        var handle = registry.Create(new TextureDescription("t", 16, 16));
        registry.ProcessPending();
        var ring = registry.Ring;
        Assert.That(registry.TryBeginUpdate(handle, TextureRegion.Whole(16, 16), out var upload), Is.True);
        upload.Commit();
        Assert.That(ring.Commit(0, 12345), Is.False, "a stale generation cannot commit");
        registry.ProcessPending();
        int freedWithoutWaiting = ring.Poll();
        Assert.That(freedWithoutWaiting + ring.InFlightCount, Is.EqualTo(1));
        Assert.That(ring.Reclaim(1_000_000_000) + freedWithoutWaiting, Is.EqualTo(1));
        Assert.That(ring.InFlightCount, Is.Zero);
    }

    [Test]
    public void AWorkerStreamingFramesNeverShowsAHalfWrittenTexture()
    {
        const int size = 64;
        using var registry = new GlTextureRegistry(Device, slotCount: 3, slotBytes: size * size * 4);
        var handle = registry.Create(new TextureDescription("t", size, size));
        registry.ProcessPending();
        using var stop = new CancellationTokenSource();
        int produced = 0;
        var worker = new Thread(() =>
        {
            byte value = 1;
            while (!stop.IsCancellationRequested)
            {
                if (!registry.TryBeginUpdate(handle, TextureRegion.Whole(size, size), out var upload))
                {
                    Thread.Yield();
                    continue;
                }

                // Row by row with a yield in the middle: a GL thread uploading early would catch a mix.
                var pixels = upload.Pixels;
                for (int y = 0; y < size; y++)
                {
                    pixels.Slice(y * size * 4, size * 4).Fill(value);
                    if (y == size / 2)
                        Thread.Yield();
                }

                upload.Commit();
                value = (byte)(value % 250 + 1);
                Interlocked.Increment(ref produced);
            }
        });
        worker.Start();
        var frame = new byte[size * size * 4];
        int framesChecked = 0;
        try
        {
            for (int i = 0; i < 200; i++)
            {
                registry.ProcessPending();
                registry.GetTexture(handle)!.ReadBack(frame);
                if (i > 0 || Volatile.Read(ref produced) > 0)
                {
                    byte first = frame[0];
                    Assert.That(frame, Is.All.EqualTo(first), $"frame {i} mixes two uploads");
                    framesChecked++;
                }
            }
        }
        finally
        {
            stop.Cancel();
            worker.Join();
        }

        Assert.That(Volatile.Read(ref produced), Is.GreaterThan(3), "the worker got slots back after their fences");
        Assert.That(framesChecked, Is.GreaterThan(100));
    }

    [Test]
    public void ARegionLargerThanASlotIsRefusedForMappingButAcceptedFromASpan()
    {
        using var registry = new GlTextureRegistry(Device, slotCount: 2, slotBytes: 1024);
        var handle = registry.Create(new TextureDescription("t", 32, 32));
        Assert.That(() => registry.TryBeginUpdate(handle, TextureRegion.Whole(32, 32), out _),
            Throws.TypeOf<GlException>().With.Message.Contains("4096 bytes"));
        byte[] source = UploadReadbackTests.Pattern(32 * 32 * 4, seed: 9);
        registry.Update(handle, TextureRegion.Whole(32, 32), source);
        registry.ProcessPending();
        Assert.That(UploadReadbackTests.ReadBack(registry, handle), Is.EqualTo(source));
    }

    [Test]
    public void UploadsToADeletedTextureGiveTheSlotBack()
    {
        using var registry = new GlTextureRegistry(Device, slotCount: 2, slotBytes: 1024);
        var handle = registry.Create(new TextureDescription("t", 8, 8));
        registry.ProcessPending();
        Assert.That(registry.TryBeginUpdate(handle, TextureRegion.Whole(8, 8), out var upload), Is.True);
        registry.Delete(handle);
        upload.Commit();
        registry.ProcessPending();
        Assert.That(registry.Ring.InFlightCount, Is.Zero);
        Assert.That(registry.Ring.TryAcquire(out _, out _, out _) && registry.Ring.TryAcquire(out _, out _, out _), Is.True);
    }
}

public class GlErrorTests : GlTestBase
{
    [Test]
    public void TheDebugCallbackRecordsAnError()
    {
        ExpectGlErrors = true;
        Assert.That(Device.HasDebugOutput, Is.True, "Mesa offers KHR_debug");
        Device.Gl.BindTexture((TextureTarget)0x1234, 0);
        Assert.That(Device.ErrorCount, Is.GreaterThan(0));
        Assert.That(Device.Errors[0], Does.Contain("Error"));
    }

    [Test]
    public void CheckErrorsThrowsNamingTheCall()
    {
        ExpectGlErrors = true;
        Device.Gl.Disable(EnableCap.DebugOutput); // so glGetError is the only channel
        Device.Gl.BindTexture((TextureTarget)0x1234, 0);
        Assert.That(() => Device.CheckErrors("binding nonsense"),
            Throws.TypeOf<GlException>().With.Message.Contains("after binding nonsense").And.Message.Contains("InvalidEnum"));
    }

    [Test]
    public void GlCallsOffTheGlThreadAreRefused()
    {
        Exception? caught = null;
        var thread = new Thread(() =>
        {
            try
            {
                _ = new GpuTexture(Device, 4, 4, TextureFormat.Rgba8);
            }
            catch (Exception e)
            {
                caught = e;
            }
        });
        thread.Start();
        thread.Join();
        Assert.That(caught, Is.TypeOf<GlException>().With.Message.Contains("only the GL thread"));
    }
}

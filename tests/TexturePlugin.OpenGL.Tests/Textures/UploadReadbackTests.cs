using NUnit.Framework;
using TexturePlugin.Abstractions;
using TexturePlugin.OpenGL.Textures;

namespace TexturePlugin.OpenGL.Tests.Textures;

public class UploadReadbackTests : GlTestBase
{
    private static readonly (int W, int H)[] Sizes = { (1, 1), (3, 5), (17, 1), (257, 129), (64, 64) };

    [Test]
    public void Rgba8ThroughTheRingReadsBackEqual([ValueSource(nameof(Sizes))] (int W, int H) size)
    {
        using var registry = new GlTextureRegistry(Device);
        var handle = registry.Create(new TextureDescription("t", size.W, size.H));
        byte[] source = Pattern(size.W * size.H * 4, seed: size.W * 31 + size.H);
        Assert.That(registry.TryBeginUpdate(handle, TextureRegion.Whole(size.W, size.H), out var upload), Is.True);
        source.CopyTo(upload.Pixels);
        upload.Commit();
        registry.ProcessPending();

        Assert.That(ReadBack(registry, handle), Is.EqualTo(source));
    }

    [Test]
    public void Rgba8FromASpanReadsBackEqual([ValueSource(nameof(Sizes))] (int W, int H) size)
    {
        using var registry = new GlTextureRegistry(Device);
        var handle = registry.Create(new TextureDescription("t", size.W, size.H));
        byte[] source = Pattern(size.W * size.H * 4, seed: 7);
        registry.Update(handle, TextureRegion.Whole(size.W, size.H), source);
        registry.ProcessPending();

        Assert.That(ReadBack(registry, handle), Is.EqualTo(source));
    }

    [Test]
    public void Rgba16FReadsBackEqual([ValueSource(nameof(Sizes))] (int W, int H) size)
    {
        using var registry = new GlTextureRegistry(Device);
        var handle = registry.Create(new TextureDescription("t", size.W, size.H, TextureFormat.Rgba16F));
        var rng = new Random(size.W + 1000 * size.H);
        var halves = new Half[size.W * size.H * 4];
        for (int i = 0; i < halves.Length; i++)
            halves[i] = (Half)(float)(rng.NextDouble() * 40.0 - 20.0); // beyond [0, 1]: a float texture must keep it
        byte[] source = new byte[halves.Length * 2];
        System.Runtime.InteropServices.MemoryMarshal.AsBytes(halves.AsSpan()).CopyTo(source);

        Assert.That(registry.TryUpdate(handle, TextureRegion.Whole(size.W, size.H), (pixels, _, src) => src.CopyTo(pixels), source), Is.True);
        registry.ProcessPending();

        Assert.That(ReadBack(registry, handle), Is.EqualTo(source));
    }

    [Test]
    public void ARegionUpdateLeavesTheRestAlone()
    {
        using var registry = new GlTextureRegistry(Device);
        var handle = registry.Create(new TextureDescription("t", 13, 11));
        byte[] whole = Pattern(13 * 11 * 4, seed: 1);
        registry.Update(handle, TextureRegion.Whole(13, 11), whole);
        var region = new TextureRegion(3, 2, 5, 7);
        byte[] patch = Pattern(5 * 7 * 4, seed: 2);
        registry.Update(handle, region, patch);
        registry.ProcessPending();

        byte[] expected = (byte[])whole.Clone();
        for (int y = 0; y < region.Height; y++)
            Array.Copy(patch, y * region.Width * 4, expected, ((region.Y + y) * 13 + region.X) * 4, region.Width * 4);
        Assert.That(ReadBack(registry, handle), Is.EqualTo(expected));
    }

    [Test]
    public void MipmapsAreAllocatedAndRegenerated()
    {
        using var registry = new GlTextureRegistry(Device);
        var handle = registry.Create(new TextureDescription("t", 64, 32, TextureFormat.Rgba8, mipmaps: true));
        byte[] source = new byte[64 * 32 * 4];
        for (int i = 0; i < source.Length; i += 4)
        {
            source[i] = 200;
            source[i + 1] = 100;
            source[i + 2] = 50;
            source[i + 3] = 255;
        }

        registry.Update(handle, TextureRegion.Whole(64, 32), source);
        registry.ProcessPending();
        var texture = registry.GetTexture(handle)!;
        Assert.That(texture.Levels, Is.EqualTo(7));
        byte[] level3 = new byte[8 * 4 * 4];
        texture.ReadBack(level3, level: 3);
        Assert.That(level3.Where((_, i) => i % 4 == 0), Is.All.EqualTo(200));
        Assert.That(level3.Where((_, i) => i % 4 == 2), Is.All.EqualTo(50));
    }

    [Test]
    public void ResizeAndDeleteTakeEffectOnTheGlThread()
    {
        using var registry = new GlTextureRegistry(Device);
        var handle = registry.Create(new TextureDescription("t", 8, 8));
        registry.ProcessPending();
        uint first = (uint)registry.GetNativeTexture(handle);
        Assert.That(Device.Gl.IsTexture(first), Is.True);

        registry.Resize(handle, 20, 9);
        byte[] source = Pattern(20 * 9 * 4, seed: 3);
        registry.Update(handle, TextureRegion.Whole(20, 9), source);
        registry.ProcessPending();
        Assert.That(Device.Gl.IsTexture(first), Is.False, "the old storage is deleted");
        Assert.That(ReadBack(registry, handle), Is.EqualTo(source));

        uint second = (uint)registry.GetNativeTexture(handle);
        registry.Delete(handle);
        registry.Delete(handle);
        registry.ProcessPending();
        Assert.That(Device.Gl.IsTexture(second), Is.False);
        Assert.That(registry.Find("t").IsValid, Is.False);
        Assert.That(() => registry.Describe(handle), Throws.TypeOf<GlException>());
    }

    [Test]
    public void BadRequestsThrowWithTheNumbers()
    {
        using var registry = new GlTextureRegistry(Device);
        var handle = registry.Create(new TextureDescription("t", 8, 8));
        Assert.That(() => registry.Create(new TextureDescription("t", 4, 4)),
            Throws.TypeOf<GlException>().With.Message.Contains("'t' exists"));
        Assert.That(() => registry.Create(new TextureDescription("big", 0, 4)),
            Throws.TypeOf<GlException>().With.Message.Contains("0x4"));
        Assert.That(() => registry.Update(handle, new TextureRegion(4, 4, 5, 1), new byte[20]),
            Throws.TypeOf<GlException>().With.Message.Contains("5x1 at (4, 4)"));
        Assert.That(() => registry.Update(handle, new TextureRegion(0, 0, 2, 2), new byte[15]),
            Throws.TypeOf<GlException>().With.Message.Contains("needs 16 bytes"));
    }

    [Test]
    public void TexturesDisposedOnAnotherThreadAreDeletedOnTheGlThread()
    {
        var texture = new GpuTexture(Device, 4, 4, TextureFormat.Rgba8);
        uint name = texture.Name;
        var worker = new Thread(() =>
        {
            texture.Dispose();
            texture.Dispose();
        });
        worker.Start();
        worker.Join();
        Assert.That(Device.Gl.IsTexture(name), Is.True, "not deleted off the GL thread");
        Assert.That(Device.PendingDeletions, Is.EqualTo(1));
        Device.ProcessDeletions();
        Assert.That(Device.Gl.IsTexture(name), Is.False);
    }

    internal static byte[] Pattern(int length, int seed)
    {
        var bytes = new byte[length];
        new Random(seed).NextBytes(bytes);
        return bytes;
    }

    internal static byte[] ReadBack(GlTextureRegistry registry, TextureHandle handle)
    {
        var texture = registry.GetTexture(handle)!;
        var bytes = new byte[texture.ByteSize];
        texture.ReadBack(bytes);
        return bytes;
    }
}

/// <summary>The same uploads on the fallback path: CPU staging and buffer orphaning.</summary>
public class OrphaningUploadReadbackTests : UploadReadbackTests
{
    protected override bool AllowBufferStorage => false;

    [Test]
    public void TheRingReallyUsesTheFallback()
    {
        using var registry = new GlTextureRegistry(Device);
        Assert.That(registry.Ring.IsPersistent, Is.False);
    }
}

using System.Runtime.InteropServices;
using Silk.NET.OpenGL;
using TexturePlugin.Abstractions;

namespace TexturePlugin.OpenGL.Textures;

/// <summary>
/// A ring of upload slots in one pixel-unpack buffer. With GL 4.4 buffer storage the buffer is mapped
/// once, persistently and coherently, so a worker writes pixels straight into memory the GPU reads.
/// Each slot carries a fence placed after the texture upload that read it; the slot is handed out again
/// only once that fence has signalled, so the ring never overwrites bytes the GPU may still be reading.
/// Without buffer storage the slots are plain CPU memory and the upload orphans the buffer
/// (glBufferData with no data) before copying, so the driver never stalls on an in-flight read.
/// <para>Threads: <see cref="TryAcquire"/>, <see cref="Commit"/>, <see cref="Abandon"/> from any thread;
/// <see cref="Upload"/>, <see cref="Poll"/> and creation on the GL thread.</para>
/// </summary>
public sealed unsafe class UploadRing : IDisposable
{
    private const int Free = 0, Writing = 1, Committed = 2, InFlight = 3;

    private readonly GlDevice _device;
    private readonly int[] _state;
    private readonly int[] _generation;
    private readonly nint[] _fences;
    private readonly byte*[] _memory;
    private readonly byte* _stagingBlock; // fallback path only
    private uint _buffer;
    private int _cursor;
    private int _disposed;

    /// <summary>Creates the buffer (GL thread).</summary>
    public UploadRing(GlDevice device, int slotCount, int slotBytes)
    {
        _device = device ?? throw new ArgumentNullException(nameof(device));
        device.EnsureGlThread();
        if (slotCount < 2 || slotCount > 64)
            throw new GlException($"An upload ring needs 2..64 slots, not {slotCount}.");
        if (slotBytes < 256 || slotBytes > 1 << 30)
            throw new GlException($"Upload slots of {slotBytes} bytes are outside 256 B..1 GiB.");
        // Slot offsets a multiple of 256 keep every texel format aligned and suit every driver's map alignment.
        SlotBytes = (slotBytes + 255) & ~255;
        SlotCount = slotCount;
        _state = new int[slotCount];
        _generation = new int[slotCount];
        _fences = new nint[slotCount];
        _memory = new byte*[slotCount];
        IsPersistent = device.HasBufferStorage;

        var gl = device.Gl;
        long total = (long)SlotBytes * slotCount;
        _buffer = gl.GenBuffer();
        gl.BindBuffer(BufferTargetARB.PixelUnpackBuffer, _buffer);
        if (IsPersistent)
        {
            var flags = BufferStorageMask.MapWriteBit | BufferStorageMask.MapPersistentBit | BufferStorageMask.MapCoherentBit;
            gl.BufferStorage(BufferStorageTarget.PixelUnpackBuffer, (nuint)total, null, flags);
            byte* mapped = (byte*)gl.MapBufferRange(BufferTargetARB.PixelUnpackBuffer, 0, (nuint)total,
                MapBufferAccessMask.WriteBit | MapBufferAccessMask.PersistentBit | MapBufferAccessMask.CoherentBit);
            if (mapped == null)
            {
                gl.BindBuffer(BufferTargetARB.PixelUnpackBuffer, 0);
                gl.DeleteBuffer(_buffer);
                throw new GlException($"Mapping a {total} byte persistent pixel-unpack buffer failed on {device.Renderer}.");
            }

            for (int i = 0; i < slotCount; i++)
                _memory[i] = mapped + (long)i * SlotBytes;
        }
        else
        {
            gl.BufferData(BufferTargetARB.PixelUnpackBuffer, (nuint)SlotBytes, null, BufferUsageARB.StreamDraw);
            _stagingBlock = (byte*)NativeMemory.AlignedAlloc((nuint)total, 64);
            for (int i = 0; i < slotCount; i++)
                _memory[i] = _stagingBlock + (long)i * SlotBytes;
        }

        gl.BindBuffer(BufferTargetARB.PixelUnpackBuffer, 0);
        device.CheckErrors($"creating a {slotCount} x {SlotBytes} byte upload ring");
    }

    /// <summary>Number of slots.</summary>
    public int SlotCount { get; }

    /// <summary>Capacity of one slot in bytes.</summary>
    public int SlotBytes { get; }

    /// <summary>True when slots are persistently mapped GL memory; false for the orphaning fallback.</summary>
    public bool IsPersistent { get; }

    /// <summary>Slots whose upload has not been confirmed complete by its fence yet.</summary>
    public int InFlightCount
    {
        get
        {
            int n = 0;
            for (int i = 0; i < SlotCount; i++)
                if (Volatile.Read(ref _state[i]) == InFlight)
                    n++;
            return n;
        }
    }

    /// <summary>Times a slot was refused because all were busy (for the HUD and tests).</summary>
    public long Refusals => Interlocked.Read(ref _refusals);

    private long _refusals;

    /// <summary>
    /// Takes a free slot for writing (any thread). False when every slot is being written, waiting for
    /// upload, or still read by the GPU.
    /// </summary>
    public bool TryAcquire(out int slot, out int generation, out IntPtr memory)
    {
        if (Volatile.Read(ref _disposed) == 0)
        {
            int start = Volatile.Read(ref _cursor);
            for (int k = 0; k < SlotCount; k++)
            {
                int i = (start + k) % SlotCount;
                if (Interlocked.CompareExchange(ref _state[i], Writing, Free) == Free)
                {
                    Volatile.Write(ref _cursor, (i + 1) % SlotCount);
                    slot = i;
                    generation = Interlocked.Increment(ref _generation[i]);
                    memory = (IntPtr)_memory[i];
                    return true;
                }
            }
        }

        Interlocked.Increment(ref _refusals);
        slot = -1;
        generation = 0;
        memory = IntPtr.Zero;
        return false;
    }

    /// <summary>Marks a written slot ready for upload (any thread). False for a stale or unknown slot.</summary>
    public bool Commit(int slot, int generation)
    {
        if ((uint)slot >= (uint)SlotCount || Volatile.Read(ref _generation[slot]) != generation)
            return false;
        return Interlocked.CompareExchange(ref _state[slot], Committed, Writing) == Writing;
    }

    /// <summary>Gives an unwritten slot back (any thread). False when it was already committed or is stale.</summary>
    public bool Abandon(int slot, int generation)
    {
        if ((uint)slot >= (uint)SlotCount || Volatile.Read(ref _generation[slot]) != generation)
            return false;
        return Interlocked.CompareExchange(ref _state[slot], Free, Writing) == Writing;
    }

    /// <summary>Drops a committed slot without uploading it (its texture went away).</summary>
    public void Discard(int slot)
    {
        Interlocked.CompareExchange(ref _state[slot], Free, Committed);
    }

    /// <summary>
    /// Uploads a committed slot into <paramref name="texture"/> and fences it (GL thread). The slot
    /// stays busy until <see cref="Poll"/> sees the fence signalled.
    /// </summary>
    public void Upload(int slot, GpuTexture texture, in TextureRegion region)
    {
        _device.EnsureGlThread();
        if ((uint)slot >= (uint)SlotCount || Volatile.Read(ref _state[slot]) != Committed)
            throw new GlException($"Upload slot {slot} is not committed (state {((uint)slot < (uint)SlotCount ? _state[slot] : -1)}).");
        texture.ValidateRegion(region);
        long bytes = (long)region.Width * region.Height * TextureFormatInfo.BytesPerPixel(texture.Format);
        if (bytes > SlotBytes)
            throw new GlException($"Region {region} of a {texture.Format} texture needs {bytes} bytes; upload slots hold {SlotBytes}.");

        var gl = _device.Gl;
        gl.BindBuffer(BufferTargetARB.PixelUnpackBuffer, _buffer);
        nint offset;
        if (IsPersistent)
        {
            offset = (nint)((long)slot * SlotBytes);
        }
        else
        {
            // Orphan: the driver hands us fresh storage while earlier uploads still read the old one.
            gl.BufferData(BufferTargetARB.PixelUnpackBuffer, (nuint)SlotBytes, null, BufferUsageARB.StreamDraw);
            gl.BufferSubData(BufferTargetARB.PixelUnpackBuffer, 0, (nuint)bytes, _memory[slot]);
            offset = 0;
        }

        texture.UploadFromBoundBuffer(region, offset);
        gl.BindBuffer(BufferTargetARB.PixelUnpackBuffer, 0);
        if (_fences[slot] != 0)
            gl.DeleteSync(_fences[slot]);
        _fences[slot] = gl.FenceSync(SyncCondition.SyncGpuCommandsComplete, SyncBehaviorFlags.None);
        Volatile.Write(ref _state[slot], InFlight);
    }

    /// <summary>Frees every in-flight slot whose fence has signalled, without waiting (GL thread). Returns how many.</summary>
    public int Poll() => Reclaim(0);

    /// <summary>Waits up to <paramref name="timeoutNanoseconds"/> for in-flight slots (GL thread). Returns how many were freed.</summary>
    public int Reclaim(ulong timeoutNanoseconds)
    {
        _device.EnsureGlThread();
        var gl = _device.Gl;
        int freed = 0;
        for (int i = 0; i < SlotCount; i++)
        {
            if (Volatile.Read(ref _state[i]) != InFlight)
                continue;
            var result = (GLEnum)gl.ClientWaitSync(_fences[i], SyncObjectMask.Bit, timeoutNanoseconds);
            if (result == GLEnum.AlreadySignaled || result == GLEnum.ConditionSatisfied)
            {
                gl.DeleteSync(_fences[i]);
                _fences[i] = 0;
                Volatile.Write(ref _state[i], Free);
                freed++;
            }
            else if (result == GLEnum.WaitFailed)
            {
                _device.CheckErrors($"waiting for the fence of upload slot {i}");
                throw new GlException($"glClientWaitSync failed for upload slot {i}.");
            }
        }

        return freed;
    }

    /// <summary>Unmaps and deletes the buffer and fences (queued for the GL thread when called elsewhere); idempotent.</summary>
    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
            return;
        uint buffer = _buffer;
        _buffer = 0;
        var fences = (nint[])_fences.Clone();
        bool persistent = IsPersistent;
        _device.EnqueueDeletion(gl =>
        {
            foreach (var fence in fences)
                if (fence != 0)
                    gl.DeleteSync(fence);
            if (persistent)
            {
                gl.BindBuffer(BufferTargetARB.PixelUnpackBuffer, buffer);
                gl.UnmapBuffer(BufferTargetARB.PixelUnpackBuffer);
                gl.BindBuffer(BufferTargetARB.PixelUnpackBuffer, 0);
            }

            gl.DeleteBuffer(buffer);
        });
        if (_stagingBlock != null)
            NativeMemory.AlignedFree(_stagingBlock);
    }
}

using Silk.NET.OpenGL;

namespace TexturePlugin.OpenGL;

/// <summary>
/// Bounds how many frames the GL thread may run ahead of the GPU, as a swap chain does. A host that never swaps (a
/// headless one) or swaps without blocking otherwise queues frame after frame into the driver: the queue grows to
/// hundreds of frames, and every upload a worker commits waits behind it (a fence that signals hundreds of frames
/// late on a GPU, a texture write that first rasterises the whole backlog on llvmpipe), so the worker's images
/// reach the screen seconds apart while the host's frame counter races. <see cref="EndFrame"/> fences each frame and
/// waits for the one <see cref="MaxFramesInFlight"/> - 1 frames before it. Allocates nothing per frame.
/// </summary>
public sealed class FramePacer : IDisposable
{
    private readonly GlDevice _device;
    private readonly nint[] _fences;
    private int _index;
    private int _disposed;

    /// <summary>Creates the pacer (GL thread).</summary>
    /// <param name="device">The GL device.</param>
    /// <param name="maxFramesInFlight">Frames the driver may hold at the end of a frame, the one just ended included (1..8).</param>
    public FramePacer(GlDevice device, int maxFramesInFlight = 2)
    {
        _device = device ?? throw new ArgumentNullException(nameof(device));
        device.EnsureGlThread();
        if (maxFramesInFlight < 1 || maxFramesInFlight > 8)
            throw new GlException($"Frames in flight must be 1..8, not {maxFramesInFlight}.");
        MaxFramesInFlight = maxFramesInFlight;
        _fences = new nint[maxFramesInFlight];
    }

    /// <summary>Frames the driver may hold after <see cref="EndFrame"/> returns.</summary>
    public int MaxFramesInFlight { get; }

    /// <summary>How long the last <see cref="EndFrame"/> waited for the GPU, in milliseconds.</summary>
    public double LastWaitMilliseconds { get; private set; }

    /// <summary>
    /// GL thread, after a frame's last command: fences the frame and returns once no more than
    /// <see cref="MaxFramesInFlight"/> frames are unfinished.
    /// </summary>
    public void EndFrame()
    {
        _device.EnsureGlThread();
        var gl = _device.Gl;
        _fences[_index] = gl.FenceSync(SyncCondition.SyncGpuCommandsComplete, SyncBehaviorFlags.None);
        _index = (_index + 1) % _fences.Length;
        nint oldest = _fences[_index];
        if (oldest == 0)
        {
            LastWaitMilliseconds = 0;
            return;
        }

        long start = System.Diagnostics.Stopwatch.GetTimestamp();
        // The flush bit submits the queued commands, so the wait cannot outlast work the driver has not been given.
        const ulong step = 100_000_000; // ns: a hung GPU is reported by the driver, not waited on forever here
        for (int attempt = 0; attempt < 50; attempt++)
        {
            var result = (GLEnum)gl.ClientWaitSync(oldest, SyncObjectMask.Bit, step);
            if (result is GLEnum.AlreadySignaled or GLEnum.ConditionSatisfied)
                break;
            if (result == GLEnum.WaitFailed)
            {
                _device.CheckErrors("waiting for a frame fence");
                throw new GlException("glClientWaitSync failed on a frame fence.");
            }
        }

        gl.DeleteSync(oldest);
        _fences[_index] = 0;
        LastWaitMilliseconds = System.Diagnostics.Stopwatch.GetElapsedTime(start).TotalMilliseconds;
    }

    /// <summary>Deletes the fences still held (queued for the GL thread when called elsewhere); idempotent.</summary>
    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
            return;
        var fences = (nint[])_fences.Clone();
        Array.Clear(_fences);
        _device.EnqueueDeletion(gl =>
        {
            foreach (var fence in fences)
                if (fence != 0)
                    gl.DeleteSync(fence);
        });
    }
}

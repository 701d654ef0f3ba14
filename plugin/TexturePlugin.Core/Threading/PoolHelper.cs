namespace TexturePlugin.Core.Threading;

/// <summary>Work a <see cref="PoolHelper"/> runs, on a pool thread or on the thread that joins it.</summary>
internal interface IHelperWork
{
    void Run();
}

/// <summary>
/// A second pair of hands from the thread pool that allocates nothing per use. <see cref="Start"/> queues the work;
/// <see cref="Join"/> returns when it is done, and does it on the joining thread when no pool thread has started it
/// by then, so a busy pool never makes the caller wait for a thread. A withdrawn work item that a pool thread dequeues
/// later finds nothing queued (or the next Start's work, which it may do). One piece of work at a time: Start, Join,
/// then the next Start. The engines' lanes and the coarse guide's ring halves share this one protocol.
/// </summary>
internal sealed class PoolHelper
#if NET
    : IThreadPoolWorkItem
#endif
{
    private const int Idle = 0, Queued = 1, Running = 2;
    private readonly ManualResetEventSlim _done = new(true);
    private IHelperWork? _work;
    private Exception? _error;
    private int _state;

    /// <summary>Queues <paramref name="work"/> on the thread pool.</summary>
    public void Start(IHelperWork work)
    {
        _work = work ?? throw new ArgumentNullException(nameof(work));
        _error = null;
        _done.Reset();
        Volatile.Write(ref _state, Queued);
#if NET
        ThreadPool.UnsafeQueueUserWorkItem(this, preferLocal: false);
#else
        ThreadPool.UnsafeQueueUserWorkItem(static helper => ((PoolHelper)helper!).Execute(), this);
#endif
    }

    /// <summary>The pool thread's entry: runs the work if it is still queued.</summary>
    public void Execute()
    {
        if (Interlocked.CompareExchange(ref _state, Running, Queued) != Queued)
            return;
        try
        {
            _work!.Run();
        }
        catch (Exception e)
        {
            _error = e;
        }
        finally
        {
            _work = null;
            Volatile.Write(ref _state, Idle);
            _done.Set();
        }
    }

    /// <summary>
    /// Returns when the work is done: here, if no pool thread has started it, else by waiting for that thread. Returns
    /// the work's exception (not thrown, so the caller can finish its own share first), or null.
    /// </summary>
    public Exception? Join()
    {
        if (Interlocked.CompareExchange(ref _state, Idle, Queued) == Queued)
        {
            IHelperWork work = _work!;
            _work = null;
            _done.Set();
            try
            {
                work.Run();
                return null;
            }
            catch (Exception e)
            {
                return e;
            }
        }
        _done.Wait();
        return _error;
    }
}

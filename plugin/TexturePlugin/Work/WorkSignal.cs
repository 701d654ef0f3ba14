namespace TexturePlugin.Work;

/// <summary>
/// The one way the GL thread wakes a plugin worker. The GL thread changes the shared state (under the owner's lock, if
/// any), then calls <see cref="Wake"/>; the worker looks at the state and, when there is nothing to do, calls
/// <see cref="Wait"/>. A wake that comes before the wait is kept, so none is lost; several wakes before a wait count
/// as one, so the worker re-checks its state in a loop. The worker sleeps on an event, not in Monitor.Wait: a woken
/// worker does not have to win back a lock that the GL thread takes every frame before it can look at its work.
/// Nothing here allocates after construction.
/// </summary>
internal sealed class WorkSignal : IDisposable
{
    private readonly AutoResetEvent _event = new(false);
    private volatile bool _closed;

    /// <summary>True once <see cref="Close"/> was called.</summary>
    public bool IsClosed => _closed;

    /// <summary>Wakes the worker, or lets its next <see cref="Wait"/> return at once (any thread).</summary>
    public void Wake() => _event.Set();

    /// <summary>Worker: sleeps until the next wake. False once closed: the worker should return.</summary>
    public bool Wait()
    {
        if (_closed)
            return false;
        _event.WaitOne();
        return !_closed;
    }

    /// <summary>Wakes the worker for good: every later <see cref="Wait"/> returns false at once.</summary>
    public void Close()
    {
        _closed = true;
        _event.Set();
    }

    public void Dispose() => _event.Dispose();
}

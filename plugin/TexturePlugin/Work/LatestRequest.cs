namespace TexturePlugin.Work;

/// <summary>
/// A queue of capacity one between the GL thread and a worker: posting replaces any request not yet
/// taken (newest wins), so a slow worker never falls behind the frames.
/// </summary>
internal sealed class LatestRequest<T> where T : struct
{
    private readonly object _lock = new();
    private T _value;
    private bool _pending;
    private bool _closed;

    /// <summary>Replaces the pending request.</summary>
    public void Post(in T value)
    {
        lock (_lock)
        {
            _value = value;
            _pending = true;
            Monitor.Pulse(_lock);
        }
    }

    /// <summary>True when a request waits.</summary>
    public bool IsPending
    {
        get
        {
            lock (_lock)
                return _pending;
        }
    }

    /// <summary>Waits for a request; false once closed.</summary>
    public bool TryTake(out T value)
    {
        lock (_lock)
        {
            while (!_pending && !_closed)
                Monitor.Wait(_lock);
            value = _value;
            if (_closed)
                return false;
            _pending = false;
            return true;
        }
    }

    /// <summary>Wakes the worker for good.</summary>
    public void Close()
    {
        lock (_lock)
        {
            _closed = true;
            Monitor.PulseAll(_lock);
        }
    }
}

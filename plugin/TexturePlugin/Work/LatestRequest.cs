namespace TexturePlugin.Work;

/// <summary>
/// A queue of capacity one between the GL thread and a worker: posting replaces any request not yet
/// taken (newest wins), so a slow worker never falls behind the frames. The worker sleeps on an
/// event rather than Monitor.Wait: a GL thread posting every frame kept re-taking the monitor
/// before the woken worker could, starving it for over a second under load.
/// </summary>
internal sealed class LatestRequest<T> : IDisposable where T : struct
{
    private readonly object _lock = new();
    private readonly AutoResetEvent _signal = new(false);
    private T _value;
    private bool _pending;
    private volatile bool _closed;

    /// <summary>Replaces the pending request.</summary>
    public void Post(in T value)
    {
        lock (_lock)
        {
            _value = value;
            _pending = true;
        }

        _signal.Set();
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
        while (true)
        {
            if (_closed)
            {
                value = default;
                return false;
            }

            lock (_lock)
            {
                if (_pending)
                {
                    _pending = false;
                    value = _value;
                    return true;
                }
            }

            _signal.WaitOne();
        }
    }

    /// <summary>Wakes the worker for good.</summary>
    public void Close()
    {
        _closed = true;
        _signal.Set();
    }

    public void Dispose() => _signal.Dispose();
}

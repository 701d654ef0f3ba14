namespace TexturePlugin.Work;

/// <summary>
/// A queue of capacity one between the GL thread and a worker: posting replaces any request not yet
/// taken (newest wins), so a slow worker never falls behind the frames. Built on <see cref="WorkSignal"/>,
/// which also carries <see cref="Nudge"/>: a wake without a request, for a worker waiting on the next frame.
/// </summary>
internal sealed class LatestRequest<T> : IDisposable where T : struct
{
    private readonly object _lock = new();
    private readonly WorkSignal _signal = new();
    private T _value;
    private bool _pending;

    /// <summary>Replaces the pending request and wakes the worker.</summary>
    public void Post(in T value)
    {
        lock (_lock)
        {
            _value = value;
            _pending = true;
        }

        _signal.Wake();
    }

    /// <summary>Wakes the worker without a request (a frame went by: what it waits for may have changed).</summary>
    public void Nudge() => _signal.Wake();

    /// <summary>True when a request waits.</summary>
    public bool IsPending
    {
        get
        {
            lock (_lock)
                return _pending;
        }
    }

    /// <summary>Worker: waits for a request; false once closed.</summary>
    public bool TryTake(out T value)
    {
        while (!_signal.IsClosed)
        {
            lock (_lock)
            {
                if (_pending)
                {
                    _pending = false;
                    value = _value;
                    return true;
                }
            }

            if (!_signal.Wait())
                break;
        }

        value = default;
        return false;
    }

    /// <summary>Worker: waits for the next <see cref="Post"/> or <see cref="Nudge"/>; false once closed.</summary>
    public bool WaitForNudge() => _signal.Wait();

    /// <summary>Wakes the worker for good.</summary>
    public void Close() => _signal.Close();

    public void Dispose() => _signal.Dispose();
}

using TexturePlugin.Core.Inference;

namespace TexturePlugin.Core.Synthesis;

/// <summary>
/// Fixed-shape runners of one session by tensor size, the least recently used dropped beyond a bound, so
/// steady-state calls on the same sizes reuse their pre-allocated tensors.
/// </summary>
internal sealed class RunnerCache : IDisposable
{
    private readonly ModelSession _session;
    private readonly Func<int, int, Dictionary<string, int[]>> _shapes;
    private readonly int _capacity;
    private readonly List<(int Width, int Height, FixedShapeRunner Runner)> _runners = new();

    public RunnerCache(ModelSession session, Func<int, int, Dictionary<string, int[]>> shapes, int capacity = 24)
    {
        _session = session;
        _shapes = shapes;
        _capacity = capacity;
    }

    /// <summary>The runner for a <paramref name="width"/> x <paramref name="height"/> image tensor.</summary>
    public FixedShapeRunner Get(int width, int height)
    {
        for (int i = 0; i < _runners.Count; i++)
        {
            var entry = _runners[i];
            if (entry.Width != width || entry.Height != height)
                continue;
            if (i != _runners.Count - 1)
            {
                _runners.RemoveAt(i);
                _runners.Add(entry);
            }
            return entry.Runner;
        }
        if (_runners.Count >= _capacity)
        {
            _runners[0].Runner.Dispose();
            _runners.RemoveAt(0);
        }
        FixedShapeRunner runner = _session.CreateRunner(_shapes(width, height), warmUp: true);
        _runners.Add((width, height, runner));
        return runner;
    }

    public void Dispose()
    {
        foreach (var entry in _runners)
            entry.Runner.Dispose();
        _runners.Clear();
    }
}

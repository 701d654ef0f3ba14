using TexturePlugin.Core.Inference;

namespace TexturePlugin.Core.Synthesis;

/// <summary>
/// Fixed-shape runners of one session by tensor size, the least recently used dropped beyond a bound, so
/// steady-state calls on the same sizes reuse their pre-allocated tensors. A new size costs no extra run: the engines
/// give the output shapes, and a runner is not warmed up (its first run is the caller's, which a warm-up run would only
/// precede; a one-shot repair of a 256x256 image with holes made two runs per tile size before).
/// </summary>
internal sealed class RunnerCache : IDisposable
{
    private readonly ModelSession _session;
    private readonly Func<int, int, Dictionary<string, int[]>> _shapes;
    private readonly Func<int, int, Dictionary<string, int[]>> _outputShapes;
    private readonly int _capacity;
    private readonly List<(int Width, int Height, FixedShapeRunner Runner)> _runners = new();

    /// <param name="shapes">The input shapes for an image of width x height.</param>
    /// <param name="outputShapes">The output shapes for an image of width x height.</param>
    public RunnerCache(ModelSession session, Func<int, int, Dictionary<string, int[]>> shapes,
        Func<int, int, Dictionary<string, int[]>> outputShapes, int capacity = 24)
    {
        _session = session;
        _shapes = shapes;
        _outputShapes = outputShapes;
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
        FixedShapeRunner runner = _session.CreateRunner(_shapes(width, height), warmUp: false, _outputShapes(width, height));
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

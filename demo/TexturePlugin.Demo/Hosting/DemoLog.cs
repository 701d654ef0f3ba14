using TexturePlugin.Abstractions;

namespace TexturePlugin.Demo.Hosting;

/// <summary>The host's log: console (stderr for warnings and errors) plus the last lines for the HUD. Thread-safe.</summary>
internal sealed class DemoLog
{
    private readonly object _lock = new();
    private readonly Queue<string> _recent = new();

    public bool Quiet { get; set; }

    public void Write(LogLevel level, string source, string message)
    {
        string line = $"[{level.ToString().ToLowerInvariant()}] {source}: {message}";
        lock (_lock)
        {
            _recent.Enqueue(line);
            while (_recent.Count > 8)
                _recent.Dequeue();
        }

        if (level >= LogLevel.Warning)
            Console.Error.WriteLine(line);
        else if (!Quiet && level >= LogLevel.Info)
            Console.WriteLine(line);
    }

    public string[] Recent()
    {
        lock (_lock)
            return _recent.ToArray();
    }
}

/// <summary>One plugin's view of the log: messages carry the plugin's name.</summary>
internal sealed class PluginLog : IPluginLog
{
    private readonly DemoLog _log;
    private readonly string _source;

    public PluginLog(DemoLog log, string source)
    {
        _log = log;
        _source = source;
    }

    public void Write(LogLevel level, string message) => _log.Write(level, _source, message);
}

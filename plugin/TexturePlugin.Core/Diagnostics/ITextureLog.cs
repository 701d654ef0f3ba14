namespace TexturePlugin.Core.Diagnostics;

/// <summary>Severity of a log line.</summary>
public enum TextureLogLevel
{
    Debug,
    Info,
    Warning,
    Error,
}

/// <summary>
/// The minimal log Core writes to (execution provider fallback reasons, model loading). Hosts adapt it to
/// their engine's console; no Microsoft.Extensions dependency so a Unity or Godot project can take Core as it is.
/// </summary>
public interface ITextureLog
{
    void Write(TextureLogLevel level, string message);
}

/// <summary>Ready-made logs.</summary>
public static class TextureLog
{
    /// <summary>Writes to standard error, Info and above.</summary>
    public static ITextureLog Console { get; } = new ConsoleTextureLog(TextureLogLevel.Info);

    /// <summary>Drops everything.</summary>
    public static ITextureLog Null { get; } = new NullTextureLog();

    public static void Info(this ITextureLog log, string message) => log.Write(TextureLogLevel.Info, message);

    public static void Warn(this ITextureLog log, string message) => log.Write(TextureLogLevel.Warning, message);

    public static void Debug(this ITextureLog log, string message) => log.Write(TextureLogLevel.Debug, message);

    private sealed class NullTextureLog : ITextureLog
    {
        public void Write(TextureLogLevel level, string message) { }
    }
}

/// <summary>Writes "[texplug] level: message" lines to standard error from the given level up.</summary>
public sealed class ConsoleTextureLog : ITextureLog
{
    private readonly TextureLogLevel _minimum;
    private readonly object _gate = new();

    public ConsoleTextureLog(TextureLogLevel minimum = TextureLogLevel.Info) => _minimum = minimum;

    public void Write(TextureLogLevel level, string message)
    {
        if (level < _minimum)
            return;
        lock (_gate)
            System.Console.Error.WriteLine($"[texplug] {level.ToString().ToLowerInvariant()}: {message}");
    }
}

/// <summary>Keeps every line in memory; for tests and for hosts that show a log panel.</summary>
public sealed class MemoryTextureLog : ITextureLog
{
    private readonly List<(TextureLogLevel Level, string Message)> _lines = new();

    public void Write(TextureLogLevel level, string message)
    {
        lock (_lines)
            _lines.Add((level, message));
    }

    public IReadOnlyList<(TextureLogLevel Level, string Message)> Lines
    {
        get
        {
            lock (_lines)
                return _lines.ToArray();
        }
    }
}

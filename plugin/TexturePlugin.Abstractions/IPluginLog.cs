namespace TexturePlugin.Abstractions;

/// <summary>Severity of a log message.</summary>
public enum LogLevel
{
    /// <summary>Detail.</summary>
    Debug,

    /// <summary>Normal information.</summary>
    Info,

    /// <summary>Something went wrong but work goes on.</summary>
    Warning,

    /// <summary>A failure.</summary>
    Error,
}

/// <summary>The host's log. Thread-safe.</summary>
public interface IPluginLog
{
    /// <summary>Writes a message.</summary>
    void Write(LogLevel level, string message);
}

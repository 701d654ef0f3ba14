namespace TexturePlugin.Abstractions;

/// <summary>
/// Named values the host's user interface sets (e.g. "mode" = "synthesis", "seed" = "7").
/// Read on the GL thread; <see cref="Version"/> goes up on every change so a plugin can skip work.
/// </summary>
public interface IPluginSettings
{
    /// <summary>Increments whenever any value changes.</summary>
    int Version { get; }

    /// <summary>The value, or null when unset.</summary>
    string? Get(string key);

    /// <summary>The value as a number, or <paramref name="fallback"/> when unset or not a number.</summary>
    double GetNumber(string key, double fallback);
}

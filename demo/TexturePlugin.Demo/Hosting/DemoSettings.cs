using System.Globalization;
using TexturePlugin.Abstractions;

namespace TexturePlugin.Demo.Hosting;

/// <summary>The settings the demo's user interface writes and every plugin reads (GL thread).</summary>
internal sealed class DemoSettings : IPluginSettings
{
    private readonly Dictionary<string, string> _values = new(StringComparer.Ordinal);

    public int Version { get; private set; }

    public string? Get(string key) => _values.TryGetValue(key, out var value) ? value : null;

    public double GetNumber(string key, double fallback) =>
        _values.TryGetValue(key, out var text) && double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out double v) ? v : fallback;

    public void Set(string key, string value)
    {
        if (_values.TryGetValue(key, out var old) && old == value)
            return;
        _values[key] = value;
        Version++;
    }

    public void Set(string key, double value) => Set(key, value.ToString(CultureInfo.InvariantCulture));

    public void Set(string key, bool value) => Set(key, value ? "1" : "0");

    public bool GetFlag(string key) => GetNumber(key, 0) != 0;
}

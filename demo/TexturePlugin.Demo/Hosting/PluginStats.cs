using System.Collections.Concurrent;
using TexturePlugin.Abstractions;

namespace TexturePlugin.Demo.Hosting;

/// <summary>Figures one plugin reported, for the HUD. Updating an existing key allocates nothing.</summary>
internal sealed class PluginStats : IPluginStats
{
    private readonly ConcurrentDictionary<string, double> _numbers = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, string> _texts = new(StringComparer.Ordinal);

    public void Report(string key, double value) => _numbers[key] = value;

    public void ReportText(string key, string value) => _texts[key] = value;

    public double Number(string key, double fallback = double.NaN) => _numbers.TryGetValue(key, out double v) ? v : fallback;

    public string? Text(string key) => _texts.TryGetValue(key, out var v) ? v : null;

    public void Clear()
    {
        _numbers.Clear();
        _texts.Clear();
    }
}

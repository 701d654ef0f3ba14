using TexturePlugin.Abstractions;

namespace TexturePlugin.Core.Tests.Plugin;

/// <summary>
/// The host around <see cref="FakeTextureRegistry"/>: no buttons down, default settings unless a test sets a number, no
/// commands; records what is reported and logged.
/// </summary>
internal sealed class FakeHost : IPluginHost, IInputState, IPluginSettings, IPluginCommands, IPluginStats, IPluginLog, IAssetPaths
{
    private readonly List<(string Key, string Value)> _stats = new();
    private readonly List<(LogLevel Level, string Text)> _messages = new();
    private readonly Dictionary<string, double> _numbers = new(StringComparer.Ordinal);

    public FakeHost(string folder) => DataDirectory = folder;

    public FakeTextureRegistry Registry { get; } = new();

    /// <summary>Every figure and text reported, numbers formatted invariantly.</summary>
    public IReadOnlyList<(string Key, string Value)> Reported
    {
        get
        {
            lock (_stats)
                return _stats.ToArray();
        }
    }

    public IReadOnlyList<(LogLevel Level, string Text)> Messages
    {
        get
        {
            lock (_messages)
                return _messages.ToArray();
        }
    }

    // IPluginHost
    public ITextureRegistry Textures => Registry;

    public FrameTime Time => default;

    public IInputState Input => this;

    public IPluginLog Log => this;

    public IAssetPaths Paths => this;

    public IPluginSettings Settings => this;

    public IPluginCommands Commands => this;

    public IPluginStats Stats => this;

    // IInputState
    public float MouseX => 0;

    public float MouseY => 0;

    public float ScrollDelta => 0;

    public bool IsButtonDown(MouseButton button) => false;

    public bool IsKeyDown(int key) => false;

    public bool TryGetPointerOnTexture(out float x, out float y)
    {
        x = y = 0;
        return false;
    }

    // IPluginSettings
    public int Version => 0;

    public string? Get(string key) => null;

    public double GetNumber(string key, double fallback)
    {
        lock (_numbers)
            return _numbers.TryGetValue(key, out double value) ? value : fallback;
    }

    /// <summary>Sets a number setting (GetNumber returns it instead of the fallback).</summary>
    public void SetNumber(string key, double value)
    {
        lock (_numbers)
            _numbers[key] = value;
    }

    // IPluginCommands
    public bool TryDequeue(out PluginCommand command)
    {
        command = default;
        return false;
    }

    // IPluginStats
    public void Report(string key, double value) => ReportText(key, value.ToString(System.Globalization.CultureInfo.InvariantCulture));

    public void ReportText(string key, string value)
    {
        lock (_stats)
            _stats.Add((key, value));
    }

    // IPluginLog
    public void Write(LogLevel level, string message)
    {
        lock (_messages)
            _messages.Add((level, message));
    }

    // IAssetPaths
    public string PluginDirectory => DataDirectory;

    public string AssetsDirectory => "";

    public string DataDirectory { get; }
}

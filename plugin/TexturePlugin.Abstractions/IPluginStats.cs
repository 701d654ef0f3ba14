namespace TexturePlugin.Abstractions;

/// <summary>Figures a plugin reports for the host's HUD. Thread-safe; keys are best kept constant strings.</summary>
public interface IPluginStats
{
    /// <summary>Sets a number (e.g. "inference_ms").</summary>
    void Report(string key, double value);

    /// <summary>Sets a text (e.g. "provider" = "CPU").</summary>
    void ReportText(string key, string value);
}

namespace TexturePlugin.Abstractions;

/// <summary>Folders a plugin works with.</summary>
public interface IAssetPaths
{
    /// <summary>The folder holding the plugin's assembly and manifest.</summary>
    string PluginDirectory { get; }

    /// <summary>The host's asset folder (shaders, models), or empty when it has none.</summary>
    string AssetsDirectory { get; }

    /// <summary>A folder the plugin may write to (created by the host).</summary>
    string DataDirectory { get; }
}

namespace TexturePlugin.Abstractions;

/// <summary>The services a host offers a plugin. Every member is valid from <see cref="IPlugin.Load"/> to <see cref="IPlugin.Unload"/>.</summary>
public interface IPluginHost
{
    /// <summary>GPU textures: create, update (from any thread), resize, delete.</summary>
    ITextureRegistry Textures { get; }

    /// <summary>The current frame's clock (the same value <see cref="IPlugin.Update"/> receives).</summary>
    FrameTime Time { get; }

    /// <summary>Mouse and keyboard, sampled once per frame.</summary>
    IInputState Input { get; }

    /// <summary>Messages shown in the host's log and console.</summary>
    IPluginLog Log { get; }

    /// <summary>Where the plugin finds its files and may write its own.</summary>
    IAssetPaths Paths { get; }

    /// <summary>Settings the host's user interface changes (mode, material, seed, ...).</summary>
    IPluginSettings Settings { get; }

    /// <summary>One-off commands from the host's user interface (open, save, reseed, ...).</summary>
    IPluginCommands Commands { get; }

    /// <summary>Figures the host shows in its HUD (inference milliseconds, execution provider, ...).</summary>
    IPluginStats Stats { get; }
}

using TexturePlugin.Abstractions;
using TexturePlugin.Demo.Plugins;

namespace TexturePlugin.Demo.Hosting;

/// <summary>The services one plugin gets.</summary>
internal sealed class PluginHost : IPluginHost, IAssetPaths
{
    public PluginHost(string name, ScopedTextureRegistry textures, IInputState input, DemoLog log, DemoSettings settings,
        string pluginDirectory, string assetsDirectory, string dataDirectory)
    {
        Textures = textures;
        ScopedTextures = textures;
        Input = input;
        Log = new PluginLog(log, name);
        Settings = settings;
        PluginDirectory = pluginDirectory;
        AssetsDirectory = assetsDirectory;
        DataDirectory = dataDirectory;
    }

    public ITextureRegistry Textures { get; }

    public ScopedTextureRegistry ScopedTextures { get; }

    public FrameTime Time { get; set; }

    public IInputState Input { get; }

    public IPluginLog Log { get; }

    public IAssetPaths Paths => this;

    public IPluginSettings Settings { get; }

    public PluginCommandQueue CommandQueue { get; } = new();

    public IPluginCommands Commands => CommandQueue;

    public PluginStats StatsBoard { get; } = new();

    public IPluginStats Stats => StatsBoard;

    public string PluginDirectory { get; }

    public string AssetsDirectory { get; }

    public string DataDirectory { get; }
}

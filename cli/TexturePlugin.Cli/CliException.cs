using TexturePlugin.Core;

namespace TexturePlugin.Cli;

/// <summary>Wrong or inconsistent command-line input (the message is the one line the user sees).</summary>
public sealed class CliException : TexturePluginException
{
    public CliException(string message) : base(message) { }
}

using TexturePlugin.Core;

namespace TexturePlugin.Demo;

/// <summary>The demo cannot go on: bad arguments, no display, a missing plugin folder. The message says what to do.</summary>
internal sealed class DemoException : TexturePluginException
{
    public DemoException(string message, Exception? inner = null) : base(message, inner) { }
}

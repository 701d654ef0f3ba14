using System.Collections.Concurrent;
using TexturePlugin.Abstractions;

namespace TexturePlugin.Demo.Hosting;

/// <summary>Commands waiting for one plugin.</summary>
internal sealed class PluginCommandQueue : IPluginCommands
{
    private readonly ConcurrentQueue<PluginCommand> _queue = new();

    public void Enqueue(PluginCommand command) => _queue.Enqueue(command);

    public bool TryDequeue(out PluginCommand command) => _queue.TryDequeue(out command);

    public int Count => _queue.Count;
}

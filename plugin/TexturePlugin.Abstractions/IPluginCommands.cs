namespace TexturePlugin.Abstractions;

/// <summary>A one-off request from the host (e.g. "repair.open" with a file path).</summary>
public readonly struct PluginCommand
{
    /// <summary>A command.</summary>
    public PluginCommand(string name, string? argument)
    {
        Name = name;
        Argument = argument;
    }

    /// <summary>What to do.</summary>
    public string Name { get; }

    /// <summary>Its argument (a path, a number), or null.</summary>
    public string? Argument { get; }

    /// <inheritdoc/>
    public override string ToString() => Argument is null ? Name : $"{Name} {Argument}";
}

/// <summary>Commands the host queued since the plugin last looked.</summary>
public interface IPluginCommands
{
    /// <summary>Takes the oldest pending command.</summary>
    bool TryDequeue(out PluginCommand command);
}

namespace TexturePlugin.Core;

/// <summary>
/// Base of every error the plugin raises at its boundaries (files, models, user input, plugin calls).
/// The message names the file and the numbers involved.
/// </summary>
public class TexturePluginException : Exception
{
    public TexturePluginException(string message) : base(message) { }

    public TexturePluginException(string message, Exception? inner) : base(message, inner) { }
}

/// <summary>An image file could not be read or written (missing, unsupported, corrupt, no write access).</summary>
public sealed class ImageFileException : TexturePluginException
{
    public ImageFileException(string path, string problem, Exception? inner = null)
        : base($"{path}: {problem}", inner)
    {
        FilePath = path;
        Problem = problem;
    }

    /// <summary>The file concerned.</summary>
    public string FilePath { get; }

    /// <summary>What went wrong, without the path.</summary>
    public string Problem { get; }
}

/// <summary>
/// A model file or its manifest is unusable: missing, not ONNX, truncated, wrong inputs, metadata that
/// disagrees with the manifest, external data outside the models folder, or an output containing NaN.
/// </summary>
public class ModelException : TexturePluginException
{
    public ModelException(string? path, string problem, Exception? inner = null)
        : base(path is null ? problem : $"{path}: {problem}", inner)
    {
        FilePath = path;
        Problem = problem;
    }

    /// <summary>The model or manifest file concerned, when there is one.</summary>
    public string? FilePath { get; }

    /// <summary>What went wrong, without the path.</summary>
    public string Problem { get; }
}

/// <summary>The manifest and the ONNX model disagree; <see cref="Differences"/> names every difference.</summary>
public sealed class ModelMismatchException : ModelException
{
    public ModelMismatchException(string path, IReadOnlyList<string> differences)
        : base(path, $"the model does not match its manifest ({differences.Count} difference{(differences.Count == 1 ? "" : "s")}): "
                     + string.Join("; ", differences))
    {
        Differences = differences;
    }

    public IReadOnlyList<string> Differences { get; }
}

/// <summary>A model run produced non-finite values (NaN or infinity).</summary>
public sealed class ModelOutputException : ModelException
{
    public ModelOutputException(string? path, string outputName, int nanCount, int infCount, long total)
        : base(path, $"output '{outputName}' contains {nanCount} NaN and {infCount} infinite values out of {total}")
    {
        OutputName = outputName;
        NaNCount = nanCount;
        InfinityCount = infCount;
    }

    public string OutputName { get; }
    public int NaNCount { get; }
    public int InfinityCount { get; }
}

/// <summary>A forced execution provider (cuda, dml) is not available, or no provider could be created.</summary>
public sealed class ExecutionProviderException : TexturePluginException
{
    public ExecutionProviderException(string message, Exception? inner = null) : base(message, inner) { }
}

using TexturePlugin.Core;

namespace TexturePlugin.OpenGL;

/// <summary>The GL driver refused something: no context, a missing feature, a GL error, a bad argument to the GPU layer.</summary>
public class GlException : TexturePluginException
{
    /// <summary>An error with its message (which names the call and the numbers).</summary>
    public GlException(string message, Exception? inner = null) : base(message, inner) { }
}

/// <summary>A GLSL file failed to compile or a program failed to link; the message names the file and the line.</summary>
public sealed class ShaderException : GlException
{
    /// <summary>A shader error at <paramref name="path"/>:<paramref name="line"/> (0 when the driver gave no line).</summary>
    public ShaderException(string path, int line, string problem)
        : base(line > 0 ? $"{path}:{line}: {problem}" : $"{path}: {problem}")
    {
        FilePath = path;
        Line = line;
        Problem = problem;
    }

    /// <summary>The GLSL file.</summary>
    public string FilePath { get; }

    /// <summary>1-based line of the first error, or 0.</summary>
    public int Line { get; }

    /// <summary>The driver's message without the location.</summary>
    public string Problem { get; }
}

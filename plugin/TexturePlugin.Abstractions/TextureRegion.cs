namespace TexturePlugin.Abstractions;

/// <summary>A rectangle of texels, origin at the first row of the upload (top-left as stored).</summary>
public readonly struct TextureRegion
{
    /// <summary>A rectangle.</summary>
    public TextureRegion(int x, int y, int width, int height)
    {
        X = x;
        Y = y;
        Width = width;
        Height = height;
    }

    /// <summary>Left column.</summary>
    public int X { get; }

    /// <summary>Top row.</summary>
    public int Y { get; }

    /// <summary>Columns.</summary>
    public int Width { get; }

    /// <summary>Rows.</summary>
    public int Height { get; }

    /// <summary>The whole of a width x height texture.</summary>
    public static TextureRegion Whole(int width, int height) => new(0, 0, width, height);

    /// <inheritdoc/>
    public override string ToString() => $"{Width}x{Height} at ({X}, {Y})";
}

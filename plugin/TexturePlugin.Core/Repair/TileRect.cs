namespace TexturePlugin.Core.Repair;

/// <summary>
/// A rectangle on a texture that wraps around: <see cref="X"/> and <see cref="Y"/> may be negative or
/// beyond the texture, pixel (X + i, Y + j) means ((X + i) mod width, (Y + j) mod height).
/// </summary>
public readonly struct TileRect : IEquatable<TileRect>
{
    /// <summary>Creates a rectangle; width and height must be positive.</summary>
    public TileRect(int x, int y, int width, int height)
    {
        if (width <= 0 || height <= 0)
            throw new ArgumentOutOfRangeException(nameof(width), $"A tile needs a positive size, not {width}x{height}.");
        X = x; Y = y; Width = width; Height = height;
    }

    /// <summary>Left column (may lie outside the texture: it wraps).</summary>
    public int X { get; }
    /// <summary>Top row (may lie outside the texture: it wraps).</summary>
    public int Y { get; }
    /// <summary>Width in pixels.</summary>
    public int Width { get; }
    /// <summary>Height in pixels.</summary>
    public int Height { get; }
    /// <summary>Number of pixels covered.</summary>
    public long Area => (long)Width * Height;

    /// <inheritdoc/>
    public bool Equals(TileRect other) => X == other.X && Y == other.Y && Width == other.Width && Height == other.Height;
    /// <inheritdoc/>
    public override bool Equals(object? obj) => obj is TileRect t && Equals(t);
    /// <inheritdoc/>
    public override int GetHashCode() => HashCode.Combine(X, Y, Width, Height);
    /// <inheritdoc/>
    public override string ToString() => $"{Width}x{Height} at ({X}, {Y})";
}

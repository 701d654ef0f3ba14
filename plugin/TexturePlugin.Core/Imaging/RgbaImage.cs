namespace TexturePlugin.Core.Imaging;

/// <summary>
/// An 8-bit RGBA image: row-major, tightly packed, 4 bytes per pixel, <c>Pixels.Length == Width * Height * 4</c>.
/// Row 0 is the top row (file order).
/// </summary>
public sealed class RgbaImage
{
    public const int BytesPerPixel = 4;

    /// <summary>A new image, all pixels (0, 0, 0, 0).</summary>
    public RgbaImage(int width, int height)
        : this(width, height, new byte[CheckedLength(width, height)])
    {
    }

    /// <summary>Wraps <paramref name="pixels"/> (not copied).</summary>
    public RgbaImage(int width, int height, byte[] pixels)
    {
        long expected = CheckedLength(width, height);
        if (pixels is null) throw new ArgumentNullException(nameof(pixels));
        if (pixels.Length != expected)
            throw new ArgumentException($"A {width}x{height} RGBA8 image needs {expected} bytes, but {pixels.Length} were given.", nameof(pixels));
        Width = width;
        Height = height;
        Pixels = pixels;
    }

    public int Width { get; }
    public int Height { get; }

    /// <summary>RGBA8 bytes, row-major, tightly packed.</summary>
    public byte[] Pixels { get; }

    /// <summary>The bytes of row <paramref name="y"/> (Width * 4 of them).</summary>
    public Span<byte> Row(int y)
    {
        if ((uint)y >= (uint)Height)
            throw new ArgumentOutOfRangeException(nameof(y), y, $"Row must be in [0, {Height}).");
        return Pixels.AsSpan(y * Width * BytesPerPixel, Width * BytesPerPixel);
    }

    /// <summary>The four bytes of pixel (x, y).</summary>
    public Span<byte> Pixel(int x, int y)
    {
        if ((uint)x >= (uint)Width)
            throw new ArgumentOutOfRangeException(nameof(x), x, $"Column must be in [0, {Width}).");
        return Row(y).Slice(x * BytesPerPixel, BytesPerPixel);
    }

    /// <summary>A deep copy.</summary>
    public RgbaImage Clone() => new(Width, Height, (byte[])Pixels.Clone());

    /// <summary>Copies a rectangle into a new image.</summary>
    public RgbaImage Crop(int x, int y, int width, int height)
    {
        if (x < 0 || y < 0 || width <= 0 || height <= 0 || x + width > Width || y + height > Height)
            throw new ArgumentOutOfRangeException(nameof(x), $"Rectangle ({x}, {y}, {width}x{height}) is not inside the {Width}x{Height} image.");
        var result = new RgbaImage(width, height);
        for (int row = 0; row < height; row++)
            Pixels.AsSpan(((y + row) * Width + x) * BytesPerPixel, width * BytesPerPixel).CopyTo(result.Row(row));
        return result;
    }

    private static int CheckedLength(int width, int height)
    {
        if (width <= 0 || height <= 0)
            throw new ArgumentOutOfRangeException(nameof(width), $"Image size must be positive, not {width}x{height}.");
        long length = (long)width * height * BytesPerPixel;
        if (length > int.MaxValue)
            throw new ArgumentOutOfRangeException(nameof(width), $"A {width}x{height} RGBA8 image needs {length} bytes, more than an array holds.");
        return (int)length;
    }
}

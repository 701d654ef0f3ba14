namespace TexturePlugin.Core.Imaging;

/// <summary>
/// A 16-bit RGBA image (what <see cref="ImageIO.Load16"/> returns): row-major, tightly packed, 4 ushorts per pixel.
/// 8-bit sources are widened by 257 (so 255 becomes 65535).
/// </summary>
public sealed class Rgba16Image
{
    public Rgba16Image(int width, int height, ushort[] pixels)
    {
        if (width <= 0 || height <= 0)
            throw new ArgumentOutOfRangeException(nameof(width), $"Image size must be positive, not {width}x{height}.");
        if (pixels is null) throw new ArgumentNullException(nameof(pixels));
        long expected = (long)width * height * 4;
        if (pixels.Length != expected)
            throw new ArgumentException($"A {width}x{height} RGBA16 image needs {expected} values, but {pixels.Length} were given.", nameof(pixels));
        Width = width;
        Height = height;
        Pixels = pixels;
    }

    public int Width { get; }
    public int Height { get; }

    /// <summary>RGBA16 values, row-major, tightly packed.</summary>
    public ushort[] Pixels { get; }

    public Span<ushort> Row(int y)
    {
        if ((uint)y >= (uint)Height)
            throw new ArgumentOutOfRangeException(nameof(y), y, $"Row must be in [0, {Height}).");
        return Pixels.AsSpan(y * Width * 4, Width * 4);
    }

    /// <summary>Rounds to 8 bits per channel.</summary>
    public RgbaImage ToRgba8()
    {
        var result = new RgbaImage(Width, Height);
        byte[] dst = result.Pixels;
        for (int i = 0; i < Pixels.Length; i++)
            dst[i] = (byte)((Pixels[i] * 255 + 32767) / 65535);
        return result;
    }
}

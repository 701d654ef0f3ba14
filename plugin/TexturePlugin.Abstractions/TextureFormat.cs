namespace TexturePlugin.Abstractions;

/// <summary>Pixel formats a texture can hold; uploads use the same layout, rows tightly packed.</summary>
public enum TextureFormat
{
    /// <summary>8-bit unsigned normalised R, G, B, A (4 bytes a pixel).</summary>
    Rgba8,

    /// <summary>16-bit float (IEEE half) R, G, B, A (8 bytes a pixel).</summary>
    Rgba16F,
}

/// <summary>Sizes of <see cref="TextureFormat"/> values.</summary>
public static class TextureFormatInfo
{
    /// <summary>Bytes one pixel takes.</summary>
    public static int BytesPerPixel(TextureFormat format) => format switch
    {
        TextureFormat.Rgba8 => 4,
        TextureFormat.Rgba16F => 8,
        _ => throw new ArgumentOutOfRangeException(nameof(format), format, "unknown texture format"),
    };
}

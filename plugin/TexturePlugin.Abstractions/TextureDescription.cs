namespace TexturePlugin.Abstractions;

/// <summary>What to create: a named texture of a size and format.</summary>
public readonly struct TextureDescription
{
    /// <summary>Describes a texture.</summary>
    /// <param name="name">Name the host finds it by (e.g. "synthesis.output"); unique within a registry.</param>
    /// <param name="width">Width in pixels, at least 1.</param>
    /// <param name="height">Height in pixels, at least 1.</param>
    /// <param name="format">Pixel format.</param>
    /// <param name="mipmaps">Allocate the full mip chain and regenerate it after each upload.</param>
    public TextureDescription(string name, int width, int height, TextureFormat format = TextureFormat.Rgba8, bool mipmaps = false)
    {
        Name = name;
        Width = width;
        Height = height;
        Format = format;
        Mipmaps = mipmaps;
    }

    /// <summary>Name the host finds the texture by.</summary>
    public string Name { get; }

    /// <summary>Width in pixels.</summary>
    public int Width { get; }

    /// <summary>Height in pixels.</summary>
    public int Height { get; }

    /// <summary>Pixel format.</summary>
    public TextureFormat Format { get; }

    /// <summary>Whether the texture has a mip chain.</summary>
    public bool Mipmaps { get; }

    /// <summary>Bytes of one tightly packed row.</summary>
    public int RowBytes => Width * TextureFormatInfo.BytesPerPixel(Format);
}

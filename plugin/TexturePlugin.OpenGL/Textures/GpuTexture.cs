using Silk.NET.OpenGL;
using TexturePlugin.Abstractions;

namespace TexturePlugin.OpenGL.Textures;

/// <summary>
/// A 2D texture with immutable storage (glTexStorage2D): RGBA8 or RGBA16F, optionally the full mip
/// chain. Created, written and deleted on the GL thread; <see cref="Dispose"/> may come from any
/// thread and queues the deletion.
/// </summary>
public sealed unsafe class GpuTexture : IDisposable
{
    private readonly GlDevice _device;
    private uint _name;

    /// <summary>Allocates the storage (GL thread).</summary>
    public GpuTexture(GlDevice device, int width, int height, TextureFormat format, bool mipmaps = false)
    {
        _device = device ?? throw new ArgumentNullException(nameof(device));
        device.EnsureGlThread();
        if (width < 1 || height < 1 || width > device.MaxTextureSize || height > device.MaxTextureSize)
            throw new GlException($"Texture size {width}x{height} is outside 1..{device.MaxTextureSize} (GL_MAX_TEXTURE_SIZE of {device.Renderer}).");
        Width = width;
        Height = height;
        Format = format;
        Levels = mipmaps ? MipLevels(width, height) : 1;
        var gl = device.Gl;
        _name = gl.GenTexture();
        gl.BindTexture(TextureTarget.Texture2D, _name);
        gl.TexStorage2D(TextureTarget.Texture2D, (uint)Levels, InternalFormat(format), (uint)width, (uint)height);
        gl.TexParameter(TextureTarget.Texture2D, TextureParameterName.TextureMinFilter,
            (int)(mipmaps ? TextureMinFilter.LinearMipmapLinear : TextureMinFilter.Linear));
        gl.TexParameter(TextureTarget.Texture2D, TextureParameterName.TextureMagFilter, (int)TextureMagFilter.Linear);
        // Textures here are tileable: repeat, so a tiled preview and linear filtering agree at the seams.
        gl.TexParameter(TextureTarget.Texture2D, TextureParameterName.TextureWrapS, (int)TextureWrapMode.Repeat);
        gl.TexParameter(TextureTarget.Texture2D, TextureParameterName.TextureWrapT, (int)TextureWrapMode.Repeat);
        gl.BindTexture(TextureTarget.Texture2D, 0);
        device.CheckErrors($"creating a {width}x{height} {format} texture");
    }

    /// <summary>The GL texture name (0 once disposed).</summary>
    public uint Name => _name;

    /// <summary>Width in pixels.</summary>
    public int Width { get; }

    /// <summary>Height in pixels.</summary>
    public int Height { get; }

    /// <summary>Pixel format.</summary>
    public TextureFormat Format { get; }

    /// <summary>Mip levels allocated (1 without mipmaps).</summary>
    public int Levels { get; }

    /// <summary>Bytes one tightly packed full image takes.</summary>
    public int ByteSize => Width * Height * TextureFormatInfo.BytesPerPixel(Format);

    /// <summary>Number of levels of a full chain down to 1x1.</summary>
    public static int MipLevels(int width, int height)
    {
        int levels = 1;
        for (int size = Math.Max(width, height); size > 1; size >>= 1)
            levels++;
        return levels;
    }

    /// <summary>Throws unless the region lies inside the texture.</summary>
    public void ValidateRegion(in TextureRegion region)
    {
        if (region.Width < 1 || region.Height < 1 || region.X < 0 || region.Y < 0
            || region.X + region.Width > Width || region.Y + region.Height > Height)
            throw new GlException($"Region {region} is not inside the {Width}x{Height} texture.");
    }

    /// <summary>Uploads from CPU memory (GL thread): the region's rows, tightly packed.</summary>
    public void Upload(in TextureRegion region, ReadOnlySpan<byte> pixels)
    {
        _device.EnsureGlThread();
        ValidateRegion(region);
        int expected = region.Width * region.Height * TextureFormatInfo.BytesPerPixel(Format);
        if (pixels.Length < expected)
            throw new GlException($"Uploading {region} of a {Format} texture needs {expected} bytes, but only {pixels.Length} were given.");
        var gl = _device.Gl;
        gl.BindBuffer(BufferTargetARB.PixelUnpackBuffer, 0);
        gl.BindTexture(TextureTarget.Texture2D, _name);
        fixed (byte* data = pixels)
            gl.TexSubImage2D(TextureTarget.Texture2D, 0, region.X, region.Y, (uint)region.Width, (uint)region.Height,
                PixelFormat.Rgba, PixelTypeOf(Format), data);
        gl.BindTexture(TextureTarget.Texture2D, 0);
    }

    /// <summary>Uploads from the pixel-unpack buffer bound by the caller, at <paramref name="offset"/> bytes (GL thread).</summary>
    internal void UploadFromBoundBuffer(in TextureRegion region, nint offset)
    {
        var gl = _device.Gl;
        gl.BindTexture(TextureTarget.Texture2D, _name);
        gl.TexSubImage2D(TextureTarget.Texture2D, 0, region.X, region.Y, (uint)region.Width, (uint)region.Height,
            PixelFormat.Rgba, PixelTypeOf(Format), (void*)offset);
        gl.BindTexture(TextureTarget.Texture2D, 0);
    }

    /// <summary>Rebuilds levels 1.. from level 0 (GL thread; no-op without mipmaps).</summary>
    public void GenerateMipmaps()
    {
        if (Levels <= 1)
            return;
        _device.EnsureGlThread();
        var gl = _device.Gl;
        gl.BindTexture(TextureTarget.Texture2D, _name);
        gl.GenerateMipmap(TextureTarget.Texture2D);
        gl.BindTexture(TextureTarget.Texture2D, 0);
    }

    /// <summary>Reads a level back into <paramref name="destination"/> (GL thread; tests and screenshots).</summary>
    public void ReadBack(Span<byte> destination, int level = 0)
    {
        _device.EnsureGlThread();
        int w = Math.Max(1, Width >> level), h = Math.Max(1, Height >> level);
        int expected = w * h * TextureFormatInfo.BytesPerPixel(Format);
        if (destination.Length < expected)
            throw new GlException($"Reading level {level} ({w}x{h} {Format}) needs {expected} bytes, but the destination has {destination.Length}.");
        var gl = _device.Gl;
        gl.BindBuffer(BufferTargetARB.PixelPackBuffer, 0);
        gl.BindTexture(TextureTarget.Texture2D, _name);
        fixed (byte* data = destination)
            gl.GetTexImage(TextureTarget.Texture2D, level, PixelFormat.Rgba, PixelTypeOf(Format), data);
        gl.BindTexture(TextureTarget.Texture2D, 0);
        _device.CheckErrors($"reading back level {level} of a {Width}x{Height} {Format} texture");
    }

    /// <summary>Queues the deletion for the GL thread; safe to call twice and from any thread.</summary>
    public void Dispose()
    {
        uint name = Interlocked.Exchange(ref _name, 0);
        if (name != 0)
            _device.EnqueueDeletion(gl => gl.DeleteTexture(name));
    }

    internal static SizedInternalFormat InternalFormat(TextureFormat format) => format switch
    {
        TextureFormat.Rgba8 => SizedInternalFormat.Rgba8,
        TextureFormat.Rgba16F => SizedInternalFormat.Rgba16f,
        _ => throw new GlException($"Texture format {format} is not supported."),
    };

    internal static PixelType PixelTypeOf(TextureFormat format) => format switch
    {
        TextureFormat.Rgba8 => PixelType.UnsignedByte,
        TextureFormat.Rgba16F => PixelType.HalfFloat,
        _ => throw new GlException($"Texture format {format} is not supported."),
    };
}

using System.Buffers;
using TexturePlugin.Abstractions;
using TexturePlugin.Core.Imaging;

namespace TexturePlugin.Work;

/// <summary>Copies a rectangle of an image into a texture: straight into a mapped slot when one is free.</summary>
internal static class RegionUpload
{
    /// <summary>Uploads image rows [y, y+h) x [x, x+w) to the same place in the texture.</summary>
    public static void Upload(ITextureRegistry textures, TextureHandle handle, RgbaImage image, int x, int y, int width, int height)
    {
        var region = new TextureRegion(x, y, width, height);
        int rowBytes = width * 4;
        if (textures.TryBeginUpdate(handle, region, out var upload))
        {
            using (upload)
            {
                CopyRows(image, region, upload.Pixels);
                upload.Commit();
            }

            return;
        }

        byte[] buffer = ArrayPool<byte>.Shared.Rent(rowBytes * height);
        try
        {
            CopyRows(image, region, buffer);
            textures.Update(handle, region, buffer.AsSpan(0, rowBytes * height));
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    /// <summary>A rectangle given in wrapped coordinates (may start left of or above 0, or run past the edge) as up to four clipped pieces.</summary>
    public static void UploadWrapped(ITextureRegistry textures, TextureHandle handle, RgbaImage image, int x, int y, int width, int height)
    {
        int w = image.Width, h = image.Height;
        if (width >= w)
        {
            x = 0;
            width = w;
        }

        if (height >= h)
        {
            y = 0;
            height = h;
        }

        x = ((x % w) + w) % w;
        y = ((y % h) + h) % h;
        int w1 = Math.Min(width, w - x), h1 = Math.Min(height, h - y);
        Upload(textures, handle, image, x, y, w1, h1);
        if (w1 < width)
            Upload(textures, handle, image, 0, y, width - w1, h1);
        if (h1 < height)
            Upload(textures, handle, image, x, 0, w1, height - h1);
        if (w1 < width && h1 < height)
            Upload(textures, handle, image, 0, 0, width - w1, height - h1);
    }

    private static void CopyRows(RgbaImage image, in TextureRegion region, Span<byte> destination)
    {
        int rowBytes = region.Width * 4;
        for (int row = 0; row < region.Height; row++)
            image.Pixels.AsSpan(((region.Y + row) * image.Width + region.X) * 4, rowBytes).CopyTo(destination.Slice(row * rowBytes, rowBytes));
    }
}

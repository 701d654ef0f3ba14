using TexturePlugin.Core.Imaging;

namespace TexturePlugin.Core.Repair;

/// <summary>Where a damage mask comes from: a mask image, the texture's alpha, or a key colour.</summary>
public static class MaskSources
{
    /// <summary>
    /// A mask image of the texture's size: a pixel is damaged where its brightest colour channel is
    /// 128 or more (white = damaged, black = intact, as in the evaluation sets).
    /// </summary>
    /// <param name="mask">The loaded mask image.</param>
    /// <param name="width">Width of the texture the mask is for.</param>
    /// <param name="height">Height of the texture the mask is for.</param>
    /// <param name="maskName">The mask's file name, for the error message.</param>
    public static DamageMask FromMaskImage(RgbaImage mask, int width, int height, string maskName)
    {
        if (mask.Width != width || mask.Height != height)
            throw new TexturePluginException($"{maskName}: the mask is {mask.Width}x{mask.Height} but the image is {width}x{height}.");
        var result = new DamageMask(width, height);
        byte[] p = mask.Pixels;
        for (int i = 0; i < result.Bits.Length; i++)
        {
            int max = Math.Max(p[i * 4], Math.Max(p[i * 4 + 1], p[i * 4 + 2]));
            result.Bits[i] = max >= 128 ? (byte)1 : (byte)0;
        }
        return result;
    }

    /// <summary>Transparent pixels are damaged: alpha below <paramref name="threshold"/> (default 128).</summary>
    public static DamageMask FromAlpha(RgbaImage image, byte threshold = 128)
    {
        var result = new DamageMask(image.Width, image.Height);
        byte[] p = image.Pixels;
        for (int i = 0; i < result.Bits.Length; i++)
            result.Bits[i] = p[i * 4 + 3] < threshold ? (byte)1 : (byte)0;
        return result;
    }

    /// <summary>
    /// Pixels of the key colour are damaged: every RGB channel within <paramref name="tolerance"/> of
    /// the key (alpha ignored).
    /// </summary>
    public static DamageMask FromKey(RgbaImage image, byte r, byte g, byte b, int tolerance = 0)
    {
        var result = new DamageMask(image.Width, image.Height);
        byte[] p = image.Pixels;
        for (int i = 0; i < result.Bits.Length; i++)
        {
            bool hit = Math.Abs(p[i * 4] - r) <= tolerance && Math.Abs(p[i * 4 + 1] - g) <= tolerance
                && Math.Abs(p[i * 4 + 2] - b) <= tolerance;
            result.Bits[i] = hit ? (byte)1 : (byte)0;
        }
        return result;
    }

    /// <summary>
    /// Parses a key colour written as RRGGBB or #RRGGBB (hexadecimal).
    /// </summary>
    public static (byte R, byte G, byte B) ParseKey(string text)
    {
        string s = text.StartsWith("#", StringComparison.Ordinal) ? text.Substring(1) : text;
        if (s.Length != 6 || !int.TryParse(s, System.Globalization.NumberStyles.HexNumber, System.Globalization.CultureInfo.InvariantCulture, out int v))
            throw new TexturePluginException($"Key colour '{text}' is not RRGGBB hexadecimal (for example FF00FF).");
        return ((byte)(v >> 16), (byte)(v >> 8), (byte)v);
    }
}

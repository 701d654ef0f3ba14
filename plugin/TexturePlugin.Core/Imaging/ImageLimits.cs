using System.Globalization;

namespace TexturePlugin.Core.Imaging;

/// <summary>
/// How large an image may be, decoded or produced, and how many bytes an input that is not a regular file may send.
/// Checked before anything is allocated: a small compressed file can claim a size whose pixels would not fit in
/// memory, and a device such as <c>/dev/zero</c> never ends.
/// </summary>
public sealed class ImageLimits
{
    /// <summary>Longest side, in pixels.</summary>
    public const int DefaultMaxSide = 16384;

    /// <summary>Most pixels in one image: 256 megapixels (16384 x 16384, 1 GiB as RGBA8).</summary>
    public const long DefaultMaxPixels = 256L * 1024 * 1024;

    /// <summary>Most bytes read from an input that is not a regular file (a pipe or a device): 1 GiB.</summary>
    public const long DefaultMaxStreamBytes = 1L << 30;

    /// <summary>The limits above.</summary>
    public static ImageLimits Default { get; } = new();

    public ImageLimits(int maxSide = DefaultMaxSide, long maxPixels = DefaultMaxPixels, long maxStreamBytes = DefaultMaxStreamBytes)
    {
        if (maxSide < 1) throw new ArgumentOutOfRangeException(nameof(maxSide), maxSide, "The side limit must be positive.");
        if (maxPixels < 1) throw new ArgumentOutOfRangeException(nameof(maxPixels), maxPixels, "The pixel limit must be positive.");
        if (maxStreamBytes < 1) throw new ArgumentOutOfRangeException(nameof(maxStreamBytes), maxStreamBytes, "The byte limit must be positive.");
        MaxSide = maxSide;
        MaxPixels = maxPixels;
        MaxStreamBytes = maxStreamBytes;
    }

    public int MaxSide { get; }
    public long MaxPixels { get; }
    public long MaxStreamBytes { get; }

    /// <summary>Whether a <paramref name="width"/> x <paramref name="height"/> image is within the limits.</summary>
    public bool Allows(long width, long height) =>
        width > 0 && height > 0 && width <= MaxSide && height <= MaxSide && width * height <= MaxPixels;

    /// <summary>Throws <see cref="ImageLimitException"/> when the size is over a limit; <paramref name="what"/> starts the message.</summary>
    public void Check(long width, long height, string what)
    {
        if (width <= 0 || height <= 0)
            throw new TexturePluginException($"{what}: the size must be positive, not {width}x{height}.");
        if (!Allows(width, height))
            throw new ImageLimitException(what, width, height, this);
    }

    internal string Describe() => string.Format(CultureInfo.InvariantCulture, "{0} px a side and {1:0.##} megapixels",
        MaxSide, MaxPixels / (1024.0 * 1024.0));
}

/// <summary>An image larger than its <see cref="ImageLimits"/>: refused before its pixels were allocated.</summary>
public sealed class ImageLimitException : TexturePluginException
{
    public ImageLimitException(string what, long width, long height, ImageLimits limits)
        : base($"{what}: {width}x{height} is over the image limit of {limits.Describe()} "
               + $"({((double)width * height * 4 / (1L << 30)).ToString("0.##", CultureInfo.InvariantCulture)} GiB as RGBA8)")
    {
        Width = width;
        Height = height;
        Limits = limits;
    }

    public long Width { get; }
    public long Height { get; }
    public ImageLimits Limits { get; }
}

using System.Runtime.InteropServices;
using StbImageSharp;
using StbImageWriteSharp;
using ReadComponents = StbImageSharp.ColorComponents;
using WriteComponents = StbImageWriteSharp.ColorComponents;

namespace TexturePlugin.Core.Imaging;

/// <summary>
/// Loads PNG (8 and 16 bit; grey, grey+alpha, RGB, RGBA), JPEG, TGA, BMP, PSD, GIF (first frame) and HDR
/// (tone-mapped by stb's gamma 2.2) as RGBA8; saves PNG, TGA, JPEG and BMP by extension, always atomically.
/// </summary>
public static class ImageIO
{
    private static object DecodeGate => ImageFileReader.DecodeGate;

    /// <summary>Extensions <see cref="Save"/> understands.</summary>
    public static IReadOnlyList<string> SaveExtensions { get; } = new[] { ".png", ".tga", ".jpg", ".jpeg", ".bmp" };

    /// <summary>Loads any supported file as RGBA8, within <paramref name="limits"/> (default <see cref="ImageLimits.Default"/>).</summary>
    /// <exception cref="ImageFileException">Missing file, a folder, unreadable, or not a supported image.</exception>
    /// <exception cref="ImageLimitException">The header claims a size over the limits (nothing was decoded).</exception>
    public static RgbaImage Load(string path, ImageLimits? limits = null)
    {
        limits ??= ImageLimits.Default;
        return Decode(ImageFileReader.Read(path, limits), path, limits);
    }

    /// <summary>
    /// The size a file's header claims, read without decoding its pixels; null when the header is not recognised in
    /// the file's first bytes (the file may still decode, or fail with its own reason).
    /// </summary>
    public static (int Width, int Height)? ReadSize(string path)
    {
        ImageFileReader.CheckFile(path);
        try
        {
            using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read);
            var head = new byte[64 * 1024];
            int read = 0, n;
            while (read < head.Length && (n = stream.Read(head, read, head.Length - read)) > 0)
                read += n;
            return read == 0 ? null : ImageFileReader.Probe(head.AsSpan(0, read).ToArray());
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new ImageFileException(path, $"cannot be read ({e.Message})", e);
        }
    }

    /// <summary>Decodes an in-memory file as RGBA8; <paramref name="name"/> is used in error messages.</summary>
    public static RgbaImage Decode(byte[] data, string name, ImageLimits? limits = null)
    {
        if (data is null) throw new ArgumentNullException(nameof(data));
        if (data.Length == 0)
            throw new ImageFileException(name, "is empty (0 bytes)");
        ImageFileReader.CheckHeader(data, name, limits ?? ImageLimits.Default);
        ImageResult result;
        lock (DecodeGate)
        {
            try
            {
                result = ImageResult.FromMemory(data, ReadComponents.RedGreenBlueAlpha);
            }
            catch (Exception e) when (e is not OutOfMemoryException)
            {
                throw new ImageFileException(name, $"is not a readable image ({Describe(e)}; {data.Length} bytes)", e);
            }
        }
        if (result.Width <= 0 || result.Height <= 0 || result.Data is null || result.Data.Length != result.Width * result.Height * 4)
            throw new ImageFileException(name, $"decoded to an invalid {result.Width}x{result.Height} image");
        return new RgbaImage(result.Width, result.Height, result.Data);
    }

    /// <summary>
    /// Loads any supported file as RGBA16: 16-bit PNG and PSD keep their precision, 8-bit sources are widened.
    /// </summary>
    public static Rgba16Image Load16(string path, ImageLimits? limits = null)
    {
        limits ??= ImageLimits.Default;
        return Decode16(ImageFileReader.Read(path, limits), path, limits);
    }

    /// <summary>Decodes an in-memory file as RGBA16.</summary>
    public static unsafe Rgba16Image Decode16(byte[] data, string name, ImageLimits? limits = null)
    {
        if (data is null) throw new ArgumentNullException(nameof(data));
        if (data.Length == 0)
            throw new ImageFileException(name, "is empty (0 bytes)");
        ImageFileReader.CheckHeader(data, name, limits ?? ImageLimits.Default);
        lock (DecodeGate)
        {
            ushort* pixels = null;
            try
            {
                int x, y, comp;
                using var stream = new MemoryStream(data, writable: false);
                var context = new StbImage.stbi__context(stream);
                StbImage.stbi__g_failure_reason = null;
                pixels = StbImage.stbi__load_and_postprocess_16bit(context, &x, &y, &comp, 4);
                if (pixels == null)
                    throw new ImageFileException(name, $"is not a readable image ({ImageFileReader.Reason(StbImage.stbi__g_failure_reason, "unknown format or corrupt data")}; {data.Length} bytes)");
                var result = new ushort[checked(x * y * 4)];
                new ReadOnlySpan<ushort>(pixels, result.Length).CopyTo(result);
                return new Rgba16Image(x, y, result);
            }
            catch (Exception e) when (e is not TexturePluginException && e is not OutOfMemoryException)
            {
                throw new ImageFileException(name, $"is not a readable image ({Describe(e)}; {data.Length} bytes)", e);
            }
            finally
            {
                // stb's C runtime shim allocates with Marshal.AllocHGlobal.
                if (pixels != null)
                    Marshal.FreeHGlobal((IntPtr)pixels);
            }
        }
    }

    /// <summary>Bits per channel of the file's own data (8 or 16; HDR reports 32).</summary>
    public static int BitsPerChannel(string path)
    {
        byte[] data = ImageFileReader.Read(path, ImageLimits.Default);
        lock (DecodeGate)
        {
            try
            {
                using var stream = new MemoryStream(data, writable: false);
                ImageInfo? info = ImageInfo.FromStream(stream);
                if (info is null)
                    throw new ImageFileException(path, "is not a readable image");
                return info.Value.BitsPerChannel;
            }
            catch (Exception e) when (e is not TexturePluginException)
            {
                throw new ImageFileException(path, $"is not a readable image ({Describe(e)})", e);
            }
        }
    }

    /// <summary>
    /// Saves by extension (.png .tga .jpg/.jpeg .bmp) atomically: a temporary file in the same folder, then a
    /// rename, so a crash never leaves a half-written texture and a failure keeps the old file.
    /// </summary>
    /// <param name="jpegQuality">1..100, used for JPEG only.</param>
    /// <param name="replaceReadOnly">Replace a read-only file (refused otherwise; see <see cref="AtomicFile"/>).</param>
    public static void Save(RgbaImage image, string path, int jpegQuality = 92, bool replaceReadOnly = false)
    {
        if (image is null) throw new ArgumentNullException(nameof(image));
        if (path is null) throw new ArgumentNullException(nameof(path));
        if (jpegQuality < 1 || jpegQuality > 100)
            throw new ArgumentOutOfRangeException(nameof(jpegQuality), jpegQuality, "JPEG quality must be 1..100.");
        string ext = Path.GetExtension(path).ToLowerInvariant();
        Action<Stream> encode = ext switch
        {
            ".png" => s => new ImageWriter().WritePng(image.Pixels, image.Width, image.Height, WriteComponents.RedGreenBlueAlpha, s),
            ".tga" => s => new ImageWriter().WriteTga(image.Pixels, image.Width, image.Height, WriteComponents.RedGreenBlueAlpha, s),
            ".bmp" => s => new ImageWriter().WriteBmp(image.Pixels, image.Width, image.Height, WriteComponents.RedGreenBlueAlpha, s),
            ".jpg" or ".jpeg" => s => new ImageWriter().WriteJpg(image.Pixels, image.Width, image.Height, WriteComponents.RedGreenBlueAlpha, s, jpegQuality),
            _ => throw new ImageFileException(path, $"cannot save '{ext}' files; use one of {string.Join(" ", SaveExtensions)}"),
        };
        AtomicFile.Write(path, encode, replaceReadOnly);
    }

    private static string Describe(Exception e) =>
        ImageFileReader.Reason(e.Message, "corrupt or truncated data");
}

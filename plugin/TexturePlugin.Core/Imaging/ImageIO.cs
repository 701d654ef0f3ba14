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
    // stb_image keeps its failure reason in a static field: serialise decoding so messages do not mix.
    private static readonly object DecodeGate = new();

    /// <summary>Extensions <see cref="Save"/> understands.</summary>
    public static IReadOnlyList<string> SaveExtensions { get; } = new[] { ".png", ".tga", ".jpg", ".jpeg", ".bmp" };

    /// <summary>Loads any supported file as RGBA8.</summary>
    /// <exception cref="ImageFileException">Missing file, unreadable, or not a supported image.</exception>
    public static RgbaImage Load(string path) => Decode(ReadFile(path), path);

    /// <summary>Decodes an in-memory file as RGBA8; <paramref name="name"/> is used in error messages.</summary>
    public static RgbaImage Decode(byte[] data, string name)
    {
        if (data is null) throw new ArgumentNullException(nameof(data));
        if (data.Length == 0)
            throw new ImageFileException(name, "is empty (0 bytes)");
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
    public static Rgba16Image Load16(string path) => Decode16(ReadFile(path), path);

    /// <summary>Decodes an in-memory file as RGBA16.</summary>
    public static unsafe Rgba16Image Decode16(byte[] data, string name)
    {
        if (data is null) throw new ArgumentNullException(nameof(data));
        if (data.Length == 0)
            throw new ImageFileException(name, "is empty (0 bytes)");
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
                    throw new ImageFileException(name, $"is not a readable image ({StbImage.stbi__g_failure_reason ?? "unknown format"}; {data.Length} bytes)");
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
        byte[] data = ReadFile(path);
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
    public static void Save(RgbaImage image, string path, int jpegQuality = 92)
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
        AtomicFile.Write(path, encode);
    }

    private static byte[] ReadFile(string path)
    {
        if (path is null) throw new ArgumentNullException(nameof(path));
        if (!File.Exists(path))
            throw new ImageFileException(path, Directory.Exists(path) ? "is a folder, not an image file" : "does not exist");
        try
        {
            return File.ReadAllBytes(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new ImageFileException(path, $"cannot be read ({e.Message})", e);
        }
    }

    private static string Describe(Exception e) =>
        string.IsNullOrEmpty(e.Message) ? e.GetType().Name : e.Message;
}

using StbImageSharp;

namespace TexturePlugin.Core.Imaging;

/// <summary>
/// Reads an image file's bytes and its header within <see cref="ImageLimits"/>: the size a header claims is checked
/// before any pixel is decoded, and an input that is not a regular file (a pipe, a device) is read in chunks, refused
/// as soon as its first bytes are not an image, and never past <see cref="ImageLimits.MaxStreamBytes"/>.
/// </summary>
internal static class ImageFileReader
{
    /// <summary>Enough of a stream to hold the header of every format stb reads.</summary>
    private const int ProbeBytes = 64 * 1024;

    // stb_image keeps its failure reason in a static field: decoding and header probes share one gate.
    internal static readonly object DecodeGate = new();

    /// <summary>Throws the one-line error for a path that is not a readable file: null, a folder, or missing.</summary>
    internal static void CheckFile(string path)
    {
        if (path is null) throw new ArgumentNullException(nameof(path));
        if (Directory.Exists(path))
            throw new ImageFileException(path, "is a folder, not an image file");
        if (!File.Exists(path))
            throw new ImageFileException(path, "does not exist");
    }

    public static byte[] Read(string path, ImageLimits limits)
    {
        CheckFile(path);
        try
        {
            using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16);
            long length = new FileInfo(path).Length;
            // A regular file says how long it is; devices, pipes and most of /proc say 0 and are read as streams.
            return length > 0 ? ReadRegular(stream, path, length) : ReadStream(stream, path, limits);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new ImageFileException(path, $"cannot be read ({e.Message})", e);
        }
    }

    private static byte[] ReadRegular(Stream stream, string path, long length)
    {
        // An array holds at most 2 GiB; no image within the limits needs a file that large.
        if (length > int.MaxValue - 64)
            throw new ImageFileException(path, $"is {length} bytes, larger than an image file can be here");
        var data = new byte[length];
        int read = 0;
        while (read < data.Length)
        {
            int n = stream.Read(data, read, data.Length - read);
            if (n == 0)
                break;
            read += n;
        }
        return read == data.Length ? data : data.AsSpan(0, read).ToArray();
    }

    private static byte[] ReadStream(Stream stream, string path, ImageLimits limits)
    {
        using var buffer = new MemoryStream();
        var chunk = new byte[ProbeBytes];
        bool probed = false;
        int n;
        while ((n = stream.Read(chunk, 0, chunk.Length)) > 0)
        {
            if (buffer.Length + n > limits.MaxStreamBytes)
                throw new ImageFileException(path, $"is not a regular file and sent more than {limits.MaxStreamBytes} bytes, the limit for such inputs");
            buffer.Write(chunk, 0, n);
            if (!probed && buffer.Length >= ProbeBytes)
            {
                probed = true;
                byte[] head = buffer.ToArray();
                if (Probe(head) is not { } size)
                    throw new ImageFileException(path, $"is not a regular file and its first {head.Length} bytes are not an image");
                limits.Check(size.Width, size.Height, path);
            }
        }
        return buffer.ToArray();
    }

    /// <summary>The size the header claims, or null when stb does not recognise the header.</summary>
    public static (int Width, int Height)? Probe(byte[] data)
    {
        // PNG's size is at a fixed place, and stb's own probe refuses sizes over 1 GiB without naming them.
        if (data.Length >= 24 && data[0] == 137 && data[1] == 80 && data[2] == 78 && data[3] == 71 && data[12] == 'I' && data[13] == 'H')
        {
            long w = BigEndian(data, 16), h = BigEndian(data, 20);
            return w > 0 && h > 0 && w <= int.MaxValue && h <= int.MaxValue ? ((int)w, (int)h) : null;
        }
        lock (DecodeGate)
        {
            try
            {
                using var stream = new MemoryStream(data, writable: false);
                ImageInfo? info = ImageInfo.FromStream(stream);
                return info is { } i && i.Width > 0 && i.Height > 0 ? (i.Width, i.Height) : null;
            }
            catch (Exception e) when (e is not OutOfMemoryException)
            {
                return null;   // the decoder then gives its own reason
            }
        }
    }

    private static long BigEndian(byte[] d, int at) => (long)d[at] << 24 | (long)d[at + 1] << 16 | (long)d[at + 2] << 8 | d[at + 3];

    /// <summary>Refuses data whose header claims a size over the limits, before the decoder allocates it.</summary>
    public static void CheckHeader(byte[] data, string name, ImageLimits limits)
    {
        if (Probe(data) is { } size)
            limits.Check(size.Width, size.Height, name);
    }

    /// <summary>
    /// A decoder's failure as text: stb keeps its reason in a fixed character buffer, so a message can be NUL padding
    /// with nothing before it.
    /// </summary>
    public static string Reason(string? message, string fallback)
    {
        string clean = new string((message ?? "").Where(c => !char.IsControl(c)).ToArray()).Trim();
        // stb's short reasons are fragments (a chunk type cut off, "IDA"): say what they are a symptom of.
        return clean.Length == 0 ? fallback : clean.Length < 8 ? $"{fallback}; the decoder stopped at '{clean}'" : clean;
    }
}

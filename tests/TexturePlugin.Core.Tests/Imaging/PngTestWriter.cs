using System.IO.Compression;
using System.Text;

namespace TexturePlugin.Core.Tests.Imaging;

/// <summary>
/// A minimal PNG encoder for tests: every colour type without a palette (grey 0, RGB 2, grey+alpha 4, RGBA 6) at
/// 8 or 16 bits, so the loader is tested against files it did not write itself.
/// </summary>
internal static class PngTestWriter
{
    private static readonly uint[] CrcTable = MakeCrcTable();

    /// <summary><paramref name="samples"/>: row-major, <c>channels</c> values per pixel, each below 2^depth.</summary>
    public static byte[] Encode(int width, int height, int colorType, int depth, int[] samples)
    {
        int channels = colorType switch { 0 => 1, 2 => 3, 4 => 2, 6 => 4, _ => throw new ArgumentOutOfRangeException(nameof(colorType)) };
        int bytesPerSample = depth / 8;
        if (samples.Length != width * height * channels)
            throw new ArgumentException("sample count does not match the size");
        var raw = new MemoryStream();
        for (int y = 0; y < height; y++)
        {
            raw.WriteByte(0); // filter: none
            for (int i = 0; i < width * channels; i++)
            {
                int v = samples[y * width * channels + i];
                if (bytesPerSample == 2)
                    raw.WriteByte((byte)(v >> 8));
                raw.WriteByte((byte)v);
            }
        }
        var compressed = new MemoryStream();
        using (var z = new ZLibStream(compressed, CompressionLevel.Optimal, leaveOpen: true))
            raw.WriteTo(z);

        var png = new MemoryStream();
        png.Write(new byte[] { 137, 80, 78, 71, 13, 10, 26, 10 });
        var ihdr = new byte[13];
        WriteBigEndian(ihdr, 0, (uint)width);
        WriteBigEndian(ihdr, 4, (uint)height);
        ihdr[8] = (byte)depth;
        ihdr[9] = (byte)colorType;
        Chunk(png, "IHDR", ihdr);
        Chunk(png, "IDAT", compressed.ToArray());
        Chunk(png, "IEND", Array.Empty<byte>());
        return png.ToArray();
    }

    private static void Chunk(Stream s, string type, byte[] data)
    {
        var len = new byte[4];
        WriteBigEndian(len, 0, (uint)data.Length);
        s.Write(len);
        byte[] typeBytes = Encoding.ASCII.GetBytes(type);
        s.Write(typeBytes);
        s.Write(data);
        uint crc = 0xFFFFFFFFu;
        foreach (byte b in typeBytes.Concat(data))
            crc = CrcTable[(crc ^ b) & 0xFF] ^ (crc >> 8);
        var crcBytes = new byte[4];
        WriteBigEndian(crcBytes, 0, crc ^ 0xFFFFFFFFu);
        s.Write(crcBytes);
    }

    private static void WriteBigEndian(byte[] b, int at, uint v)
    {
        b[at] = (byte)(v >> 24);
        b[at + 1] = (byte)(v >> 16);
        b[at + 2] = (byte)(v >> 8);
        b[at + 3] = (byte)v;
    }

    private static uint[] MakeCrcTable()
    {
        var t = new uint[256];
        for (uint n = 0; n < 256; n++)
        {
            uint c = n;
            for (int k = 0; k < 8; k++)
                c = (c & 1) != 0 ? 0xEDB88320u ^ (c >> 1) : c >> 1;
            t[n] = c;
        }
        return t;
    }
}

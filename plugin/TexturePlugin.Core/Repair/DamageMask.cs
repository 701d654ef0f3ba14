namespace TexturePlugin.Core.Repair;

/// <summary>
/// Which pixels of a texture are damaged: one byte per pixel, row-major, 1 = damaged, 0 = intact.
/// </summary>
public sealed class DamageMask
{
    /// <summary>Creates an all-intact mask.</summary>
    public DamageMask(int width, int height)
    {
        if (width <= 0 || height <= 0)
            throw new ArgumentOutOfRangeException(nameof(width), $"A mask needs a positive size, not {width}x{height}.");
        Width = width;
        Height = height;
        Bits = new byte[width * height];
    }

    /// <summary>Width in pixels.</summary>
    public int Width { get; }
    /// <summary>Height in pixels.</summary>
    public int Height { get; }
    /// <summary>One byte per pixel, 1 = damaged, 0 = intact.</summary>
    public byte[] Bits { get; }

    /// <summary>Whether pixel (x, y) is damaged.</summary>
    public bool this[int x, int y]
    {
        get => Bits[y * Width + x] != 0;
        set => Bits[y * Width + x] = value ? (byte)1 : (byte)0;
    }

    /// <summary>Number of damaged pixels.</summary>
    public int CountDamaged()
    {
        int n = 0;
        foreach (byte b in Bits)
            n += b != 0 ? 1 : 0;
        return n;
    }

    /// <summary>Marks a rectangle (clipped to the mask) as damaged.</summary>
    public void FillRect(int x, int y, int width, int height, bool damaged = true)
    {
        int x0 = Math.Max(0, x), y0 = Math.Max(0, y);
        int x1 = Math.Min(Width, x + width), y1 = Math.Min(Height, y + height);
        for (int yy = y0; yy < y1; yy++)
            Bits.AsSpan(yy * Width + x0, Math.Max(0, x1 - x0)).Fill(damaged ? (byte)1 : (byte)0);
    }

    /// <summary>A copy of this mask.</summary>
    public DamageMask Clone()
    {
        var m = new DamageMask(Width, Height);
        Bits.CopyTo(m.Bits, 0);
        return m;
    }

    /// <summary>
    /// The widest seam band (<see cref="SeamBand"/>) for a texture: a quarter of its smaller side, so that at least a
    /// quarter of the texture stays intact for the repair to copy from. A wider band would replace the whole texture.
    /// </summary>
    public static int MaxSeamHalfWidth(int width, int height) => Math.Max(1, Math.Min(width, height) / 4);

    /// <summary>
    /// The band across the wrap-around seams that make-tileable repairs: columns within
    /// <paramref name="halfWidth"/> of the left/right seam and rows within it of the top/bottom seam.
    /// </summary>
    /// <exception cref="TexturePluginException"><paramref name="halfWidth"/> is over <see cref="MaxSeamHalfWidth"/>.</exception>
    public static DamageMask SeamBand(int width, int height, int halfWidth)
    {
        if (halfWidth > MaxSeamHalfWidth(width, height))
            throw new TexturePluginException($"A seam band of {halfWidth} px on each side is wider than a {width}x{height} texture allows "
                + $"(at most {MaxSeamHalfWidth(width, height)} px, a quarter of its smaller side): it would leave nothing to repair from.");
        var m = new DamageMask(width, height);
        int bx = Math.Min(halfWidth, width / 2), by = Math.Min(halfWidth, height / 2);
        for (int y = 0; y < height; y++)
        {
            bool rowBand = y < by || y >= height - by;
            for (int x = 0; x < width; x++)
                if (rowBand || x < bx || x >= width - bx)
                    m.Bits[y * width + x] = 1;
        }
        return m;
    }
}

namespace TexturePlugin.Core.Synthesis;

/// <summary>
/// One tile of a large synthesis: the model runs on the window (core plus margin, in pixels, wrapping
/// around the texture), and only the core is kept. Core and margin are whole noise cells, so the window's
/// noise is exactly the matching part of the one-pass noise field.
/// </summary>
public readonly struct SynthesisTile
{
    internal SynthesisTile(int coreX, int coreY, int coreWidth, int coreHeight, int marginX, int marginY, int windowWidth, int windowHeight)
    {
        CoreX = coreX; CoreY = coreY; CoreWidth = coreWidth; CoreHeight = coreHeight;
        MarginX = marginX; MarginY = marginY; WindowWidth = windowWidth; WindowHeight = windowHeight;
    }

    /// <summary>Left column of the kept part in the texture.</summary>
    public int CoreX { get; }
    /// <summary>Top row of the kept part in the texture.</summary>
    public int CoreY { get; }
    /// <summary>Width of the kept part.</summary>
    public int CoreWidth { get; }
    /// <summary>Height of the kept part.</summary>
    public int CoreHeight { get; }
    /// <summary>Context columns on each side (0 when the window spans the whole width).</summary>
    public int MarginX { get; }
    /// <summary>Context rows on each side (0 when the window spans the whole height).</summary>
    public int MarginY { get; }
    /// <summary>Width of the window the model runs on.</summary>
    public int WindowWidth { get; }
    /// <summary>Height of the window the model runs on.</summary>
    public int WindowHeight { get; }
    /// <summary>Left column of the window (may be negative: it wraps).</summary>
    public int WindowX => CoreX - MarginX;
    /// <summary>Top row of the window (may be negative: it wraps).</summary>
    public int WindowY => CoreY - MarginY;

    /// <summary>
    /// Splits a <paramref name="width"/> x <paramref name="height"/> texture into tiles whose cores are at most
    /// <paramref name="maxCore"/> pixels on a side. One tile (no margin) when the texture fits.
    /// </summary>
    /// <param name="width">Texture width, a multiple of <paramref name="unit"/>.</param>
    /// <param name="height">Texture height, a multiple of <paramref name="unit"/>.</param>
    /// <param name="maxCore">Largest core side, rounded down to a multiple of <paramref name="unit"/>.</param>
    /// <param name="receptiveField">Pixels each side an output pixel depends on (the manifest's receptive_field).</param>
    /// <param name="unit">The noise cell and size multiple: core sides and margins are multiples of it.</param>
    /// <param name="parts">Tiles wanted at least (the lanes that will run them): when the size limit gives fewer, the
    /// rows are cut into more strips, as long as each strip keeps at least four margins of its own (a strip costs two
    /// margins of extra rows).</param>
    public static List<SynthesisTile> Plan(int width, int height, int maxCore, int receptiveField, int unit, int parts = 1)
    {
        if (unit < 1 || width % unit != 0 || height % unit != 0)
            throw new ArgumentException($"Texture {width}x{height} is not a multiple of {unit}.");
        int core = Math.Max(unit, maxCore / unit * unit);
        int margin = (receptiveField + unit - 1) / unit * unit;
        var tiles = new List<SynthesisTile>();
        var (xs, mx) = Split(width, core, margin, unit, 1);
        int rows = Math.Max(1, (parts + xs.Count - 1) / xs.Count);
        while (rows > 1 && height / rows < 4 * Math.Max(margin, unit))
            rows--;
        var (ys, my) = Split(height, core, margin, unit, rows);
        foreach (var (y0, h) in ys)
            foreach (var (x0, w) in xs)
                tiles.Add(new SynthesisTile(x0, y0, w, h, mx, my, w + 2 * mx, h + 2 * my));
        return tiles;
    }

    private static (List<(int Start, int Length)> Parts, int Margin) Split(int size, int core, int margin, int unit, int minCount)
    {
        var parts = new List<(int, int)>();
        int count = Math.Max((size + core - 1) / core, minCount);
        // The whole axis in one window needs no margin: the model's circular padding wraps it exactly.
        if (count <= 1)
        {
            parts.Add((0, size));
            return (parts, 0);
        }
        // Even split in whole units, so most tiles share one window size (one fixed-shape runner).
        int step = ((size + count - 1) / count + unit - 1) / unit * unit;
        for (int start = 0; start < size; start += step)
            parts.Add((start, Math.Min(step, size - start)));
        return (parts, margin);
    }
}

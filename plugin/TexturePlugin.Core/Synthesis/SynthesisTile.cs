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
    public static List<SynthesisTile> Plan(int width, int height, int maxCore, int receptiveField, int unit)
    {
        if (unit < 1 || width % unit != 0 || height % unit != 0)
            throw new ArgumentException($"Texture {width}x{height} is not a multiple of {unit}.");
        int core = Math.Max(unit, maxCore / unit * unit);
        int margin = (receptiveField + unit - 1) / unit * unit;
        var tiles = new List<SynthesisTile>();
        var (xs, mx) = Split(width, core, margin, unit);
        var (ys, my) = Split(height, core, margin, unit);
        foreach (var (y0, h) in ys)
            foreach (var (x0, w) in xs)
                tiles.Add(new SynthesisTile(x0, y0, w, h, mx, my, w + 2 * mx, h + 2 * my));
        return tiles;
    }

    private static (List<(int Start, int Length)> Parts, int Margin) Split(int size, int core, int margin, int unit)
    {
        var parts = new List<(int, int)>();
        // The whole axis in one window needs no margin: the model's circular padding wraps it exactly.
        if (size <= core)
        {
            parts.Add((0, size));
            return (parts, 0);
        }
        // Even split in whole units, so most tiles share one window size (one fixed-shape runner).
        int count = (size + core - 1) / core;
        int step = ((size + count - 1) / count + unit - 1) / unit * unit;
        for (int start = 0; start < size; start += step)
            parts.Add((start, Math.Min(step, size - start)));
        return (parts, margin);
    }
}

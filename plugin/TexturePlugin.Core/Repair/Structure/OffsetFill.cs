namespace TexturePlugin.Core.Repair.Structure;

/// <summary>
/// The structure fill (ARCHITECTURE.md, "The structure fill"): large damage is filled by copying the intact texture
/// along its dominant offsets (<see cref="OffsetStatistics"/>), one offset per cell (<see cref="OffsetLabeller"/>), so
/// rivets stay on their grid and joints in line at full resolution; <see cref="Blend"/> then takes the shading from the
/// repair network's fill and the detail from the copy. An instance keeps its buffers: one per engine lane.
/// </summary>
public sealed class OffsetFill
{
    private readonly OffsetStatistics _statistics;
    private readonly OffsetLabeller _labeller;
    private readonly (int Dy, int Dx)[] _offsets;
    private readonly float[] _kernel;
    private int[] _labels = Array.Empty<int>();
    private byte[] _work = Array.Empty<byte>();
    private float[] _diff = Array.Empty<float>(), _blur = Array.Empty<float>();

    /// <summary>Creates a fill with the given tuning (validated).</summary>
    public OffsetFill(StructureOptions options)
    {
        options.Validate();
        Options = options;
        _statistics = new OffsetStatistics(options);
        _labeller = new OffsetLabeller(options);
        _offsets = new (int, int)[options.Offsets];
        int radius = (int)Math.Ceiling(3 * options.Sigma);
        _kernel = new float[2 * radius + 1];
        double total = 0;
        for (int i = -radius; i <= radius; i++)
            total += Math.Exp(-0.5 * i * i / (options.Sigma * options.Sigma));
        for (int i = -radius; i <= radius; i++)
            _kernel[i + radius] = (float)(Math.Exp(-0.5 * i * i / (options.Sigma * options.Sigma)) / total);
    }

    /// <summary>The tuning.</summary>
    public StructureOptions Options { get; }

    /// <summary>The offsets the copies label with (pixels, best first).</summary>
    public ReadOnlySpan<(int Dy, int Dx)> Offsets => _offsets.AsSpan(0, OffsetCount);

    /// <summary>How many offsets there are.</summary>
    public int OffsetCount { get; private set; }

    /// <summary>The last <see cref="Copy"/>'s label per cell (row-major over the image's cells, which start half a cell
    /// past its corner), -1 = none.</summary>
    public ReadOnlySpan<int> Labels => _labels;

    /// <summary>
    /// Marks in <paramref name="target"/> the damaged pixels the fill is for and returns how many: those within
    /// <see cref="StructureOptions.MinDepth"/> + 1 px (chessboard) of a deep pixel, one whose every pixel within MinDepth
    /// is damaged. Thin damage (scratches) stays the network's alone: it does it well. Not wrapping.
    /// </summary>
    public int Target(ReadOnlySpan<byte> damaged, int width, int height, Span<byte> target)
    {
        int pixels = width * height, d = Options.MinDepth;
        if (_work.Length < pixels)
            _work = new byte[pixels];
        Span<byte> work = _work.AsSpan(0, pixels);
        Box(damaged, work, width, height, d, all: true, horizontal: true);
        Box(work, target, width, height, d, all: true, horizontal: false);
        Box(target, work, width, height, d + 1, all: false, horizontal: true);
        Box(work, target, width, height, d + 1, all: false, horizontal: false);
        int n = 0;
        for (int i = 0; i < pixels; i++)
        {
            target[i] = (byte)(target[i] != 0 && damaged[i] != 0 ? 1 : 0);
            n += target[i];
        }
        return n;
    }

    /// <summary>
    /// dst = 1 where all (or any) src pixels within <paramref name="r"/> along one axis are non-zero; outside the image
    /// counts as zero.
    /// </summary>
    private static void Box(ReadOnlySpan<byte> src, Span<byte> dst, int width, int height, int r, bool all, bool horizontal)
    {
        int lines = horizontal ? height : width, length = horizontal ? width : height;
        int step = horizontal ? 1 : width, lineStep = horizontal ? width : 1;
        for (int l = 0; l < lines; l++)
        {
            int o = l * lineStep, count = 0;
            for (int i = 0; i < Math.Min(r, length); i++)
                count += src[o + i * step] != 0 ? 1 : 0;
            for (int i = 0; i < length; i++)
            {
                if (i + r < length)
                    count += src[o + (i + r) * step] != 0 ? 1 : 0;
                if (i - r - 1 >= 0)
                    count -= src[o + (i - r - 1) * step] != 0 ? 1 : 0;
                dst[o + i * step] = (byte)(all ? (count == 2 * r + 1 ? 1 : 0) : (count > 0 ? 1 : 0));
            }
        }
    }

    /// <summary>
    /// Finds the dominant offsets of the <paramref name="width"/> x <paramref name="height"/> RGBA image (intact pixels
    /// only, wrapping around; sides multiples of the cell and the scale) around <paramref name="box"/>, the rectangle
    /// (which may wrap) where the damage to fill is, for the next <see cref="Copy"/> calls, and returns how many. One
    /// search serves every tile of a texture.
    /// </summary>
    public int FindOffsets(ReadOnlySpan<byte> rgba, ReadOnlySpan<byte> damaged, int width, int height, TileRect box)
    {
        CheckSize(width, height);
        return OffsetCount = _statistics.Find(rgba, damaged, width, height, box, _offsets);
    }

    /// <summary>Uses <paramref name="offsets"/> (found by another fill's <see cref="FindOffsets"/>) for the next copies.</summary>
    public void UseOffsets(ReadOnlySpan<(int Dy, int Dx)> offsets)
    {
        int n = Math.Min(offsets.Length, _offsets.Length);
        offsets.Slice(0, n).CopyTo(_offsets);
        OffsetCount = n;
    }

    /// <summary>
    /// Copies the texture along the current offsets into the pixels of <paramref name="fill"/> (a rectangle of the image
    /// that may wrap around) marked in <paramref name="target"/> (one byte per pixel of the rectangle; see
    /// <see cref="Target"/>). The whole <paramref name="width"/> x <paramref name="height"/> RGBA image, wrapping around,
    /// provides the sources. <paramref name="copy"/> (RGBA) and <paramref name="has"/> (1 byte per pixel) cover the
    /// rectangle: a target pixel gets the mean of what the offsets of the labelled cells within
    /// <see cref="StructureOptions.Feather"/> px copy to it from intact pixels (its own cell's copy, away from cuts) and
    /// has = 1; a pixel with no such copy, and every other pixel, has = 0. Returns how many pixels were copied.
    /// </summary>
    public int Copy(ReadOnlySpan<byte> rgba, ReadOnlySpan<byte> damaged, int width, int height, TileRect fill,
        ReadOnlySpan<byte> target, Span<byte> copy, Span<byte> has)
    {
        CheckSize(width, height);
        int c = Options.Cell, fw = fill.Width, fh = fill.Height;
        has.Slice(0, fw * fh).Clear();
        int cells = width / c * (height / c);
        if (_labels.Length != cells)
            _labels = new int[cells];
        _labeller.Label(rgba, damaged, width, height, fill, target, Offsets, _labels);
        int copied = 0, f = Options.Feather;
        for (int j = 0; j < fh; j++)
        {
            int y = DirtyTiles.Mod(fill.Y + j, height);
            for (int i = 0; i < fw; i++)
            {
                if (target[j * fw + i] == 0)
                    continue;
                int x = DirtyTiles.Mod(fill.X + i, width);
                // the copies of the labelled cells within Feather px, averaged: a plain copy inside a cell, a blend across cuts
                int r = 0, g = 0, b = 0, a = 0, n = 0;
                for (int dy = -f; dy <= f; dy++)
                    for (int dx = -f; dx <= f; dx++)
                    {
                        int sx = DirtyTiles.Mod(x + dx, width), sy = DirtyTiles.Mod(y + dy, height);
                        int label = _labels[OffsetLabeller.CellOf(sx, sy, width, height, c)];
                        if (label < 0)
                            continue;
                        var (oy, ox) = _offsets[label];
                        int q = DirtyTiles.Mod(y + oy, height) * width + DirtyTiles.Mod(x + ox, width);
                        if (damaged[q] != 0)
                            continue;
                        r += rgba[q * 4];
                        g += rgba[q * 4 + 1];
                        b += rgba[q * 4 + 2];
                        a += rgba[q * 4 + 3];
                        n++;
                    }
                if (n == 0)
                    continue;
                int o = (j * fw + i) * 4;
                copy[o] = (byte)((r + n / 2) / n);
                copy[o + 1] = (byte)((g + n / 2) / n);
                copy[o + 2] = (byte)((b + n / 2) / n);
                copy[o + 3] = (byte)((a + n / 2) / n);
                has[j * fw + i] = 1;
                copied++;
            }
        }
        return copied;
    }

    /// <summary>True when a texture of this size can take the fill: sides that are multiples of the cell and the scale.</summary>
    public bool Fits(int width, int height) =>
        width > 0 && height > 0 && width % Options.Cell == 0 && height % Options.Cell == 0 && width % Options.Scale == 0 && height % Options.Scale == 0;

    private void CheckSize(int width, int height)
    {
        if (!Fits(width, height))
            throw new ArgumentException($"The structure fill needs sides that are multiples of {Options.Cell} and {Options.Scale}, not {width}x{height}.");
    }

    /// <summary>
    /// In place on <paramref name="repaired"/> (the network's fill, RGBA, <paramref name="width"/> x
    /// <paramref name="height"/>): where <paramref name="has"/> is set, the copy plus the low-pass (Gaussian,
    /// <see cref="StructureOptions.Sigma"/>) of the network's difference from the copy, which is zero elsewhere. The copy
    /// keeps the layout and the detail; the network's low frequencies match the shading to the surroundings. Alpha
    /// comes from the copy.
    /// </summary>
    public void Blend(Span<byte> repaired, ReadOnlySpan<byte> copy, ReadOnlySpan<byte> has, int width, int height)
    {
        int pixels = width * height, radius = _kernel.Length / 2;
        int x0 = width, y0 = height, x1 = -1, y1 = -1;
        for (int i = 0; i < pixels; i++)
            if (has[i] != 0)
                (x0, y0, x1, y1) = (Math.Min(x0, i % width), Math.Min(y0, i / width), Math.Max(x1, i % width), Math.Max(y1, i / width));
        if (x1 < 0)
            return;
        // Only the copied pixels' box (and its reach) matters: the difference is zero outside.
        int rx0 = Math.Max(0, x0 - radius), rx1 = Math.Min(width - 1, x1 + radius);
        if (_diff.Length < pixels * 3)
        {
            _diff = new float[pixels * 3];
            _blur = new float[pixels * 3];
        }
        for (int y = y0; y <= y1; y++)
            for (int x = rx0; x <= rx1; x++)
            {
                int i = y * width + x;
                for (int ch = 0; ch < 3; ch++)
                    _diff[ch * pixels + i] = has[i] != 0 ? repaired[i * 4 + ch] - copy[i * 4 + ch] : 0f;
            }
        // rows into _blur (rows y0..y1, the only ones with a difference), then columns at the copied pixels
        for (int ch = 0; ch < 3; ch++)
        {
            int o = ch * pixels;
            for (int y = Math.Max(0, y0 - radius); y <= Math.Min(height - 1, y1 + radius); y++)
                for (int x = x0; x <= x1; x++)
                {
                    float sum = 0;
                    if (y >= y0 && y <= y1)
                        for (int k = Math.Max(-radius, rx0 - x); k <= Math.Min(radius, rx1 - x); k++)
                            sum += _kernel[k + radius] * _diff[o + y * width + x + k];
                    _blur[o + y * width + x] = sum;
                }
            for (int y = y0; y <= y1; y++)
                for (int x = x0; x <= x1; x++)
                {
                    if (has[y * width + x] == 0)
                        continue;
                    float sum = 0;
                    for (int k = Math.Max(-radius, -y); k <= Math.Min(radius, height - 1 - y); k++)
                        sum += _kernel[k + radius] * _blur[o + (y + k) * width + x];
                    int v = (int)Math.Floor(copy[(y * width + x) * 4 + ch] + sum + 0.5f);
                    repaired[(y * width + x) * 4 + ch] = (byte)(v < 0 ? 0 : v > 255 ? 255 : v);
                }
        }
        for (int i = 0; i < pixels; i++)
            if (has[i] != 0)
                repaired[i * 4 + 3] = copy[i * 4 + 3];
    }
}

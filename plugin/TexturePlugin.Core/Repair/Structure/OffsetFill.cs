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

    /// <summary>The offsets the last <see cref="Copy"/> labelled with (pixels, best first).</summary>
    public ReadOnlySpan<(int Dy, int Dx)> Offsets => _offsets.AsSpan(0, OffsetCount);

    /// <summary>How many offsets the last <see cref="Copy"/> found.</summary>
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
    /// Copies the texture into the damage inside <paramref name="fill"/> (a rectangle of the image, not wrapping). The
    /// whole <paramref name="width"/> x <paramref name="height"/> RGBA image (multiples of the cell and the scale,
    /// wrapping around) provides the statistics and the sources. <paramref name="copy"/> (RGBA) and
    /// <paramref name="has"/> (1 byte per pixel) cover the fill rectangle; a damaged pixel whose cell has an offset to an
    /// intact pixel gets that pixel and has = 1, every other pixel has = 0. Only pixels marked in <paramref name="target"/>
    /// (covering the fill rectangle; see <see cref="Target"/>) are filled. Returns how many pixels were copied.
    /// </summary>
    public int Copy(ReadOnlySpan<byte> rgba, ReadOnlySpan<byte> damaged, int width, int height, TileRect fill,
        ReadOnlySpan<byte> target, Span<byte> copy, Span<byte> has)
    {
        int c = Options.Cell, fw = fill.Width, fh = fill.Height;
        if (width % c != 0 || height % c != 0 || width % Options.Scale != 0 || height % Options.Scale != 0)
            throw new ArgumentException($"The structure fill needs a size that is a multiple of {c} and {Options.Scale}, not {width}x{height}.");
        if (fill.X < 0 || fill.Y < 0 || fill.X + fw > width || fill.Y + fh > height)
            throw new ArgumentException($"The fill rectangle {fill} must lie inside {width}x{height}.");
        has.Slice(0, fw * fh).Clear();
        int x0 = int.MaxValue, y0 = int.MaxValue, x1 = -1, y1 = -1;
        for (int y = fill.Y; y < fill.Y + fh; y++)
            for (int x = fill.X; x < fill.X + fw; x++)
                if (target[(y - fill.Y) * fw + x - fill.X] != 0)
                    (x0, y0, x1, y1) = (Math.Min(x0, x), Math.Min(y0, y), Math.Max(x1, x), Math.Max(y1, y));
        OffsetCount = 0;
        if (x1 < 0)
            return 0;
        OffsetCount = _statistics.Find(rgba, damaged, width, height, new TileRect(x0, y0, x1 - x0 + 1, y1 - y0 + 1), _offsets);
        int cw = width / c, cells = cw * (height / c);
        if (_labels.Length != cells)
            _labels = new int[cells];
        _labeller.Label(rgba, damaged, width, height, fill, target, Offsets, _labels);
        int copied = 0;
        for (int j = 0; j < fh; j++)
        {
            int y = fill.Y + j;
            for (int i = 0; i < fw; i++)
            {
                int x = fill.X + i, label = _labels[OffsetLabeller.CellOf(x, y, width, height, c)];
                if (target[j * fw + i] == 0 || label < 0)
                    continue;
                var (dy, dx) = _offsets[label];
                int q = OffsetStatistics.Wrap(y + dy, height) * width + OffsetStatistics.Wrap(x + dx, width);
                if (damaged[q] != 0)
                    continue;
                rgba.Slice(q * 4, 4).CopyTo(copy.Slice((j * fw + i) * 4, 4));
                has[j * fw + i] = 1;
                copied++;
            }
        }
        return copied;
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
        if (_diff.Length < pixels * 3)
        {
            _diff = new float[pixels * 3];
            _blur = new float[pixels * 3];
        }
        for (int i = 0; i < pixels; i++)
            for (int ch = 0; ch < 3; ch++)
                _diff[ch * pixels + i] = has[i] != 0 ? repaired[i * 4 + ch] - copy[i * 4 + ch] : 0f;
        // rows into _blur, then columns back into _diff (zero outside the image)
        for (int ch = 0; ch < 3; ch++)
        {
            int o = ch * pixels;
            for (int y = 0; y < height; y++)
                for (int x = 0; x < width; x++)
                {
                    float sum = 0;
                    for (int k = Math.Max(-radius, -x); k <= Math.Min(radius, width - 1 - x); k++)
                        sum += _kernel[k + radius] * _diff[o + y * width + x + k];
                    _blur[o + y * width + x] = sum;
                }
            for (int y = 0; y < height; y++)
                for (int x = 0; x < width; x++)
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

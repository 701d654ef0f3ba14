namespace TexturePlugin.Core.Repair.Structure;

/// <summary>
/// Step 2 of the structure fill (ARCHITECTURE.md, "The structure fill"): every cell with damage to fill takes one of the
/// dominant offsets, so that the copy agrees with the intact pixels around and inside the cell (data cost) and with
/// the copies of its neighbours along their shared edge (pair cost). Labelled ring by ring from the intact cells, then
/// re-labelled in sweeps (iterated conditional modes). Exact integer costs; ties go to the lower label.
/// </summary>
internal sealed class OffsetLabeller
{
    /// <summary>The cost of one pixel comparison that cannot be made because a source is damaged.</summary>
    public const long Invalid = 3 * 255 * 255;

    private readonly StructureOptions _options;
    private long[] _data = Array.Empty<long>();    // per variable and label
    private int[] _variable = Array.Empty<int>();  // per cell: its variable index, -1 = not a variable
    private int[] _cells = Array.Empty<int>();     // variables in labelling order
    private int[] _ring = Array.Empty<int>();
    private int[] _next = Array.Empty<int>();

    public OffsetLabeller(StructureOptions options) => _options = options;

    /// <summary>
    /// Labels the cells (<see cref="StructureOptions.Cell"/> px, from half a cell past the image's corner, wrapping) that
    /// hold a pixel to fill:
    /// <paramref name="target"/> covers <paramref name="fill"/> (a rectangle inside the image, not wrapping), one byte
    /// per pixel, non-zero = fill (damaged pixels only). <paramref name="labels"/> gets one entry per cell: the offset index, or -1.
    /// Width and height must be multiples of the cell.
    /// </summary>
    public void Label(ReadOnlySpan<byte> rgba, ReadOnlySpan<byte> damaged, int width, int height, TileRect fill,
        ReadOnlySpan<byte> target, ReadOnlySpan<(int Dy, int Dx)> offsets, Span<int> labels)
    {
        int c = _options.Cell, cw = width / c, ch = height / c, cells = cw * ch, k = offsets.Length;
        labels.Slice(0, cells).Fill(-1);
        Ensure(ref _variable, cells);
        Ensure(ref _ring, cells);
        Ensure(ref _next, cells);
        Ensure(ref _cells, cells);
        int vars = 0;
        for (int cell = 0; cell < cells; cell++)
        {
            _variable[cell] = -1;
            int y0 = cell / cw * c + Origin(c), x0 = cell % cw * c + Origin(c);
            for (int j = 0; j < c && _variable[cell] < 0; j++)
            {
                int y = Wrap(y0 + j, height) - fill.Y;
                if (y < 0 || y >= fill.Height)
                    continue;
                for (int i = 0; i < c; i++)
                {
                    int x = Wrap(x0 + i, width) - fill.X;
                    if (x >= 0 && x < fill.Width && target[y * fill.Width + x] != 0)
                    {
                        _variable[cell] = vars++;
                        break;
                    }
                }
            }
        }
        if (vars == 0 || k == 0)
            return;

        // Rings: chessboard distance (wrap-around) from the cells that are not variables.
        for (int cell = 0; cell < cells; cell++)
            _ring[cell] = _variable[cell] < 0 ? 0 : -1;
        for (int r = 1, left = vars; left > 0; r++)
        {
            int grown = 0;
            for (int cell = 0; cell < cells; cell++)
            {
                _next[cell] = _ring[cell];
                if (_ring[cell] >= 0)
                    continue;
                int cy = cell / cw, cx = cell % cw;
                bool near = r > cw + ch;
                for (int dy = -1; dy <= 1 && !near; dy++)
                    for (int dx = -1; dx <= 1 && !near; dx++)
                        near = _ring[Wrap(cy + dy, ch) * cw + Wrap(cx + dx, cw)] == r - 1;
                if (near)
                {
                    _next[cell] = r;
                    grown++;
                }
            }
            Array.Copy(_next, _ring, cells);
            left -= grown;
        }
        int n = 0;
        for (int r = 1; n < vars; r++)
            for (int cell = 0; cell < cells; cell++)
                if (_ring[cell] == r)
                    _cells[n++] = cell;

        Ensure(ref _data, vars * k);
        for (int v = 0; v < vars; v++)
        {
            int cell = _cells[v];
            for (int l = 0; l < k; l++)
                _data[_variable[cell] * k + l] = DataCost(rgba, damaged, width, height, cell % cw * c + Origin(c), cell / cw * c + Origin(c), offsets[l]);
        }

        for (int pass = 0; pass <= _options.Sweeps; pass++)
            for (int v = 0; v < vars; v++)
            {
                int cell = _cells[v], cy = cell / cw, cx = cell % cw;
                long best = long.MaxValue;
                int choice = -1;
                for (int l = 0; l < k; l++)
                {
                    long cost = _data[_variable[cell] * k + l];
                    cost += Neighbour(rgba, damaged, width, height, labels, offsets, l, cx, cy, cx, Wrap(cy - 1, ch), cw);
                    cost += Neighbour(rgba, damaged, width, height, labels, offsets, l, cx, cy, cx, Wrap(cy + 1, ch), cw);
                    cost += Neighbour(rgba, damaged, width, height, labels, offsets, l, cx, cy, Wrap(cx - 1, cw), cy, cw);
                    cost += Neighbour(rgba, damaged, width, height, labels, offsets, l, cx, cy, Wrap(cx + 1, cw), cy, cw);
                    if (cost < best)
                        (best, choice) = (cost, l);
                }
                labels[cell] = choice;
            }
    }

    private long Neighbour(ReadOnlySpan<byte> rgba, ReadOnlySpan<byte> damaged, int width, int height, Span<int> labels,
        ReadOnlySpan<(int Dy, int Dx)> offsets, int label, int ax, int ay, int bx, int by, int cw)
    {
        int other = labels[by * cw + bx];
        if ((ax == bx && ay == by) || _variable[by * cw + bx] < 0 || other < 0 || other == label)
            return 0;
        return PairCost(rgba, damaged, width, height, _options.Cell, ax, ay, bx, by, offsets[label], offsets[other]);
    }

    /// <summary>Squared difference of the copy and the truth on the intact pixels of the cell grown by the rim.</summary>
    private long DataCost(ReadOnlySpan<byte> rgba, ReadOnlySpan<byte> damaged, int width, int height, int x0, int y0, (int Dy, int Dx) d)
    {
        int c = _options.Cell, rim = _options.Rim;
        long cost = 0;
        for (int j = -rim; j < c + rim; j++)
        {
            int y = Wrap(y0 + j, height), sy = Wrap(y + d.Dy, height);
            bool inside = j >= 0 && j < c;
            for (int i = -rim; i < c + rim; i++)
            {
                int x = Wrap(x0 + i, width), p = y * width + x, q = sy * width + Wrap(x + d.Dx, width);
                bool sourceDamaged = damaged[q] != 0;
                if (damaged[p] == 0)
                    cost += sourceDamaged ? Invalid : Square(rgba, p, q);
                else if (inside && i >= 0 && i < c && sourceDamaged)
                    cost += Invalid;
            }
        }
        return cost;
    }

    /// <summary>
    /// Squared difference of the two copies (offsets <paramref name="a"/> and <paramref name="b"/>) on the two pixel
    /// lines along the shared edge of 4-neighbour cells (ax, ay) and (bx, by).
    /// </summary>
    internal static long PairCost(ReadOnlySpan<byte> rgba, ReadOnlySpan<byte> damaged, int width, int height, int c,
        int ax, int ay, int bx, int by, (int Dy, int Dx) a, (int Dy, int Dx) b)
    {
        int cw = width / c, ch = height / c;
        long cost = 0;
        for (int line = 0; line < 2; line++)
            for (int t = 0; t < c; t++)
            {
                int x, y;
                if (ay == by)
                {
                    int left = Wrap(ax + 1, cw) == bx ? ax : bx;
                    x = Wrap(left * c + c - 1 + line + Origin(c), width);
                    y = Wrap(ay * c + t + Origin(c), height);
                }
                else
                {
                    int top = Wrap(ay + 1, ch) == by ? ay : by;
                    y = Wrap(top * c + c - 1 + line + Origin(c), height);
                    x = Wrap(ax * c + t + Origin(c), width);
                }
                int p = Wrap(y + a.Dy, height) * width + Wrap(x + a.Dx, width);
                int q = Wrap(y + b.Dy, height) * width + Wrap(x + b.Dx, width);
                cost += damaged[p] != 0 || damaged[q] != 0 ? Invalid : Square(rgba, p, q);
            }
        return cost;
    }

    /// <summary>
    /// Cells start half a cell from the image's corner, so the wrap-around line runs through the middle of cells: a seam
    /// band across it (make-tileable) is copied across the line by one offset, without a cut on it.
    /// </summary>
    internal static int Origin(int cell) => cell / 2;

    /// <summary>The cell (row-major, cells from <see cref="Origin"/>) that holds pixel (x, y).</summary>
    internal static int CellOf(int x, int y, int width, int height, int cell) =>
        Wrap(y - Origin(cell), height) / cell * (width / cell) + Wrap(x - Origin(cell), width) / cell;

    private static long Square(ReadOnlySpan<byte> rgba, int p, int q)
    {
        int dr = rgba[p * 4] - rgba[q * 4], dg = rgba[p * 4 + 1] - rgba[q * 4 + 1], db = rgba[p * 4 + 2] - rgba[q * 4 + 2];
        return dr * dr + dg * dg + db * db;
    }

    private static int Wrap(int a, int n) => OffsetStatistics.Wrap(a, n);

    private static void Ensure(ref int[] a, int n)
    {
        if (a.Length < n)
            a = new int[n];
    }

    private static void Ensure(ref long[] a, int n)
    {
        if (a.Length < n)
            a = new long[n];
    }
}

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
    private int[] _variable = Array.Empty<int>();  // per cell of the image: its variable index, -1 = not a variable
    private int[] _cells = Array.Empty<int>();     // per variable: its cell (in labelling order once sorted)
    private int[] _ring = Array.Empty<int>();      // per variable (before sorting)
    private int[] _next = Array.Empty<int>();
    private long[] _order = Array.Empty<long>();   // ring * cells + cell, sorted
    private int _previous;                         // variables of the last call, whose marks the next call undoes

    public OffsetLabeller(StructureOptions options) => _options = options;

    /// <summary>
    /// Labels the cells (<see cref="StructureOptions.Cell"/> px, from half a cell past the image's corner, wrapping) that
    /// hold a pixel to fill: <paramref name="target"/> covers <paramref name="fill"/> (a rectangle of the image that may
    /// wrap around), one byte per pixel, non-zero = fill (damaged pixels only). <paramref name="labels"/> has one entry
    /// per cell: the offset index, or -1 (every cell this call does not label). Width and height must be multiples of
    /// the cell. Work is in proportion to the fill rectangle, not the image.
    /// </summary>
    public void Label(ReadOnlySpan<byte> rgba, ReadOnlySpan<byte> damaged, int width, int height, TileRect fill,
        ReadOnlySpan<byte> target, ReadOnlySpan<(int Dy, int Dx)> offsets, Span<int> labels)
    {
        int c = _options.Cell, cw = width / c, ch = height / c, cells = cw * ch, k = offsets.Length;
        if (_variable.Length != cells)
        {
            _variable = new int[cells];
            _variable.AsSpan().Fill(-1);
            labels.Slice(0, cells).Fill(-1);
            _previous = 0;
        }
        for (int v = 0; v < _previous; v++)   // undo the last call's marks only
        {
            _variable[_cells[v]] = -1;
            labels[_cells[v]] = -1;
        }
        int vars = 0;
        for (int j = 0; j < fill.Height; j++)
            for (int i = 0; i < fill.Width; i++)
            {
                if (target[j * fill.Width + i] == 0)
                    continue;
                int cell = CellOf(fill.X + i, fill.Y + j, width, height, c);
                if (_variable[cell] >= 0)
                    continue;
                Buffers.Grow(ref _cells, vars + 1, keep: true);
                _variable[cell] = vars;
                _cells[vars++] = cell;
            }
        _previous = vars;
        if (vars == 0 || k == 0)
            return;

        // Rings: chessboard distance (wrap-around) from the cells that are not variables; then order by (ring, cell).
        Buffers.Grow(ref _ring, vars);
        Buffers.Grow(ref _next, vars);
        _ring.AsSpan(0, vars).Fill(-1);
        for (int r = 1, left = vars; left > 0; r++)
        {
            for (int v = 0; v < vars; v++)
            {
                _next[v] = _ring[v];
                if (_ring[v] >= 0)
                    continue;
                int cell = _cells[v], cy = cell / cw, cx = cell % cw;
                bool near = r > cw + ch;
                for (int dy = -1; dy <= 1 && !near; dy++)
                    for (int dx = -1; dx <= 1 && !near; dx++)
                    {
                        int other = _variable[DirtyTiles.Mod(cy + dy, ch) * cw + DirtyTiles.Mod(cx + dx, cw)];
                        near = r == 1 ? other < 0 : other >= 0 && _ring[other] == r - 1;
                    }
                if (near)
                {
                    _next[v] = r;
                    left--;
                }
            }
            Array.Copy(_next, _ring, vars);
        }
        Buffers.Grow(ref _order, vars);
        for (int v = 0; v < vars; v++)
            _order[v] = (long)_ring[v] * cells + _cells[v];
        Array.Sort(_order, 0, vars);
        for (int v = 0; v < vars; v++)
        {
            _cells[v] = (int)(_order[v] % cells);
            _variable[_cells[v]] = v;
        }

        Buffers.Grow(ref _data, vars * k);
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
                    cost += Neighbour(rgba, damaged, width, height, labels, offsets, l, cx, cy, cx, DirtyTiles.Mod(cy - 1, ch), cw);
                    cost += Neighbour(rgba, damaged, width, height, labels, offsets, l, cx, cy, cx, DirtyTiles.Mod(cy + 1, ch), cw);
                    cost += Neighbour(rgba, damaged, width, height, labels, offsets, l, cx, cy, DirtyTiles.Mod(cx - 1, cw), cy, cw);
                    cost += Neighbour(rgba, damaged, width, height, labels, offsets, l, cx, cy, DirtyTiles.Mod(cx + 1, cw), cy, cw);
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
        int sx0 = x0 - rim + d.Dx, sy0 = y0 - rim + d.Dy, side = c + 2 * rim;
        if (x0 - rim >= 0 && y0 - rim >= 0 && x0 + c + rim <= width && y0 + c + rim <= height
            && sx0 >= 0 && sy0 >= 0 && sx0 + side <= width && sy0 + side <= height)
            return DataCostInside(rgba, damaged, width, x0, y0, d.Dy * width + d.Dx);
        long cost = 0;
        for (int j = -rim; j < c + rim; j++)
        {
            int y = DirtyTiles.Mod(y0 + j, height), sy = DirtyTiles.Mod(y + d.Dy, height);
            bool inside = j >= 0 && j < c;
            for (int i = -rim; i < c + rim; i++)
            {
                int x = DirtyTiles.Mod(x0 + i, width), p = y * width + x, q = sy * width + DirtyTiles.Mod(x + d.Dx, width);
                bool sourceDamaged = damaged[q] != 0;
                if (damaged[p] == 0)
                    cost += sourceDamaged ? Invalid : Square(rgba, p, q);
                else if (inside && i >= 0 && i < c && sourceDamaged)
                    cost += Invalid;
            }
        }
        return cost;
    }

    /// <summary><see cref="DataCost"/> where neither the grown cell nor its source crosses the image's edge.</summary>
    private long DataCostInside(ReadOnlySpan<byte> rgba, ReadOnlySpan<byte> damaged, int width, int x0, int y0, int shift)
    {
        int c = _options.Cell, rim = _options.Rim;
        long cost = 0;
        for (int j = -rim; j < c + rim; j++)
        {
            bool insideRow = j >= 0 && j < c;
            int p = (y0 + j) * width + x0 - rim;
            for (int i = -rim; i < c + rim; i++, p++)
            {
                int q = p + shift;
                bool sourceDamaged = damaged[q] != 0;
                if (damaged[p] == 0)
                    cost += sourceDamaged ? Invalid : Square(rgba, p, q);
                else if (insideRow && i >= 0 && i < c && sourceDamaged)
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
                    int left = DirtyTiles.Mod(ax + 1, cw) == bx ? ax : bx;
                    x = DirtyTiles.Mod(left * c + c - 1 + line + Origin(c), width);
                    y = DirtyTiles.Mod(ay * c + t + Origin(c), height);
                }
                else
                {
                    int top = DirtyTiles.Mod(ay + 1, ch) == by ? ay : by;
                    y = DirtyTiles.Mod(top * c + c - 1 + line + Origin(c), height);
                    x = DirtyTiles.Mod(ax * c + t + Origin(c), width);
                }
                int p = DirtyTiles.Mod(y + a.Dy, height) * width + DirtyTiles.Mod(x + a.Dx, width);
                int q = DirtyTiles.Mod(y + b.Dy, height) * width + DirtyTiles.Mod(x + b.Dx, width);
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
        DirtyTiles.Mod(y - Origin(cell), height) / cell * (width / cell) + DirtyTiles.Mod(x - Origin(cell), width) / cell;

    private static long Square(ReadOnlySpan<byte> rgba, int p, int q)
    {
        int dr = rgba[p * 4] - rgba[q * 4], dg = rgba[p * 4 + 1] - rgba[q * 4 + 1], db = rgba[p * 4 + 2] - rgba[q * 4 + 2];
        return dr * dr + dg * dg + db * db;
    }
}

namespace TexturePlugin.Core.Repair.Structure;

/// <summary>
/// Step 1 of the structure fill (ARCHITECTURE.md, "The structure fill"): the dominant offsets of the intact texture
/// around the damage, after He and Sun's statistics of patch offsets. Regular textures (rivet grids, brick courses,
/// planks) repeat along a few offsets; copying along them continues the layout into the damage.
/// Integer arithmetic throughout, so the result does not depend on summation order. An instance keeps its buffers.
/// </summary>
internal sealed class OffsetStatistics
{
    private readonly StructureOptions _options;
    private int[] _sum = Array.Empty<int>();        // per block and channel: pixel sum (fully intact blocks only)
    private byte[] _known = Array.Empty<byte>();    // per block: 1 when every pixel is intact
    private int[] _positions = Array.Empty<int>();  // known blocks of the surround on the statistics grid, row-major
    private long[] _num = Array.Empty<long>();
    private int[] _count = Array.Empty<int>();
    private int[] _columns = Array.Empty<int>();    // per dx: the wrapped block column of the current position
    private int[] _pixels = Array.Empty<int>();     // intact pixels of the surround on the refinement grid (y * width + x)
    private readonly int[] _bestIndex;
    private readonly long[] _bestNum;
    private readonly int[] _bestCount;

    public OffsetStatistics(StructureOptions options)
    {
        _options = options;
        _bestIndex = new int[options.Offsets];
        _bestNum = new long[options.Offsets];
        _bestCount = new int[options.Offsets];
    }

    /// <summary>
    /// Finds up to <see cref="StructureOptions.Offsets"/> offsets (pixels, signed, best first) of the
    /// <paramref name="width"/> x <paramref name="height"/> image (wrapping around) into <paramref name="offsets"/> and
    /// returns how many. The statistics look at the surround: <paramref name="box"/> (where the damage is; it may wrap)
    /// grown by <see cref="StructureOptions.Surround"/>. The image's sides must be multiples of the scale.
    /// </summary>
    public int Find(ReadOnlySpan<byte> rgba, ReadOnlySpan<byte> damaged, int width, int height, TileRect box, Span<(int Dy, int Dx)> offsets)
    {
        int s = _options.Scale, lw = width / s, lh = height / s;
        BlockSums(rgba, damaged, width, lw, lh);
        var (bx0, bxn) = Span(box.X, box.Width, lw);
        var (by0, byn) = Span(box.Y, box.Height, lh);
        int p = 0;
        Buffers.Grow(ref _positions, bxn * byn);
        int step = _options.StatisticsStep;
        while ((long)((bxn + step - 1) / step) * ((byn + step - 1) / step) > _options.MaxPositions)
            step++;
        for (int j = 0; j < byn; j += step)
            for (int i = 0; i < bxn; i += step)
            {
                int b = DirtyTiles.Mod(by0 + j, lh) * lw + DirtyTiles.Mod(bx0 + i, lw);
                if (_known[b] != 0)
                    _positions[p++] = b;
            }
        if (p == 0)
            return 0;

        int ry = Math.Min(_options.Reach / s, lh / 2), rx = Math.Min(_options.Reach / s, lw / 2);
        int sw = 2 * rx + 1, sh = 2 * ry + 1;
        if (ry < _options.MinOffset && rx < _options.MinOffset)
            return 0;
        Buffers.Grow(ref _num, sw * sh);
        Buffers.Grow(ref _count, sw * sh);
        Array.Clear(_num, 0, sw * sh);
        Array.Clear(_count, 0, sw * sh);
        Buffers.Grow(ref _columns, sw);
        for (int q = 0; q < p; q++)
        {
            int b = _positions[q], by = b / lw, bx = b - by * lw;
            int r0 = _sum[b * 3], g0 = _sum[b * 3 + 1], b0 = _sum[b * 3 + 2];
            for (int dx = -rx; dx <= rx; dx++)
                _columns[dx + rx] = DirtyTiles.Mod(bx + dx, lw);
            for (int dy = -ry; dy <= ry; dy++)
            {
                int row = DirtyTiles.Mod(by + dy, lh) * lw, o = (dy + ry) * sw;
                for (int i = 0; i < sw; i++)
                {
                    int t = row + _columns[i];
                    if (_known[t] == 0)
                        continue;
                    int dr = r0 - _sum[t * 3], dg = g0 - _sum[t * 3 + 1], db = b0 - _sum[t * 3 + 2];
                    _num[o + i] += (long)dr * dr + (long)dg * dg + (long)db * db;
                    _count[o + i]++;
                }
            }
        }

        // The lowest local minima (no valid 8-neighbour strictly lower) at least MinOffset blocks long.
        int found = 0;
        for (int dy = -ry; dy <= ry; dy++)
            for (int dx = -rx; dx <= rx; dx++)
            {
                int k = (dy + ry) * sw + dx + rx;
                if (Math.Max(Math.Abs(dy), Math.Abs(dx)) < _options.MinOffset || !Valid(k, p))
                    continue;
                bool minimum = true;
                for (int ny = Math.Max(-ry, dy - 1); ny <= Math.Min(ry, dy + 1) && minimum; ny++)
                    for (int nx = Math.Max(-rx, dx - 1); nx <= Math.Min(rx, dx + 1); nx++)
                    {
                        int n = (ny + ry) * sw + nx + rx;
                        if (n != k && Valid(n, p) && Less(n, k))
                        {
                            minimum = false;
                            break;
                        }
                    }
                if (minimum)
                    found = Insert(k, found);
            }

        // Each to the best full-resolution offset within Refine pixels, on the intact pixels of the refinement grid.
        int pixels = SamplePixels(damaged, width, height, bx0 * s, bxn * s, by0 * s, byn * s);
        int n2 = 0, r = _options.Refine;
        for (int c = 0; c < found; c++)
        {
            int k = _bestIndex[c], cy = (k / sw - ry) * s, cx = (k % sw - rx) * s;
            long bestE = -1;
            int bestN = 0, bestY = 0, bestX = 0;
            for (int oy = -r; oy <= r; oy++)
                for (int ox = -r; ox <= r; ox++)
                {
                    var (e, m) = PixelSsd(rgba, damaged, width, height, pixels, cy + oy, cx + ox);
                    if (m > 0 && (bestE < 0 || e * bestN < bestE * m))
                        (bestE, bestN, bestY, bestX) = (e, m, cy + oy, cx + ox);
                }
            if (bestE < 0)
                continue;
            bool seen = false;
            for (int e = 0; e < n2 && !seen; e++)
                seen = DirtyTiles.Mod(offsets[e].Dy - bestY, height) == 0 && DirtyTiles.Mod(offsets[e].Dx - bestX, width) == 0;
            if (!seen)
                offsets[n2++] = (bestY, bestX);
        }
        return n2;
    }

    private bool Valid(int k, int positions) => _count[k] > 0 && _count[k] * 4 >= positions;

    private bool Less(int a, int b) => _num[a] * _count[b] < _num[b] * _count[a];

    /// <summary>Keeps the best K candidates sorted by (score, index); returns the new count.</summary>
    private int Insert(int k, int found)
    {
        int cap = _bestIndex.Length, at = found;
        while (at > 0 && _num[k] * _bestCount[at - 1] < _bestNum[at - 1] * _count[k])
            at--;
        if (at >= cap)
            return found;
        for (int i = Math.Min(found, cap - 1); i > at; i--)
            (_bestIndex[i], _bestNum[i], _bestCount[i]) = (_bestIndex[i - 1], _bestNum[i - 1], _bestCount[i - 1]);
        (_bestIndex[at], _bestNum[at], _bestCount[at]) = (k, _num[k], _count[k]);
        return Math.Min(found + 1, cap);
    }

    private void BlockSums(ReadOnlySpan<byte> rgba, ReadOnlySpan<byte> damaged, int width, int lw, int lh)
    {
        int s = _options.Scale, n = lw * lh;
        Buffers.Grow(ref _sum, n * 3);
        if (_known.Length < n)
            _known = new byte[n];
        Array.Clear(_sum, 0, n * 3);
        for (int b = 0; b < n; b++)
            _known[b] = 1;
        for (int y = 0; y < lh * s; y++)
        {
            int rowBlock = y / s * lw;
            for (int x = 0; x < lw * s; x++)
            {
                int i = y * width + x, b = rowBlock + x / s;
                if (damaged[i] != 0)
                    _known[b] = 0;
                _sum[b * 3] += rgba[i * 4];
                _sum[b * 3 + 1] += rgba[i * 4 + 1];
                _sum[b * 3 + 2] += rgba[i * 4 + 2];
            }
        }
    }

    private int SamplePixels(ReadOnlySpan<byte> damaged, int width, int height, int x0, int xn, int y0, int yn)
    {
        int step = _options.RefineStep;
        while ((long)((xn + step - 1) / step) * ((yn + step - 1) / step) > _options.MaxPixels)
            step++;
        Buffers.Grow(ref _pixels, (xn / step + 1) * (yn / step + 1));
        int n = 0;
        for (int j = 0; j < yn; j += step)
        {
            int y = DirtyTiles.Mod(y0 + j, height);
            for (int i = 0; i < xn; i += step)
            {
                int x = DirtyTiles.Mod(x0 + i, width);
                if (damaged[y * width + x] == 0)
                    _pixels[n++] = y * width + x;
            }
        }
        return n;
    }

    private (long Sum, int Count) PixelSsd(ReadOnlySpan<byte> rgba, ReadOnlySpan<byte> damaged, int width, int height, int pixels, int dy, int dx)
    {
        long e = 0;
        int m = 0;
        for (int q = 0; q < pixels; q++)
        {
            int i = _pixels[q], y = i / width, x = i - y * width;
            int sy = y + dy, sx = x + dx;
            sy = sy >= height ? sy - height : sy < 0 ? sy + height : sy;
            sx = sx >= width ? sx - width : sx < 0 ? sx + width : sx;
            int t = sy * width + sx;
            if (damaged[t] != 0)
                continue;
            int dr = rgba[i * 4] - rgba[t * 4], dg = rgba[i * 4 + 1] - rgba[t * 4 + 1], db = rgba[i * 4 + 2] - rgba[t * 4 + 2];
            e += dr * dr + dg * dg + db * db;
            m++;
        }
        return (e, m);
    }

    /// <summary>The blocks [start, start + count) of a pixel span grown by the surround, or all blocks when that wraps over.</summary>
    private (int Start, int Count) Span(int start, int length, int blocks)
    {
        int s = _options.Scale, g = _options.Surround;
        int b0 = FloorDiv(start - g, s), b1 = FloorDiv(start + length + g + s - 1, s);
        return b1 - b0 >= blocks ? (0, blocks) : (DirtyTiles.Mod(b0, blocks), b1 - b0);
    }

    private static int FloorDiv(int a, int b) => a >= 0 ? a / b : -((-a + b - 1) / b);


}

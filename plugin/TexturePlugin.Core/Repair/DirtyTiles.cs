namespace TexturePlugin.Core.Repair;

/// <summary>
/// Which parts of a texture must go through the repair network: the damaged pixels grouped into
/// connected clusters (8-connected, wrapping around the texture's edges), each cluster's bounding box
/// grown by a context margin and rounded up to the model's size multiple, and tiles that touch merged
/// when the merged tile is no larger than the two apart. Every damaged pixel then lies in at least one
/// tile at least <c>margin</c> pixels from its edge (or in a tile spanning the whole texture on that axis,
/// which wraps exactly); see <see cref="Owns"/> for which tile writes it when tiles overlap.
/// </summary>
public static class DirtyTiles
{
    /// <summary>Cell size of the clustering grid: damage closer than this joins one cluster.</summary>
    public const int DefaultCell = 8;

    /// <summary>Tiles for every damaged pixel of <paramref name="mask"/>.</summary>
    public static List<TileRect> Compute(DamageMask mask, int margin, int multiple, int minSize = 0, int cell = DefaultCell)
        => Compute(mask, new TileRect(0, 0, mask.Width, mask.Height), margin, multiple, minSize, cell);

    /// <summary>
    /// Tiles for the damaged pixels of <paramref name="mask"/> that lie inside <paramref name="region"/>
    /// (a wrapped rectangle): what live painting repairs after a brush stroke.
    /// </summary>
    /// <param name="mask">The damage.</param>
    /// <param name="region">Only damage inside this wrapped rectangle counts.</param>
    /// <param name="margin">Context pixels on every side of the damage.</param>
    /// <param name="multiple">Tile sides are multiples of this (the model's size multiple).</param>
    /// <param name="minSize">Smallest tile side (models need 64); capped at the texture's own size.</param>
    /// <param name="cell">Clustering grid cell.</param>
    public static List<TileRect> Compute(DamageMask mask, TileRect region, int margin, int multiple, int minSize = 0, int cell = DefaultCell)
        => Compute(mask, region, margin, multiple, minSize, cell, new Workspace(), new List<TileRect>());

    /// <summary>
    /// As <see cref="Compute(DamageMask, TileRect, int, int, int, int)"/>, reusing <paramref name="workspace"/>'s buffers
    /// and filling <paramref name="tiles"/> (cleared first): allocation-free once the buffers have grown.
    /// </summary>
    public static List<TileRect> Compute(DamageMask mask, TileRect region, int margin, int multiple, int minSize, int cell,
        Workspace workspace, List<TileRect> tiles)
    {
        tiles.Clear();
        if (margin < 0)
            throw new ArgumentOutOfRangeException(nameof(margin), margin, "The margin cannot be negative.");
        if (multiple < 1 || cell < 1)
            throw new ArgumentOutOfRangeException(nameof(multiple), $"Size multiple {multiple} and cell {cell} must be positive.");
        int w = mask.Width, h = mask.Height;
        int cw = (w + cell - 1) / cell, ch = (h + cell - 1) / cell;

        // Tight damage bounds inside each cell; minX > maxX means a clean cell.
        int cells = cw * ch;
        workspace.Ensure(cells);
        int[] minX = workspace.MinX, minY = workspace.MinY, maxX = workspace.MaxX, maxY = workspace.MaxY;
        minX.AsSpan(0, cells).Fill(int.MaxValue);
        minY.AsSpan(0, cells).Fill(int.MaxValue);
        maxX.AsSpan(0, cells).Fill(int.MinValue);
        maxY.AsSpan(0, cells).Fill(int.MinValue);
        bool any = false;
        int rw = Math.Min(region.Width, w), rh = Math.Min(region.Height, h);
        int rx = Mod(region.X, w);
        for (int j = 0; j < rh; j++)
        {
            int y = Mod(region.Y + j, h);
            int cellRow = (y / cell) * cw, ly = y % cell;
            ReadOnlySpan<byte> row = mask.Bits.AsSpan(y * w, w);
            // The region's columns are at most two runs of the row (it may wrap once).
            for (int part = 0; part < 2; part++)
            {
                int start = part == 0 ? rx : 0;
                int end = part == 0 ? Math.Min(w, rx + rw) : rx + rw - w;
                for (int x = NextDamaged(row, start, end); x < end; x = NextDamaged(row, x + 1, end))
                {
                    any = true;
                    int c = cellRow + x / cell, lx = x % cell;
                    if (lx < minX[c]) minX[c] = lx;
                    if (lx > maxX[c]) maxX[c] = lx;
                    if (ly < minY[c]) minY[c] = ly;
                    if (ly > maxY[c]) maxY[c] = ly;
                }
            }
        }
        if (!any)
            return tiles;

        // Clusters by breadth-first search over dirty cells, tracking unwrapped cell coordinates so a
        // cluster that crosses an edge gets one contiguous box (and one that circles the texture spans it).
        int[] unwrappedX = workspace.UnwrappedX, unwrappedY = workspace.UnwrappedY, queue = workspace.Queue;
        bool[] visited = workspace.Visited;
        Array.Clear(visited, 0, cells);
        for (int seed = 0; seed < cw * ch; seed++)
        {
            if (visited[seed] || minX[seed] > maxX[seed])
                continue;
            int head = 0, tail = 0;
            queue[tail++] = seed;
            visited[seed] = true;
            unwrappedX[seed] = seed % cw;
            unwrappedY[seed] = seed / cw;
            bool circlesX = false, circlesY = false;
            long x0 = long.MaxValue, y0 = long.MaxValue, x1 = long.MinValue, y1 = long.MinValue;
            while (head < tail)
            {
                int c = queue[head++];
                int ux = unwrappedX[c], uy = unwrappedY[c];
                // Pixel coordinates of the unwrapped cell: whole periods of the texture plus the cell's place.
                long px = FloorDiv(ux, cw) * w + (long)Mod(ux, cw) * cell;
                long py = FloorDiv(uy, ch) * h + (long)Mod(uy, ch) * cell;
                x0 = Math.Min(x0, px + minX[c]);
                x1 = Math.Max(x1, px + maxX[c] + 1);
                y0 = Math.Min(y0, py + minY[c]);
                y1 = Math.Max(y1, py + maxY[c] + 1);
                for (int dy = -1; dy <= 1; dy++)
                    for (int dx = -1; dx <= 1; dx++)
                    {
                        int nx = ux + dx, ny = uy + dy;
                        int n = Mod(ny, ch) * cw + Mod(nx, cw);
                        if (minX[n] > maxX[n])
                            continue;
                        if (visited[n])
                        {
                            if (unwrappedX[n] != nx) circlesX = true;
                            if (unwrappedY[n] != ny) circlesY = true;
                            continue;
                        }
                        visited[n] = true;
                        unwrappedX[n] = nx;
                        unwrappedY[n] = ny;
                        queue[tail++] = n;
                    }
            }
            var (tx, tw) = Normalize(circlesX, x0 - margin, x1 - x0 + 2L * margin, multiple, w, minSize);
            var (ty, th) = Normalize(circlesY, y0 - margin, y1 - y0 + 2L * margin, multiple, h, minSize);
            tiles.Add(new TileRect(tx, ty, tw, th));
        }
        MergeTouching(tiles, multiple, w, h, minSize);
        return tiles;
    }

    /// <summary>First index in [start, end) whose byte is non-zero, or end.</summary>
    private static int NextDamaged(ReadOnlySpan<byte> row, int start, int end)
    {
        if (start >= end)
            return end;
#if NET
        int i = row.Slice(start, end - start).IndexOfAnyExcept((byte)0);
        return i < 0 ? end : start + i;
#else
        int x = start;
        while (x < end && ((x & 7) != 0 || end - x < 8))
        {
            if (row[x] != 0) return x;
            x++;
        }
        ReadOnlySpan<ulong> words = System.Runtime.InteropServices.MemoryMarshal.Cast<byte, ulong>(row.Slice(x, (end - x) & ~7));
        int k = 0;
        while (k < words.Length && words[k] == 0) k++;
        for (x += k * 8; x < end; x++)
            if (row[x] != 0) return x;
        return end;
#endif
    }

    private sealed class RowMajor : IComparer<TileRect>
    {
        public static readonly RowMajor Instance = new();
        public int Compare(TileRect a, TileRect b) => a.Y != b.Y ? a.Y.CompareTo(b.Y) : a.X.CompareTo(b.X);
    }

    /// <summary>Reusable buffers of <see cref="Compute(DamageMask, TileRect, int, int, int, int, Workspace, List{TileRect})"/>.</summary>
    public sealed class Workspace
    {
        internal int[] MinX = Array.Empty<int>(), MinY = Array.Empty<int>(), MaxX = Array.Empty<int>(), MaxY = Array.Empty<int>();
        internal int[] UnwrappedX = Array.Empty<int>(), UnwrappedY = Array.Empty<int>(), Queue = Array.Empty<int>();
        internal bool[] Visited = Array.Empty<bool>();

        internal void Ensure(int cells)
        {
            if (MinX.Length >= cells)
                return;
            MinX = new int[cells]; MinY = new int[cells]; MaxX = new int[cells]; MaxY = new int[cells];
            UnwrappedX = new int[cells]; UnwrappedY = new int[cells]; Queue = new int[cells];
            Visited = new bool[cells];
        }
    }

    private static (int Start, int Length) Normalize(bool circles, long start, long length, int multiple, int period, int minSize)
    {
        // A tile that spans the texture wraps onto itself; below the model's minimum it repeats the texture.
        int full = RoundUp(Math.Max(period, minSize), multiple);
        if (circles || length >= period)
            return (0, full);
        long rounded = RoundUp(Math.Max(length, minSize), multiple);
        start -= (rounded - length) / 2;
        if (rounded >= period)
            return (0, full);
        return ((int)Mod(start, period), (int)rounded);
    }

    private static void MergeTouching(List<TileRect> tiles, int multiple, int w, int h, int minSize)
    {
        bool merged = true;
        while (merged)
        {
            merged = false;
            for (int i = 0; i < tiles.Count && !merged; i++)
                for (int j = i + 1; j < tiles.Count && !merged; j++)
                {
                    if (!Touch(tiles[i].X, tiles[i].Width, tiles[j].X, tiles[j].Width, w, out long ux, out long uw)
                        || !Touch(tiles[i].Y, tiles[i].Height, tiles[j].Y, tiles[j].Height, h, out long uy, out long uh))
                        continue;
                    var (x, width) = Normalize(false, ux, uw, multiple, w, minSize);
                    var (y, height) = Normalize(false, uy, uh, multiple, h, minSize);
                    // Merge only when one tile costs no more than the two: boxes of diagonal neighbours would
                    // otherwise snowball into the whole texture. Tiles left overlapping are fine (see the summary).
                    if ((long)width * height > tiles[i].Area + tiles[j].Area)
                        continue;
                    tiles[i] = new TileRect(x, y, width, height);
                    tiles.RemoveAt(j);
                    merged = true;
                }
        }
        tiles.Sort(RowMajor.Instance);
    }

    /// <summary>Whether two wrapped intervals overlap or touch, and their union (possibly the full period).</summary>
    private static bool Touch(long a0, long aw, long b0, long bw, int period, out long u0, out long uw)
    {
        if (aw >= period || bw >= period)
        {
            u0 = 0; uw = Math.Max(Math.Max(aw, bw), period);
            return true;
        }
        for (long shift = -period; shift <= period; shift += period)
        {
            long s0 = b0 + shift;
            if (s0 <= a0 + aw && a0 <= s0 + bw)
            {
                u0 = Math.Min(a0, s0);
                uw = Math.Max(a0 + aw, s0 + bw) - u0;
                return true;
            }
        }
        u0 = uw = 0;
        return false;
    }

    /// <summary>
    /// Whether texture pixel (<paramref name="x"/>, <paramref name="y"/>) lies at least <paramref name="margin"/> pixels
    /// inside <paramref name="tile"/> (axes that span the whole texture count as inside). Of overlapping tiles, the
    /// first in the list for which this holds writes the pixel: its context then reaches the model's whole receptive field.
    /// </summary>
    public static bool Owns(TileRect tile, int x, int y, int width, int height, int margin)
    {
        if (tile.Width < width)
        {
            int dx = Mod(x - tile.X, width);
            if (dx < margin || dx >= tile.Width - margin)
                return false;
        }
        if (tile.Height < height)
        {
            int dy = Mod(y - tile.Y, height);
            if (dy < margin || dy >= tile.Height - margin)
                return false;
        }
        return true;
    }

    /// <summary>Copies a wrapped rectangle of an RGBA8 texture into a tightly packed RGBA8 buffer.</summary>
    public static void Extract(ReadOnlySpan<byte> rgba, int width, int height, TileRect tile, Span<byte> destination)
    {
        for (int j = 0; j < tile.Height; j++)
        {
            int y = Mod(tile.Y + j, height);
            Span<byte> dst = destination.Slice(j * tile.Width * 4, tile.Width * 4);
            ReadOnlySpan<byte> src = rgba.Slice(y * width * 4, width * 4);
            int i = 0;
            while (i < tile.Width)
            {
                int x = Mod(tile.X + i, width);
                int run = Math.Min(tile.Width - i, width - x);
                src.Slice(x * 4, run * 4).CopyTo(dst.Slice(i * 4, run * 4));
                i += run;
            }
        }
    }

    /// <summary>Copies a wrapped rectangle of a one-byte-per-pixel mask.</summary>
    public static void ExtractMask(ReadOnlySpan<byte> mask, int width, int height, TileRect tile, Span<byte> destination)
    {
        for (int j = 0; j < tile.Height; j++)
        {
            int y = Mod(tile.Y + j, height);
            Span<byte> dst = destination.Slice(j * tile.Width, tile.Width);
            ReadOnlySpan<byte> src = mask.Slice(y * width, width);
            int i = 0;
            while (i < tile.Width)
            {
                int x = Mod(tile.X + i, width);
                int run = Math.Min(tile.Width - i, width - x);
                src.Slice(x, run).CopyTo(dst.Slice(i, run));
                i += run;
            }
        }
    }

    /// <summary>a mod m in [0, m) for m > 0; the common case (a within one period of the range) without a division.</summary>
    internal static int Mod(int a, int m) => a >= m ? (a < 2 * m ? a - m : a % m) : a < 0 ? (a >= -m ? a + m : ((a % m) + m) % m) : a;
    private static long Mod(long a, long m) => ((a % m) + m) % m;
    private static long FloorDiv(long a, long b) => a >= 0 ? a / b : -((-a + b - 1) / b);
    private static int RoundUp(int a, int m) => (a + m - 1) / m * m;
    private static long RoundUp(long a, long m) => (a + m - 1) / m * m;
}

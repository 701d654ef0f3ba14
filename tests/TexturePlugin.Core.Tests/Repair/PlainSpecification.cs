using TexturePlugin.Core.Repair.Structure;

namespace TexturePlugin.Core.Tests.Repair;

/// <summary>
/// The structure fill's specification (ARCHITECTURE.md, "The structure fill") written out as plainly as it reads:
/// modulo everywhere, no buffers kept, no early exits. Slow; the tests hold <see cref="OffsetFill"/> to it.
/// </summary>
internal static class PlainSpecification
{
    private const long Invalid = 3 * 255 * 255;

    private static int Mod(int a, int n) => ((a % n) + n) % n;

    private static bool Damaged(byte[] damaged, int width, int height, int x, int y) => damaged[Mod(y, height) * width + Mod(x, width)] != 0;

    private static long Square(byte[] rgba, int width, int height, int x1, int y1, int x2, int y2)
    {
        long sum = 0;
        for (int c = 0; c < 3; c++)
        {
            long d = rgba[(Mod(y1, height) * width + Mod(x1, width)) * 4 + c] - rgba[(Mod(y2, height) * width + Mod(x2, width)) * 4 + c];
            sum += d * d;
        }
        return sum;
    }

    /// <summary>Step 1: the dominant offsets around the box (x, y, width, height; it may wrap).</summary>
    public static List<(int, int)> Offsets(byte[] rgba, byte[] damaged, int width, int height, (int X, int Y, int W, int H) box, StructureOptions o)
    {
        int s = o.Scale, lw = width / s, lh = height / s;
        bool Known(int by, int bx)
        {
            for (int y = 0; y < s; y++)
                for (int x = 0; x < s; x++)
                    if (Damaged(damaged, width, height, Mod(bx, lw) * s + x, Mod(by, lh) * s + y))
                        return false;
            return true;
        }
        long Sum(int by, int bx, int c)
        {
            long sum = 0;
            for (int y = 0; y < s; y++)
                for (int x = 0; x < s; x++)
                    sum += rgba[((Mod(by, lh) * s + y) * width + Mod(bx, lw) * s + x) * 4 + c];
            return sum;
        }
        (int Start, int Count) Grown(int start, int length, int blocks)
        {
            int b0 = (int)Math.Floor((start - o.Surround) / (double)s), b1 = (int)Math.Floor((start + length + o.Surround + s - 1) / (double)s);
            return b1 - b0 >= blocks ? (0, blocks) : (b0, b1 - b0);
        }
        var (bx0, bxn) = Grown(box.X, box.W, lw);
        var (by0, byn) = Grown(box.Y, box.H, lh);
        var positions = new List<(int By, int Bx)>();
        int step = o.StatisticsStep;
        while (Enumerable.Range(0, byn).Count(j => j % step == 0) * Enumerable.Range(0, bxn).Count(i => i % step == 0) > o.MaxPositions)
            step++;
        for (int j = 0; j < byn; j += step)
            for (int i = 0; i < bxn; i += step)
                if (Known(by0 + j, bx0 + i))
                    positions.Add((Mod(by0 + j, lh), Mod(bx0 + i, lw)));

        int ry = Math.Min(o.Reach / s, lh / 2), rx = Math.Min(o.Reach / s, lw / 2);
        var score = new Dictionary<(int, int), (long Num, long Count)>();
        for (int dy = -ry; dy <= ry; dy++)
            for (int dx = -rx; dx <= rx; dx++)
            {
                long num = 0, count = 0;
                foreach (var (by, bx) in positions)
                    if (Known(by + dy, bx + dx))
                    {
                        for (int c = 0; c < 3; c++)
                            num += (Sum(by, bx, c) - Sum(by + dy, bx + dx, c)) * (Sum(by, bx, c) - Sum(by + dy, bx + dx, c));
                        count++;
                    }
                if (count > 0 && count * 4 >= positions.Count)
                    score[(dy, dx)] = (num, count);
            }
        bool Lower((long Num, long Count) a, (long Num, long Count) b) => a.Num * b.Count < b.Num * a.Count;
        var minima = score.Keys.Where(d => Math.Max(Math.Abs(d.Item1), Math.Abs(d.Item2)) >= o.MinOffset
            && !score.Keys.Any(n => n != d && Math.Abs(n.Item1 - d.Item1) <= 1 && Math.Abs(n.Item2 - d.Item2) <= 1 && Lower(score[n], score[d])));
        var best = minima.OrderBy(d => d, Comparer<(int, int)>.Create((a, b) =>
            Lower(score[a], score[b]) ? -1 : Lower(score[b], score[a]) ? 1 : a.CompareTo(b))).Take(o.Offsets).ToList();

        // Full-resolution refinement on the surround's intact pixels, every pixelStep-th row and column from its corner.
        var result = new List<(int, int)>();
        int pixelStep = o.RefineStep;
        while (Enumerable.Range(0, byn * s).Count(j => j % pixelStep == 0) * Enumerable.Range(0, bxn * s).Count(i => i % pixelStep == 0) > o.MaxPixels)
            pixelStep++;
        foreach (var (dy, dx) in best)
        {
            (long E, long N, int Y, int X)? pick = null;
            for (int oy = -o.Refine; oy <= o.Refine; oy++)
                for (int ox = -o.Refine; ox <= o.Refine; ox++)
                {
                    int py = dy * s + oy, px = dx * s + ox;
                    long e = 0, n = 0;
                    for (int j = 0; j < byn * s; j += pixelStep)
                        for (int i = 0; i < bxn * s; i += pixelStep)
                        {
                            int x = bx0 * s + i, y = by0 * s + j;
                            if (!Damaged(damaged, width, height, x, y) && !Damaged(damaged, width, height, x + px, y + py))
                            {
                                e += Square(rgba, width, height, x, y, x + px, y + py);
                                n++;
                            }
                        }
                    if (n > 0 && (pick is null || e * pick.Value.N < pick.Value.E * n))
                        pick = (e, n, py, px);
                }
            if (pick is { } p && !result.Any(r => Mod(r.Item1 - p.Y, height) == 0 && Mod(r.Item2 - p.X, width) == 0))
                result.Add((p.Y, p.X));
        }
        return result;
    }

    /// <summary>Step 2: one label per cell (-1 where the cell has nothing to fill).</summary>
    public static int[] Labels(byte[] rgba, byte[] damaged, byte[] target, int width, int height, List<(int Dy, int Dx)> offsets, StructureOptions o)
    {
        int c = o.Cell, cw = width / c, ch = height / c, h0 = c / 2;   // cells start half a cell past the corner
        var labels = Enumerable.Repeat(-1, cw * ch).ToArray();
        bool IsVariable(int cx, int cy)
        {
            cx = Mod(cx, cw); cy = Mod(cy, ch);
            for (int y = 0; y < c; y++)
                for (int x = 0; x < c; x++)
                    if (target[Mod(cy * c + h0 + y, height) * width + Mod(cx * c + h0 + x, width)] != 0)
                        return true;
            return false;
        }
        long Data(int cx, int cy, (int Dy, int Dx) d)
        {
            long cost = 0;
            int top = cy * c + h0, left = cx * c + h0;
            for (int y = top - o.Rim; y < top + c + o.Rim; y++)
                for (int x = left - o.Rim; x < left + c + o.Rim; x++)
                {
                    bool inCell = y >= top && y < top + c && x >= left && x < left + c;
                    bool sourceDamaged = Damaged(damaged, width, height, x + d.Dx, y + d.Dy);
                    if (!Damaged(damaged, width, height, x, y))
                        cost += sourceDamaged ? Invalid : Square(rgba, width, height, x, y, x + d.Dx, y + d.Dy);
                    else if (inCell && sourceDamaged)
                        cost += Invalid;
                }
            return cost;
        }
        long Pair(int ax, int ay, int bx, int by, (int Dy, int Dx) a, (int Dy, int Dx) b)
        {
            var pixels = new List<(int X, int Y)>();
            if (ay == by)
            {
                int left = Mod(ax + 1, cw) == bx ? ax : bx;
                for (int t = 0; t < c; t++)
                {
                    pixels.Add((left * c + c - 1 + h0, ay * c + t + h0));
                    pixels.Add((left * c + c + h0, ay * c + t + h0));
                }
            }
            else
            {
                int top = Mod(ay + 1, ch) == by ? ay : by;
                for (int t = 0; t < c; t++)
                {
                    pixels.Add((ax * c + t + h0, top * c + c - 1 + h0));
                    pixels.Add((ax * c + t + h0, top * c + c + h0));
                }
            }
            return pixels.Sum(p => Damaged(damaged, width, height, p.X + a.Dx, p.Y + a.Dy) || Damaged(damaged, width, height, p.X + b.Dx, p.Y + b.Dy)
                ? Invalid : Square(rgba, width, height, p.X + a.Dx, p.Y + a.Dy, p.X + b.Dx, p.Y + b.Dy));
        }

        // rings: chessboard distance to the cells that are not variables, wrapping around
        var ring = new Dictionary<(int, int), int>();
        for (int cy = 0; cy < ch; cy++)
            for (int cx = 0; cx < cw; cx++)
                if (IsVariable(cx, cy))
                {
                    int r = 1;
                    while (r <= cw + ch && !Enumerable.Range(-r, 2 * r + 1).Any(dy => Enumerable.Range(-r, 2 * r + 1)
                        .Any(dx => Math.Max(Math.Abs(dx), Math.Abs(dy)) == r && !IsVariable(cx + dx, cy + dy))))
                        r++;
                    ring[(cx, cy)] = r;
                }
        var order = ring.Keys.OrderBy(k => ring[k]).ThenBy(k => k.Item2).ThenBy(k => k.Item1).ToList();
        for (int pass = 0; pass <= o.Sweeps; pass++)
            foreach (var (cx, cy) in order)
            {
                long best = long.MaxValue;
                int choice = -1;
                for (int l = 0; l < offsets.Count; l++)
                {
                    long cost = Data(cx, cy, offsets[l]);
                    foreach (var (nx, ny) in new[] { (cx, Mod(cy - 1, ch)), (cx, Mod(cy + 1, ch)), (Mod(cx - 1, cw), cy), (Mod(cx + 1, cw), cy) })
                    {
                        int other = labels[ny * cw + nx];
                        if ((nx, ny) != (cx, cy) && ring.ContainsKey((nx, ny)) && other >= 0 && other != l)
                            cost += Pair(cx, cy, nx, ny, offsets[l], offsets[other]);
                    }
                    if (cost < best)
                        (best, choice) = (cost, l);
                }
                labels[cy * cw + cx] = choice;
            }
        return labels;
    }
}

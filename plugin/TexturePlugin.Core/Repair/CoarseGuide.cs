using System.Numerics;

namespace TexturePlugin.Core.Repair;

/// <summary>
/// The coarse copy guide of ARCHITECTURE.md ("The coarse copy guide"), identical to the Python one in
/// <c>training/</c>: a deterministic patch match on a low-resolution copy that gives the repair network
/// real texture to copy into large holes. An instance keeps its work buffers, so repeated calls on
/// images of the same size allocate nothing.
/// </summary>
/// <remarks>
/// Every low-resolution value the distances use belongs to a fully intact block (sources need their
/// whole neighbourhood intact; a filled target copies a source's value), so the block mean is kept as
/// the integer block sum (mean times scale squared). Distances are then exact integers, ties are
/// exact, and the result cannot depend on summation order or SIMD width.
/// </remarks>
public sealed class CoarseGuide
{
    private int[] _sum = Array.Empty<int>();          // per block and channel: sum over intact pixels
    private byte[] _blockDamaged = Array.Empty<byte>();
    private byte[] _rowAny = Array.Empty<byte>();
    private int[] _ring = Array.Empty<int>();         // 0 = intact block, k = ring k
    private int[] _queue = Array.Empty<int>();
    private int[] _order = Array.Empty<int>();        // targets sorted by ring, row-major within a ring
    private int[] _ringStart = Array.Empty<int>();
    private int[] _sources = Array.Empty<int>();
    private int[] _sourceVectors = Array.Empty<int>();
    private int[] _choice = Array.Empty<int>();       // per block: chosen source block, -1 = none
    private int[] _known = Array.Empty<int>();        // per block: 1 when intact or filled
    private int[] _targetVector = Array.Empty<int>();
    private int[] _targetMask = Array.Empty<int>();

    /// <summary>Creates a guide builder for <c>guide.scale</c> and <c>guide.patch</c> of a manifest.</summary>
    public CoarseGuide(int scale, int patch)
    {
        if (scale < 1)
            throw new ArgumentOutOfRangeException(nameof(scale), scale, "The guide scale must be at least 1.");
        if (patch < 1 || patch % 2 == 0)
            throw new ArgumentOutOfRangeException(nameof(patch), patch, "The guide patch must be an odd number.");
        // Distances are exact 32-bit integers: the largest, p*p*3*(255*s*s)^2, must fit.
        double largest = (double)patch * patch * 3 * Math.Pow(255.0 * scale * scale, 2);
        if (largest > int.MaxValue)
            throw new ArgumentOutOfRangeException(nameof(patch), patch, $"Guide scale {scale} with patch {patch} is too large for exact 32-bit distances.");
        Scale = scale;
        Patch = patch;
    }

    /// <summary>Block size s of the low-resolution image.</summary>
    public int Scale { get; }

    /// <summary>Patch size p (odd), in low-resolution positions.</summary>
    public int Patch { get; }

    /// <summary>
    /// Builds the guide. <paramref name="rgba"/> and <paramref name="guide"/> are RGBA8, row-major,
    /// <paramref name="width"/> x <paramref name="height"/>; <paramref name="damaged"/> has one byte per
    /// pixel, non-zero = damaged. Intact pixels are copied unchanged (alpha included); damaged pixels take
    /// the pixel of the chosen source (alpha included), or the mean colour when there is no source.
    /// Width and height must be multiples of <see cref="Scale"/>.
    /// </summary>
    public void Build(ReadOnlySpan<byte> rgba, ReadOnlySpan<byte> damaged, int width, int height, Span<byte> guide)
    {
        if (width <= 0 || height <= 0 || width % Scale != 0 || height % Scale != 0)
            throw new ArgumentException($"The guide needs a size that is a positive multiple of {Scale}, not {width}x{height}.");
        int pixels = width * height;
        if (rgba.Length != pixels * 4 || guide.Length != pixels * 4 || damaged.Length != pixels)
            throw new ArgumentException($"Buffers do not match {width}x{height}: image {rgba.Length} bytes, mask {damaged.Length}, guide {guide.Length}.");

        rgba.CopyTo(guide);
        int lw = width / Scale, lh = height / Scale, n = lw * lh;
        Ensure(n);

        // 1. Low-resolution sums over intact pixels and the low-resolution damage mask.
        bool anyDamage = false, anyIntactBlock = false;
        long meanR = 0, meanG = 0, meanB = 0, intactPixels = 0;
        Array.Clear(_sum, 0, n * 3);
        Array.Clear(_blockDamaged, 0, n);
        for (int y = 0; y < height; y++)
        {
            int rowBlock = (y / Scale) * lw;
            ReadOnlySpan<byte> row = rgba.Slice(y * width * 4, width * 4);
            ReadOnlySpan<byte> mrow = damaged.Slice(y * width, width);
            for (int x = 0; x < width; x++)
            {
                int b = rowBlock + x / Scale;
                if (mrow[x] != 0)
                {
                    _blockDamaged[b] = 1;
                    anyDamage = true;
                    continue;
                }
                int r = row[x * 4], g = row[x * 4 + 1], bl = row[x * 4 + 2];
                _sum[b * 3] += r;
                _sum[b * 3 + 1] += g;
                _sum[b * 3 + 2] += bl;
                meanR += r; meanG += g; meanB += bl; intactPixels++;
            }
        }
        if (!anyDamage)
            return;
        for (int i = 0; i < n; i++)
            if (_blockDamaged[i] == 0) { anyIntactBlock = true; break; }

        // 3. Sources: positions whose whole p x p neighbourhood (wrapped) is intact.
        int sourceCount = anyIntactBlock ? FindSources(lw, lh) : 0;
        if (sourceCount == 0)
        {
            FillWithMean(damaged, guide, pixels, meanR, meanG, meanB, intactPixels);
            return;
        }

        // 4. Rings by chessboard distance from the intact set (wrapped), then ring by ring matching.
        int rings = ComputeRings(lw, lh);
        BuildSourceVectors(lw, lh, sourceCount);
        for (int i = 0; i < n; i++)
        {
            _known[i] = _blockDamaged[i] == 0 ? 1 : 0;
            _choice[i] = -1;
        }
        for (int k = 1; k <= rings; k++)
        {
            int start = _ringStart[k], end = _ringStart[k + 1];
            for (int i = start; i < end; i++)
                _choice[_order[i]] = BestSource(_order[i], lw, lh, sourceCount);
            for (int i = start; i < end; i++)
            {
                int t = _order[i], q = _choice[t];
                _sum[t * 3] = _sum[q * 3];
                _sum[t * 3 + 1] = _sum[q * 3 + 1];
                _sum[t * 3 + 2] = _sum[q * 3 + 2];
                _known[t] = 1;
            }
        }

        // 5. Full resolution copy from the chosen source, offset by whole blocks, wrapped.
        for (int y = 0; y < height; y++)
        {
            int ty = y / Scale;
            ReadOnlySpan<byte> mrow = damaged.Slice(y * width, width);
            Span<byte> grow = guide.Slice(y * width * 4, width * 4);
            for (int x = 0; x < width; x++)
            {
                if (mrow[x] == 0)
                    continue;
                int tx = x / Scale;
                int q = _choice[ty * lw + tx];
                int qx = q % lw, qy = q / lw;
                int sx = Mod(x + Scale * (qx - tx), width), sy = Mod(y + Scale * (qy - ty), height);
                rgba.Slice((sy * width + sx) * 4, 4).CopyTo(grow.Slice(x * 4, 4));
            }
        }
    }

    private int FindSources(int lw, int lh)
    {
        int r = Patch / 2, n = lw * lh;
        // Separable "any damaged in the window": rows first, then columns, both wrapped.
        for (int y = 0; y < lh; y++)
            for (int x = 0; x < lw; x++)
            {
                byte any = 0;
                for (int d = -r; d <= r && any == 0; d++)
                    any = _blockDamaged[y * lw + Mod(x + d, lw)];
                _rowAny[y * lw + x] = any;
            }
        int count = 0;
        for (int i = 0; i < n; i++)
        {
            int x = i % lw, y = i / lw;
            bool clean = true;
            for (int d = -r; d <= r && clean; d++)
                clean = _rowAny[Mod(y + d, lh) * lw + x] == 0;
            if (clean)
                _sources[count++] = i;
        }
        return count;
    }

    private int ComputeRings(int lw, int lh)
    {
        int n = lw * lh, head = 0, tail = 0;
        for (int i = 0; i < n; i++)
        {
            if (_blockDamaged[i] == 0) { _ring[i] = 0; _queue[tail++] = i; }
            else _ring[i] = -1;
        }
        int maxRing = 0;
        while (head < tail)
        {
            int i = _queue[head++];
            int x = i % lw, y = i / lw;
            for (int dy = -1; dy <= 1; dy++)
                for (int dx = -1; dx <= 1; dx++)
                {
                    int j = Mod(y + dy, lh) * lw + Mod(x + dx, lw);
                    if (_ring[j] >= 0)
                        continue;
                    _ring[j] = _ring[i] + 1;
                    if (_ring[j] > maxRing) maxRing = _ring[j];
                    _queue[tail++] = j;
                }
        }
        // Counting sort by ring; scanning in row-major order keeps row-major order within a ring.
        if (_ringStart.Length < maxRing + 2)
            _ringStart = new int[maxRing + 2];
        Array.Clear(_ringStart, 0, maxRing + 2);
        for (int i = 0; i < n; i++)
            if (_ring[i] > 0) _ringStart[_ring[i] + 1]++;
        _ringStart[1] = 0;
        for (int k = 1; k <= maxRing; k++)
            _ringStart[k + 1] += _ringStart[k];
        // _queue is free again: use it as the fill cursor per ring.
        for (int k = 1; k <= maxRing; k++)
            _queue[k] = _ringStart[k];
        for (int i = 0; i < n; i++)
            if (_ring[i] > 0) _order[_queue[_ring[i]]++] = i;
        return maxRing;
    }

    private int Stride => RoundUp(Patch * Patch * 3, Vector<int>.Count);

    private void BuildSourceVectors(int lw, int lh, int sourceCount)
    {
        int r = Patch / 2, stride = Stride;
        if (_sourceVectors.Length < sourceCount * stride)
            _sourceVectors = new int[sourceCount * stride];
        for (int s = 0; s < sourceCount; s++)
        {
            int q = _sources[s], qx = q % lw, qy = q / lw;
            Span<int> v = _sourceVectors.AsSpan(s * stride, stride);
            int j = 0;
            for (int dy = -r; dy <= r; dy++)
                for (int dx = -r; dx <= r; dx++)
                {
                    int b = (Mod(qy + dy, lh) * lw + Mod(qx + dx, lw)) * 3;
                    v[j++] = _sum[b]; v[j++] = _sum[b + 1]; v[j++] = _sum[b + 2];
                }
            v.Slice(j).Clear();
        }
    }

    private int BestSource(int t, int lw, int lh, int sourceCount)
    {
        int r = Patch / 2, stride = Stride;
        int tx = t % lw, ty = t / lw, j = 0;
        Span<int> a = _targetVector.AsSpan(0, stride);
        Span<int> m = _targetMask.AsSpan(0, stride);
        a.Clear();
        m.Clear();
        for (int dy = -r; dy <= r; dy++)
            for (int dx = -r; dx <= r; dx++, j += 3)
            {
                int b = Mod(ty + dy, lh) * lw + Mod(tx + dx, lw);
                if (_known[b] == 0)
                    continue;
                a[j] = _sum[b * 3]; a[j + 1] = _sum[b * 3 + 1]; a[j + 2] = _sum[b * 3 + 2];
                m[j] = m[j + 1] = m[j + 2] = -1;
            }

        int best = -1;
        int bestDistance = int.MaxValue;
        int lanes = Vector<int>.Count, vectors = stride / lanes;
        ReadOnlySpan<Vector<int>> av = System.Runtime.InteropServices.MemoryMarshal.Cast<int, Vector<int>>(a);
        ReadOnlySpan<Vector<int>> mv = System.Runtime.InteropServices.MemoryMarshal.Cast<int, Vector<int>>(m);
        ReadOnlySpan<Vector<int>> all = System.Runtime.InteropServices.MemoryMarshal.Cast<int, Vector<int>>(_sourceVectors.AsSpan(0, sourceCount * stride));
        for (int s = 0; s < sourceCount; s++)
        {
            ReadOnlySpan<Vector<int>> sv = all.Slice(s * vectors, vectors);
            Vector<int> acc = Vector<int>.Zero;
            for (int v = 0; v < vectors; v++)
            {
                Vector<int> d = av[v] - sv[v];
                acc += Vector.BitwiseAnd(d * d, mv[v]);
            }
            int distance = Vector.Dot(acc, Vector<int>.One);
            if (distance < bestDistance)
            {
                bestDistance = distance;
                best = _sources[s];
            }
        }
        return best;
    }

    private static void FillWithMean(ReadOnlySpan<byte> damaged, Span<byte> guide, int pixels, long r, long g, long b, long count)
    {
        byte mr = 128, mg = 128, mb = 128;
        if (count > 0)
        {
            // Half to even, as training/texlib/guide.py (torch.round) does.
            mr = (byte)Math.Round((double)r / count, MidpointRounding.ToEven);
            mg = (byte)Math.Round((double)g / count, MidpointRounding.ToEven);
            mb = (byte)Math.Round((double)b / count, MidpointRounding.ToEven);
        }
        for (int i = 0; i < pixels; i++)
        {
            if (damaged[i] == 0)
                continue;
            guide[i * 4] = mr; guide[i * 4 + 1] = mg; guide[i * 4 + 2] = mb; guide[i * 4 + 3] = 255;
        }
    }

    private void Ensure(int n)
    {
        if (_blockDamaged.Length >= n)
            return;
        _sum = new int[n * 3];
        _blockDamaged = new byte[n];
        _rowAny = new byte[n];
        _ring = new int[n];
        _queue = new int[Math.Max(n, 16)];
        _order = new int[n];
        _sources = new int[n];
        _choice = new int[n];
        _known = new int[n];
        _targetVector = new int[Stride];
        _targetMask = new int[Stride];
    }

    private static int Mod(int a, int m) => ((a % m) + m) % m;

    private static int RoundUp(int a, int m) => (a + m - 1) / m * m;
}

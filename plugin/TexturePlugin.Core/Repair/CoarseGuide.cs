#if NET
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;
#endif
using TexturePlugin.Core.Threading;

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
    private int[] _orderPos = Array.Empty<int>();     // per target block: its index in _order
    private int[] _ringStart = Array.Empty<int>();
    private int[] _sources = Array.Empty<int>();
    private int[] _sourceOf = Array.Empty<int>();     // per block: its index in _sources, -1 = not a source
    // The scanned sources' p*p*3 block sums, zero-padded to Stride, chunk-major: the 16 values of chunk c of scanned
    // source s are at (c * _scanCount + s) * 16. A scan that stops after two chunks for most sources then streams two
    // contiguous arrays (a quarter of a megabyte for a 256-pixel window: it stays in a core's L2) instead of touching
    // every source's whole record.
    private short[] _sourceVectors = Array.Empty<short>();
    private int[] _scanBlocks = Array.Empty<int>();   // per scanned source: its block (all sources, or those on the step's grid)
    private int _scanCount;
    private int _step = 1;                            // this build's source step
    private int[] _choice = Array.Empty<int>();       // per block: chosen source block, -1 = none
    private int[] _known = Array.Empty<int>();        // per block: 1 when intact or filled
    private int _fillX0, _fillY0, _fillX1, _fillY1;   // low-res blocks whose damage is filled (end exclusive)
    private int[] _colWrap = Array.Empty<int>();      // low-res column x + Pad -> x wrapped into [0, lw)
    private int[] _rowWrap = Array.Empty<int>();      // low-res row y + Pad -> y * lw, y wrapped into [0, lh)
    private short[] _padded = Array.Empty<short>();   // block sums with Pad wrapped blocks around, for source vectors
    private readonly TargetBuffers _buffers = new();
    private MatchHelper? _helper;

    /// <summary>
    /// Below this many target-source pairs in a ring the matching stays on the calling thread (handing half a ring to
    /// a pool thread costs a few microseconds). Tests set 0 (always split, even on one processor) or
    /// <see cref="long.MaxValue"/> (never).
    /// </summary>
    internal static long ParallelPairs { get; set; } = 1 << 16;

    /// <summary>Creates a guide builder for <c>guide.scale</c> and <c>guide.patch</c> of a manifest.</summary>
    public CoarseGuide(int scale, int patch)
    {
        if (scale < 1)
            throw new ArgumentOutOfRangeException(nameof(scale), scale, "The guide scale must be at least 1.");
        if (patch < 1 || patch % 2 == 0 || patch > 15)
            throw new ArgumentOutOfRangeException(nameof(patch), patch, "The guide patch must be an odd number from 1 to 15.");
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
    public void Build(ReadOnlySpan<byte> rgba, ReadOnlySpan<byte> damaged, int width, int height, Span<byte> guide) =>
        Build(rgba, damaged, width, height, guide, 0, 0, width, height);

    /// <summary>
    /// As <see cref="Build(ReadOnlySpan{byte}, ReadOnlySpan{byte}, int, int, Span{byte})"/>, but only damaged pixels inside
    /// columns [<paramref name="fillX0"/>, <paramref name="fillX1"/>) and rows [<paramref name="fillY0"/>,
    /// <paramref name="fillY1"/>) (multiples of <see cref="Scale"/>) are filled; the whole image still provides sources.
    /// Damage outside stays unknown to the search (it is not filled first), and its pixels are left as they were.
    /// This is how the engine searches a window around a tile for texture to copy without filling the window's
    /// other damage.
    /// </summary>
    /// <param name="sourceStep">
    /// 1 (the default): every source is compared with every target, as the specification (and training) does. k &gt; 1:
    /// a faster search for large windows that is not the specification: only sources on every k-th low-resolution row
    /// and column are scanned (from the window's corner); the best of them and the candidates that continue the choices
    /// of the target's neighbours (from earlier rings, or earlier in the target's half of its ring: each ring is matched
    /// as two halves, row-major) compete, strictly smaller replacing, and then the winner's eight
    /// neighbours, in row-major order, replace it when strictly closer (the winner moving as it goes). Deterministic:
    /// the result does not depend on the SIMD path or on how rings are split across threads.
    /// </param>
    public void Build(ReadOnlySpan<byte> rgba, ReadOnlySpan<byte> damaged, int width, int height, Span<byte> guide,
        int fillX0, int fillY0, int fillX1, int fillY1, int sourceStep = 1)
    {
        if (sourceStep < 1 || sourceStep > MaxSourceStep)
            throw new ArgumentOutOfRangeException(nameof(sourceStep), sourceStep, $"The source step must be 1 to {MaxSourceStep}.");
        _step = sourceStep;
        if (width <= 0 || height <= 0 || width % Scale != 0 || height % Scale != 0)
            throw new ArgumentException($"The guide needs a size that is a positive multiple of {Scale}, not {width}x{height}.");
        if (fillX0 < 0 || fillY0 < 0 || fillX1 > width || fillY1 > height || fillX0 >= fillX1 || fillY0 >= fillY1
            || fillX0 % Scale != 0 || fillY0 % Scale != 0 || fillX1 % Scale != 0 || fillY1 % Scale != 0)
            throw new ArgumentException($"The fill region [{fillX0}, {fillX1}) x [{fillY0}, {fillY1}) must lie in {width}x{height} on multiples of {Scale}.");
        (_fillX0, _fillY0, _fillX1, _fillY1) = (fillX0 / Scale, fillY0 / Scale, fillX1 / Scale, fillY1 / Scale);
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
            for (int bx = 0, x = 0; bx < lw; bx++)
            {
                int b = rowBlock + bx, r = 0, g = 0, bl = 0, intact = 0;
                if (Scale == 4 && System.Runtime.InteropServices.MemoryMarshal.Read<uint>(mrow.Slice(x, 4)) == 0)
                {
                    // the common case, four intact pixels
                    ReadOnlySpan<byte> p = row.Slice(x * 4, 16);
                    r = p[0] + p[4] + p[8] + p[12];
                    g = p[1] + p[5] + p[9] + p[13];
                    bl = p[2] + p[6] + p[10] + p[14];
                    _sum[b * 3] += r;
                    _sum[b * 3 + 1] += g;
                    _sum[b * 3 + 2] += bl;
                    meanR += r; meanG += g; meanB += bl; intactPixels += 4;
                    x += 4;
                    continue;
                }
                for (int end = x + Scale; x < end; x++)
                {
                    if (mrow[x] != 0)
                    {
                        _blockDamaged[b] = 1;
                        continue;
                    }
                    r += row[x * 4]; g += row[x * 4 + 1]; bl += row[x * 4 + 2];
                    intact++;
                }
                _sum[b * 3] += r;
                _sum[b * 3 + 1] += g;
                _sum[b * 3 + 2] += bl;
                meanR += r; meanG += g; meanB += bl; intactPixels += intact;
                anyDamage |= intact < Scale;
            }
        }
        if (!anyDamage)
            return;
        for (int i = 0; i < n; i++)
            if (_blockDamaged[i] == 0) { anyIntactBlock = true; break; }

        // 3. Sources: positions whose whole p x p neighbourhood (wrapped) is intact.
        BuildWrapTables(lw, lh);
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
            MatchRing(start, end, lw, lh, sourceCount);
            for (int i = start; i < end; i++)
            {
                int t = _order[i], q = _choice[t];
                _sum[t * 3] = _sum[q * 3];
                _sum[t * 3 + 1] = _sum[q * 3 + 1];
                _sum[t * 3 + 2] = _sum[q * 3 + 2];
                _known[t] = 1;
            }
        }

        // 5. Full resolution copy from the chosen source, offset by whole blocks, wrapped (only the fill region has choices).
        for (int y = fillY0; y < fillY1; y++)
        {
            int ty = y / Scale;
            ReadOnlySpan<byte> mrow = damaged.Slice(y * width, width);
            Span<byte> grow = guide.Slice(y * width * 4, width * 4);
            for (int x = fillX0; x < fillX1; x++)
            {
                if (mrow[x] == 0)
                    continue;
                int tx = x / Scale;
                int q = _choice[ty * lw + tx];
                if (q < 0)
                    continue;   // outside the fill region
                int qx = q % lw, qy = q / lw;
                int sx = Mod(x + Scale * (qx - tx), width), sy = Mod(y + Scale * (qy - ty), height);
                rgba.Slice((sy * width + sx) * 4, 4).CopyTo(grow.Slice(x * 4, 4));
            }
        }
    }

    private int FindSources(int lw, int lh)
    {
        int r = Patch / 2;
        // Separable "any damaged in the window": rows first, then columns, both wrapped.
        for (int y = 0; y < lh; y++)
            for (int x = 0; x < lw; x++)
            {
                byte any = 0;
                for (int d = -r; d <= r && any == 0; d++)
                    any = _blockDamaged[y * lw + _colWrap[x + d + Pad]];
                _rowAny[y * lw + x] = any;
            }
        int count = 0;
        for (int y = 0, i = 0; y < lh; y++)
            for (int x = 0; x < lw; x++, i++)
            {
                bool clean = true;
                for (int d = -r; d <= r && clean; d++)
                    clean = _rowAny[_rowWrap[y + d + Pad] + x] == 0;
                _sourceOf[i] = clean ? count : -1;
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
                    int j = _rowWrap[y + dy + Pad] + _colWrap[x + dx + Pad];
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
        // Only targets in the fill region are matched; the others stay unknown (choice -1).
        for (int i = 0; i < n; i++)
            if (_ring[i] > 0 && !InFill(i, lw)) _ring[i] = -1;
        for (int i = 0; i < n; i++)
            if (_ring[i] > 0) _ringStart[_ring[i] + 1]++;
        _ringStart[1] = 0;
        for (int k = 1; k <= maxRing; k++)
            _ringStart[k + 1] += _ringStart[k];
        // _queue is free again: use it as the fill cursor per ring.
        for (int k = 1; k <= maxRing; k++)
            _queue[k] = _ringStart[k];
        for (int i = 0; i < n; i++)
            if (_ring[i] > 0) { _orderPos[i] = _queue[_ring[i]]; _order[_queue[_ring[i]]++] = i; }
        return maxRing;
    }

    private bool InFill(int block, int lw)
    {
        int x = block % lw, y = block / lw;
        return x >= _fillX0 && x < _fillX1 && y >= _fillY0 && y < _fillY1;
    }

    /// <summary>Largest source step a build accepts (the refinement only looks one position around the winner).</summary>
    public const int MaxSourceStep = 4;

    /// <summary>Off only to test the scalar path against the vector one (they must agree bit for bit).</summary>
    internal static bool UseSimd { get; set; } = true;

    // Block sums are at most 255 * s * s <= 4080 (s <= 4 is enforced by the 32-bit bound), so they and their
    // differences fit 16 bits, and a pair of squared differences fits 32 (what AVX2 multiply-add needs).
    private int Stride => RoundUp(Patch * Patch * 3, 16);

    private void BuildSourceVectors(int lw, int lh, int sourceCount)
    {
        int r = Patch / 2, stride = Stride, pw = lw + 2 * r, ph = lh + 2 * r, run = Patch * 3;
        if (_sourceVectors.Length < sourceCount * stride)
            _sourceVectors = new short[sourceCount * stride];
        // The block sums with r wrapped blocks on every side: a source's p x p neighbourhood is then p runs of p * 3.
        if (_padded.Length < pw * ph * 3)
            _padded = new short[pw * ph * 3];
        for (int py = 0, o = 0; py < ph; py++)
        {
            int rowBase = _rowWrap[py - r + Pad];
            for (int px = 0; px < pw; px++, o += 3)
            {
                int b = (rowBase + _colWrap[px - r + Pad]) * 3;
                _padded[o] = (short)_sum[b]; _padded[o + 1] = (short)_sum[b + 1]; _padded[o + 2] = (short)_sum[b + 2];
            }
        }
        int step = _step;
        if (_scanBlocks.Length < sourceCount)
            _scanBlocks = new int[sourceCount];
        _scanCount = 0;
        for (int i = 0; i < sourceCount; i++)
        {
            int q = _sources[i];
            if (step == 1 || (q % lw % step == 0 && q / lw % step == 0))
                _scanBlocks[_scanCount++] = q;
        }
        if (_scanCount == 0)
        {
            // no source on the step's grid: all are scanned
            Array.Copy(_sources, _scanBlocks, sourceCount);
            _scanCount = sourceCount;
        }
        // Each source's record is gathered contiguously, then its chunks of 16 go to their chunk-major places.
        int scan = _scanCount, vectors = stride / 16;
        Span<short> record = stackalloc short[stride];
        record.Clear();
        for (int s = 0; s < scan; s++)
        {
            int q = _scanBlocks[s], qx = q % lw, qy = q / lw;
            for (int dy = 0; dy < Patch; dy++)
                _padded.AsSpan(((qy + dy) * pw + qx) * 3, run).CopyTo(record.Slice(dy * run, run));
            for (int c = 0; c < vectors; c++)
                record.Slice(c * 16, 16).CopyTo(_sourceVectors.AsSpan((c * scan + s) * 16, 16));
        }
    }

    /// <summary>
    /// Chooses the sources of the targets <c>_order[start..end)</c>. Targets of one ring read only known positions
    /// (earlier rings) and write only their own choice, so with two or more processors and enough work the second
    /// half of the ring runs on a pool thread meanwhile (the model is idle while the guide is built).
    /// </summary>
    private void MatchRing(int start, int end, int lw, int lh, int sourceCount)
    {
        int count = end - start;
        if (count >= 2 && (long)count * sourceCount >= ParallelPairs && (Environment.ProcessorCount > 1 || ParallelPairs == 0))
        {
            int mid = start + count / 2;
            _helper ??= new MatchHelper(this);
            _helper.Start(mid, end, lw, lh, sourceCount);
            try
            {
                MatchTargets(start, mid, lw, lh, sourceCount, _buffers);
            }
            finally
            {
                _helper.Finish();   // never leave the other half running on this guide's buffers
            }
            return;
        }
        if (_step > 1 && end - start >= 2)
        {
            // the same two halves as above: with a source step, same-ring candidates come only from the target's own half
            MatchTargets(start, start + (end - start) / 2, lw, lh, sourceCount, _buffers);
            MatchTargets(start + (end - start) / 2, end, lw, lh, sourceCount, _buffers);
            return;
        }
        MatchTargets(start, end, lw, lh, sourceCount, _buffers);
    }

    private void MatchTargets(int start, int end, int lw, int lh, int sourceCount, TargetBuffers buffers)
    {
        for (int i = start; i < end; i++)
            _choice[_order[i]] = BestSource(_order[i], lw, lh, sourceCount, buffers, start);
    }

    /// <summary>The source minimising the summed squared differences over the target's known offsets (first wins ties).</summary>
    private int BestSource(int t, int lw, int lh, int sourceCount, TargetBuffers buffers, int segmentStart)
    {
        int r = Patch / 2, stride = Stride;
        int tx = t % lw, ty = t / lw, j = 0, known = 0;
        buffers.Ensure(stride);
        Span<short> a = buffers.Vector.AsSpan(0, stride);
        Span<short> m = buffers.Mask.AsSpan(0, stride);
        a.Clear();
        m.Clear();
        for (int dy = -r; dy <= r; dy++)
            for (int dx = -r; dx <= r; dx++, j += 3)
            {
                int b = _rowWrap[ty + dy + Pad] + _colWrap[tx + dx + Pad];
                if (_known[b] == 0)
                    continue;
                for (int c = 0; c < 3; c++)
                {
                    a[j + c] = (short)_sum[b * 3 + c];
                    m[j + c] = -1;
                    buffers.KnownIndex[known++] = j + c;
                }
            }
        // Dividing by the number of known offsets (the specification's mean) is the same for every source of
        // this target, so comparing the exact integer sums picks the same source.
        int pw3 = (lw + 2 * r) * 3, run = Patch * 3;
        for (int k = 0; k < known; k++)
        {
            int jj = buffers.KnownIndex[k];
            buffers.PaddedIndex[k] = jj / run * pw3 + jj % run;
        }
        // With a source step the candidates are part of the rule, so they must not depend on threads: earlier rings'
        // choices and those of same-ring targets before this one in its half of the ring (MatchRing's split), which
        // the same thread made.
        int candidate = -1, candidateDistance = int.MaxValue;
        if (UseCandidates || _step > 1)
            (candidate, candidateDistance) = BestCandidate(t, lw, known, buffers, _step > 1 ? segmentStart : -1);
        int bound = candidateDistance == int.MaxValue ? int.MaxValue : candidateDistance + 1;
        int best, bestDistance;
#if NET
        if (UseSimd && Avx2.IsSupported)
            best = BestSourceAvx2(_scanCount, stride, buffers, bound, out bestDistance);
        else
#endif
        best = BestSourceScalar(_scanCount, stride, known, buffers, bound, out bestDistance);
        if (best < 0)
            (best, bestDistance) = (candidate, candidateDistance);   // only when the scan skips sources (step > 1)
        if (_step > 1)
        {
            // the best one's eight neighbours, in order, strictly smaller replaces (the best moves as it goes)
            int bx = best % lw, by = best / lw;
            for (int dy = -1; dy <= 1; dy++)
                for (int dx = -1; dx <= 1; dx++)
                {
                    if (dx == 0 && dy == 0)
                        continue;
                    int q = _rowWrap[by + dy + Pad] + _colWrap[bx + dx + Pad];
                    if (_sourceOf[q] < 0)
                        continue;
                    int distance = DistanceAt(buffers, q, lw, known);
                    if (distance < bestDistance)
                        (best, bestDistance) = (q, distance);
                }
        }
        return best;
    }

    /// <summary>Off only to test that the candidates' bound changes no choice (with source step 1).</summary>
    internal static bool UseCandidates { get; set; } = true;

    /// <summary>
    /// PatchMatch's propagation made exact: the sources that continue a neighbour's choice (neighbour n chose q, so t
    /// would take q + (t - n)); the first with the smallest distance, or (-1, int.MaxValue) when no neighbour has a
    /// choice yet. Its distance plus one bounds the scan: the scan still visits every source in order with "strictly
    /// smaller replaces", so a source at the same distance ahead of the candidate still wins the tie and the candidate
    /// itself still replaces at its turn; only sources that cannot win are cut sooner.
    /// </summary>
    private (int Block, int Distance) BestCandidate(int t, int lw, int known, TargetBuffers buffers, int segmentStart)
    {
        int tx = t % lw, ty = t / lw, best = -1, bestDistance = int.MaxValue, last = -1, position = _orderPos[t];
        for (int dy = -1; dy <= 1; dy++)
            for (int dx = -1; dx <= 1; dx++)
            {
                if (dx == 0 && dy == 0)
                    continue;
                int nb = _rowWrap[ty + dy + Pad] + _colWrap[tx + dx + Pad];
                // segmentStart >= 0: only earlier rings (_known changes only between rings) and this half's earlier targets
                if (segmentStart >= 0 && _known[nb] == 0 && (_ring[nb] != _ring[t] || _orderPos[nb] < segmentStart || _orderPos[nb] >= position))
                    continue;
                int q = Volatile.Read(ref _choice[nb]);   // a same-ring neighbour may be matched by the helper meanwhile
                if (q < 0)
                    continue;
                // q's block minus (dx, dy), wrapped: |dx|, |dy| <= 1 <= Pad, so the wrap tables reach it
                int cand = _rowWrap[q / lw - dy + Pad] + _colWrap[q % lw - dx + Pad];
                if (_sourceOf[cand] < 0 || cand == last)
                    continue;
                last = cand;
                int distance = DistanceAt(buffers, cand, lw, known);
                if (distance < bestDistance)
                    (best, bestDistance) = (cand, distance);
            }
        return (best, bestDistance);
    }

    /// <summary>Squared differences between the target and source block <paramref name="q"/>'s neighbourhood (read from the padded block sums) over the known values.</summary>
    private int DistanceAt(TargetBuffers buffers, int q, int lw, int known)
    {
        int pw = lw + 2 * (Patch / 2), o = (q / lw * pw + q % lw) * 3, distance = 0;
        short[] a = buffers.Vector, v = _padded;
        int[] idx = buffers.KnownIndex, pidx = buffers.PaddedIndex;
        for (int k = 0; k < known; k++)
        {
            int d = a[idx[k]] - v[o + pidx[k]];
            distance += d * d;
        }
        return distance;
    }

    /// <summary>Squared differences between target <paramref name="a"/> and scanned source <paramref name="s"/> over the known values.</summary>
    private static int Distance(short[] a, short[] v, int s, int scan, int[] idx, int known)
    {
        int distance = 0;
        for (int k = 0; k < known; k++)
        {
            int j = idx[k];
            int d = a[j] - v[((j >> 4) * scan + s) * 16 + (j & 15)];
            distance += d * d;
        }
        return distance;
    }

    private int BestSourceScalar(int sourceCount, int stride, int known, TargetBuffers buffers, int bound, out int bestOut)
    {
        int best = -1, bestDistance = bound;
        short[] a = buffers.Vector, v = _sourceVectors;
        int[] idx = buffers.KnownIndex;
        for (int s = 0; s < sourceCount; s++)
        {
            int distance = Distance(a, v, s, sourceCount, idx, known);
            if (distance < bestDistance)
            {
                bestDistance = distance;
                best = _scanBlocks[s];
            }
        }
        bestOut = bestDistance;
        return best;
    }

#if NET
    private unsafe int BestSourceAvx2(int sourceCount, int stride, TargetBuffers buffers, int bound, out int bestOut)
    {
        int best = -1, bestDistance = bound, vectors = stride / 16;
        fixed (short* pa = buffers.Vector, pm = buffers.Mask, pv = _sourceVectors)
        {
            // At most 15 x 16 shorts (patch 7 at scale 2 would still fit); the common 5 x 5 x 3 needs five. Only chunks
            // with a known offset count, the fullest first. Before each chunk from the third on, a batch of four sources
            // whose partial sums all reach the best distance is dropped: squares only add, so their full sums would too,
            // and a tie does not replace the best; the same sources win as without the cut, bit for bit. (Checking
            // from the second chunk or from the fourth measured slower.)
            Vector256<short>* av = stackalloc Vector256<short>[vectors];
            Vector256<short>* mv = stackalloc Vector256<short>[vectors];
            int* offsets = stackalloc int[vectors];
            int* known = stackalloc int[vectors];
            int used = 0;
            for (int k = 0; k < vectors; k++)
            {
                int count = 0;
                for (int e = 0; e < 16; e++)
                    count += pm[k * 16 + e] != 0 ? 1 : 0;
                if (count == 0)
                    continue;
                int at = used++;
                while (at > 0 && known[at - 1] < count)
                {
                    known[at] = known[at - 1];
                    offsets[at] = offsets[at - 1];
                    at--;
                }
                known[at] = count;
                offsets[at] = k * 16;
            }
            if (used == 0)
            {
                // Nothing known: every source is at distance 0 and the first one wins, as in the scalar loop.
                if (sourceCount > 0 && bestDistance > 0)
                    (best, bestDistance) = (_scanBlocks[0], 0);
                bestOut = bestDistance;
                return best;
            }
            short** chunk = stackalloc short*[vectors];   // chunk k's array: source s's 16 values at chunk[k] + 16 * s
            for (int k = 0; k < used; k++)
            {
                av[k] = Avx.LoadVector256(pa + offsets[k]);
                mv[k] = Avx.LoadVector256(pm + offsets[k]);
                chunk[k] = pv + (long)offsets[k] * sourceCount;
            }
            // The first two chunks (a missing second one adds zeros) stay in registers.
            Vector256<short> a0 = av[0], m0 = mv[0];
            Vector256<short> a1 = used > 1 ? av[1] : Vector256<short>.Zero, m1 = used > 1 ? mv[1] : Vector256<short>.Zero;
            short* c0 = chunk[0], c1 = used > 1 ? chunk[1] : chunk[0];
            Vector128<int> bestVector = Vector128.Create(bestDistance);
            int s = 0;
            // Four sources at a time: their horizontal sums share three HorizontalAdds.
            for (; s + 4 <= sourceCount; s += 4)
            {
                short* at = c0 + 16 * s;
                Vector256<short> d0 = Avx2.And(Avx2.Subtract(a0, Avx.LoadVector256(at)), m0);
                Vector256<short> d1 = Avx2.And(Avx2.Subtract(a0, Avx.LoadVector256(at + 16)), m0);
                Vector256<short> d2 = Avx2.And(Avx2.Subtract(a0, Avx.LoadVector256(at + 32)), m0);
                Vector256<short> d3 = Avx2.And(Avx2.Subtract(a0, Avx.LoadVector256(at + 48)), m0);
                Vector256<int> acc0 = Avx2.MultiplyAddAdjacent(d0, d0), acc1 = Avx2.MultiplyAddAdjacent(d1, d1);
                Vector256<int> acc2 = Avx2.MultiplyAddAdjacent(d2, d2), acc3 = Avx2.MultiplyAddAdjacent(d3, d3);
                at = c1 + 16 * s;
                d0 = Avx2.And(Avx2.Subtract(a1, Avx.LoadVector256(at)), m1);
                d1 = Avx2.And(Avx2.Subtract(a1, Avx.LoadVector256(at + 16)), m1);
                d2 = Avx2.And(Avx2.Subtract(a1, Avx.LoadVector256(at + 32)), m1);
                d3 = Avx2.And(Avx2.Subtract(a1, Avx.LoadVector256(at + 48)), m1);
                acc0 = Avx2.Add(acc0, Avx2.MultiplyAddAdjacent(d0, d0));
                acc1 = Avx2.Add(acc1, Avx2.MultiplyAddAdjacent(d1, d1));
                acc2 = Avx2.Add(acc2, Avx2.MultiplyAddAdjacent(d2, d2));
                acc3 = Avx2.Add(acc3, Avx2.MultiplyAddAdjacent(d3, d3));
                Vector128<int> sums = Sum4(acc0, acc1, acc2, acc3);
                for (int k = 2; k < used; k++)
                {
                    if (Sse2.MoveMask(Sse2.CompareGreaterThan(bestVector, sums).AsByte()) == 0)
                        goto next;
                    Vector256<short> ak = av[k], mk = mv[k];
                    at = chunk[k] + 16 * s;
                    d0 = Avx2.And(Avx2.Subtract(ak, Avx.LoadVector256(at)), mk);
                    d1 = Avx2.And(Avx2.Subtract(ak, Avx.LoadVector256(at + 16)), mk);
                    d2 = Avx2.And(Avx2.Subtract(ak, Avx.LoadVector256(at + 32)), mk);
                    d3 = Avx2.And(Avx2.Subtract(ak, Avx.LoadVector256(at + 48)), mk);
                    acc0 = Avx2.Add(acc0, Avx2.MultiplyAddAdjacent(d0, d0));
                    acc1 = Avx2.Add(acc1, Avx2.MultiplyAddAdjacent(d1, d1));
                    acc2 = Avx2.Add(acc2, Avx2.MultiplyAddAdjacent(d2, d2));
                    acc3 = Avx2.Add(acc3, Avx2.MultiplyAddAdjacent(d3, d3));
                    sums = Sum4(acc0, acc1, acc2, acc3);
                }
                if (Sse2.MoveMask(Sse2.CompareGreaterThan(bestVector, sums).AsByte()) != 0)
                {
                    for (int k = 0; k < 4; k++)
                    {
                        int distance = sums.GetElement(k);
                        if (distance < bestDistance)
                        {
                            bestDistance = distance;
                            best = _scanBlocks[s + k];
                        }
                    }
                    bestVector = Vector128.Create(bestDistance);
                }
            next:;
            }
            for (; s < sourceCount; s++)
            {
                Vector256<int> acc = Vector256<int>.Zero;
                for (int k = 0; k < used; k++)
                {
                    Vector256<short> d = Avx2.And(Avx2.Subtract(av[k], Avx.LoadVector256(chunk[k] + 16 * s)), mv[k]);
                    acc = Avx2.Add(acc, Avx2.MultiplyAddAdjacent(d, d));
                }
                int distance = Vector256.Sum(acc);
                if (distance < bestDistance)
                {
                    bestDistance = distance;
                    best = _scanBlocks[s];
                }
            }
        }
        bestOut = bestDistance;
        return best;
    }

    /// <summary>Lane i: the sum of accumulator i's eight lanes (hadd(hadd(a0, a1), hadd(a2, a3)), then the halves).</summary>
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveInlining)]
    private static Vector128<int> Sum4(Vector256<int> a0, Vector256<int> a1, Vector256<int> a2, Vector256<int> a3)
    {
        Vector256<int> h = Avx2.HorizontalAdd(Avx2.HorizontalAdd(a0, a1), Avx2.HorizontalAdd(a2, a3));
        return Sse2.Add(h.GetLower(), h.GetUpper());
    }
#endif

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
        _orderPos = new int[n];
        _sources = new int[n];
        _sourceOf = new int[n];
        _choice = new int[n];
        _known = new int[n];
    }

    private static int Mod(int a, int m) => ((a % m) + m) % m;

    /// <summary>Wrapped offsets reach at most this far outside the low-resolution grid (the patch radius, or 1 for the rings).</summary>
    private int Pad => Math.Max(1, Patch / 2);

    private void BuildWrapTables(int lw, int lh)
    {
        int pad = Pad;
        if (_colWrap.Length < lw + 2 * pad)
            _colWrap = new int[lw + 2 * pad];
        if (_rowWrap.Length < lh + 2 * pad)
            _rowWrap = new int[lh + 2 * pad];
        for (int i = 0; i < lw + 2 * pad; i++)
            _colWrap[i] = Mod(i - pad, lw);
        for (int i = 0; i < lh + 2 * pad; i++)
            _rowWrap[i] = Mod(i - pad, lh) * lw;
    }

    /// <summary>One matching thread's copy of the target being matched.</summary>
    private sealed class TargetBuffers
    {
        public short[] Vector = Array.Empty<short>();
        public short[] Mask = Array.Empty<short>();       // -1 where the offset is known, else 0
        public int[] KnownIndex = Array.Empty<int>();
        public int[] PaddedIndex = Array.Empty<int>();   // per known value: its offset in a source's padded neighbourhood

        public void Ensure(int stride)
        {
            if (Vector.Length >= stride)
                return;
            Vector = new short[stride];
            Mask = new short[stride];
            KnownIndex = new int[stride];
            PaddedIndex = new int[stride];
        }
    }

    /// <summary>
    /// The second half of a ring, on a <see cref="PoolHelper"/> with target buffers of its own (the pool thread's, or
    /// the caller's when it withdraws the work, after its own half).
    /// </summary>
    private sealed class MatchHelper : IHelperWork
    {
        private readonly CoarseGuide _owner;
        private readonly TargetBuffers _buffers = new();
        private readonly PoolHelper _pool = new();
        private int _start, _end, _lw, _lh, _sourceCount;

        public MatchHelper(CoarseGuide owner) => _owner = owner;

        public void Start(int start, int end, int lw, int lh, int sourceCount)
        {
            (_start, _end, _lw, _lh, _sourceCount) = (start, end, lw, lh, sourceCount);
            _pool.Start(this);
        }

        public void Run() => _owner.MatchTargets(_start, _end, _lw, _lh, _sourceCount, _buffers);

        /// <summary>Returns when the second half is done, by the pool thread or (if it has not started) here.</summary>
        public void Finish()
        {
            if (_pool.Join() is Exception e)
                System.Runtime.ExceptionServices.ExceptionDispatchInfo.Capture(e).Throw();
        }
    }

    private static int RoundUp(int a, int m) => (a + m - 1) / m * m;
}

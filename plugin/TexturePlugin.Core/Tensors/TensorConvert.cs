using System.Numerics;
using System.Runtime.InteropServices;
using TexturePlugin.Core.Imaging;

namespace TexturePlugin.Core.Tensors;

/// <summary>
/// RGBA8 pixels to NCHW float planes and back, with the model's <see cref="ValueRange"/> and
/// <see cref="ChannelOrder"/>. Vectorised with <see cref="Vector{T}"/> where the hardware accelerates it; the
/// scalar path gives bit-identical results. Allocation-free: callers pass the destination (pool it with
/// <see cref="TensorBuffer"/>).
/// </summary>
/// <remarks>
/// In: <c>v = b * ((hi - lo) / 255) + lo</c>. Out: <c>b = trunc(clamp((v - lo) * (255 / (hi - lo)) + 0.5, 0, 255))</c>,
/// NaN gives 0. Plane p of a tensor of width W and height H starts at <c>p * W * H</c>.
/// </remarks>
public static class TensorConvert
{
    /// <summary>True when the vector path is used (hardware-accelerated Vector and a little-endian CPU).</summary>
    public static bool SimdAvailable { get; } = Vector.IsHardwareAccelerated && BitConverter.IsLittleEndian;

    /// <summary>Converts the whole image to <c>[planes, Height, Width]</c>.</summary>
    public static void ToTensor(RgbaImage image, Span<float> destination, ValueRange range, ChannelOrder order)
    {
        if (image is null) throw new ArgumentNullException(nameof(image));
        ToTensor(image.Pixels, image.Width, image.Height, destination, range, order);
    }

    /// <summary>Converts tightly packed RGBA8 pixels to <c>[planes, height, width]</c>.</summary>
    public static void ToTensor(ReadOnlySpan<byte> rgba, int width, int height, Span<float> destination, ValueRange range, ChannelOrder order) =>
        ToTensor(rgba, width, height, destination, range, order, SimdAvailable);

    internal static void ToTensor(ReadOnlySpan<byte> rgba, int width, int height, Span<float> destination, ValueRange range, ChannelOrder order, bool simd)
    {
        CheckSize(width, height);
        long pixels = (long)width * height;
        if (rgba.Length < pixels * 4)
            throw new ArgumentException($"A {width}x{height} RGBA8 image needs {pixels * 4} bytes, but {rgba.Length} were given.", nameof(rgba));
        CheckTensor(destination.Length, order.PlaneCount(), width, height, nameof(destination));
        // Rows are contiguous in both layouts, so the whole image converts as one long row.
        RowToPlanes(rgba.Slice(0, (int)pixels * 4), destination, (int)pixels, 0, range, order, simd);
    }

    /// <summary>
    /// Converts a <paramref name="width"/> x <paramref name="height"/> window of <paramref name="image"/> whose
    /// top-left pixel is (<paramref name="x0"/>, <paramref name="y0"/>) to <c>[planes, height, width]</c>,
    /// wrapping around the image's edges (for tiles with a context margin on tileable textures).
    /// </summary>
    public static void ToTensorWrapped(RgbaImage image, int x0, int y0, int width, int height, Span<float> destination, ValueRange range, ChannelOrder order) =>
        ToTensorWrapped(image, x0, y0, width, height, destination, range, order, SimdAvailable);

    internal static void ToTensorWrapped(RgbaImage image, int x0, int y0, int width, int height, Span<float> destination, ValueRange range, ChannelOrder order, bool simd)
    {
        if (image is null) throw new ArgumentNullException(nameof(image));
        CheckSize(width, height);
        CheckTensor(destination.Length, order.PlaneCount(), width, height, nameof(destination));
        int planeStride = width * height;
        for (int y = 0; y < height; y++)
        {
            ReadOnlySpan<byte> row = image.Row(Wrap(y0 + y, image.Height));
            int x = 0;
            int sx = Wrap(x0, image.Width);
            while (x < width)
            {
                int run = Math.Min(width - x, image.Width - sx);
                RowToPlanes(row.Slice(sx * 4, run * 4), destination, planeStride, y * width + x, range, order, simd);
                x += run;
                sx = 0;
            }
        }
    }

    /// <summary>Converts <c>[planes, Height, Width]</c> into the whole image.</summary>
    /// <param name="alpha">Alpha written for orders without an alpha plane.</param>
    public static void FromTensor(ReadOnlySpan<float> source, RgbaImage image, ValueRange range, ChannelOrder order, byte alpha = 255)
    {
        if (image is null) throw new ArgumentNullException(nameof(image));
        FromTensor(source, image.Width, image.Height, image.Pixels, image.Width * 4, range, order, alpha);
    }

    /// <summary>
    /// Converts <c>[planes, height, width]</c> into RGBA8 rows <paramref name="destinationStride"/> bytes apart
    /// (for example a mapped upload slot with padded rows).
    /// </summary>
    public static void FromTensor(ReadOnlySpan<float> source, int width, int height, Span<byte> destination, int destinationStride,
        ValueRange range, ChannelOrder order, byte alpha = 255) =>
        FromTensorRegion(source, width, height, 0, 0, width, height, destination, destinationStride, 0, 0, range, order, alpha, SimdAvailable);

    /// <summary>
    /// Writes the window (<paramref name="srcX"/>, <paramref name="srcY"/>, <paramref name="width"/> x
    /// <paramref name="height"/>) of a <c>[planes, tensorHeight, tensorWidth]</c> tensor into <paramref name="image"/>
    /// at (<paramref name="dstX"/>, <paramref name="dstY"/>) (for example a tile without its context margin).
    /// </summary>
    public static void FromTensorRegion(ReadOnlySpan<float> source, int tensorWidth, int tensorHeight, int srcX, int srcY, int width, int height,
        RgbaImage image, int dstX, int dstY, ValueRange range, ChannelOrder order, byte alpha = 255)
    {
        if (image is null) throw new ArgumentNullException(nameof(image));
        if (dstX < 0 || dstY < 0 || dstX + width > image.Width || dstY + height > image.Height)
            throw new ArgumentOutOfRangeException(nameof(dstX), $"Destination ({dstX}, {dstY}, {width}x{height}) is not inside the {image.Width}x{image.Height} image.");
        FromTensorRegion(source, tensorWidth, tensorHeight, srcX, srcY, width, height, image.Pixels, image.Width * 4, dstX, dstY, range, order, alpha, SimdAvailable);
    }

    internal static void FromTensorRegion(ReadOnlySpan<float> source, int tensorWidth, int tensorHeight, int srcX, int srcY, int width, int height,
        Span<byte> destination, int destinationStride, int dstX, int dstY, ValueRange range, ChannelOrder order, byte alpha, bool simd)
    {
        CheckSize(tensorWidth, tensorHeight);
        CheckSize(width, height);
        CheckTensor(source.Length, order.PlaneCount(), tensorWidth, tensorHeight, nameof(source));
        if (srcX < 0 || srcY < 0 || srcX + width > tensorWidth || srcY + height > tensorHeight)
            throw new ArgumentOutOfRangeException(nameof(srcX), $"Window ({srcX}, {srcY}, {width}x{height}) is not inside the {tensorWidth}x{tensorHeight} tensor.");
        if (destinationStride < (dstX + width) * 4)
            throw new ArgumentOutOfRangeException(nameof(destinationStride), $"A row stride of {destinationStride} bytes cannot hold {dstX + width} RGBA8 pixels.");
        long needed = (long)(dstY + height - 1) * destinationStride + (dstX + width) * 4L;
        if (destination.Length < needed)
            throw new ArgumentException($"The destination needs at least {needed} bytes, but only {destination.Length} were given.", nameof(destination));
        int planeStride = tensorWidth * tensorHeight;
        if (srcX == 0 && width == tensorWidth && dstX == 0 && destinationStride == width * 4)
        {
            // Contiguous on both sides: one long row.
            PlanesToRow(source, planeStride, srcY * tensorWidth, destination.Slice(dstY * destinationStride, width * height * 4), width * height, range, order, alpha, simd);
            return;
        }
        for (int y = 0; y < height; y++)
        {
            Span<byte> row = destination.Slice((dstY + y) * destinationStride + dstX * 4, width * 4);
            PlanesToRow(source, planeStride, (srcY + y) * tensorWidth + srcX, row, width, range, order, alpha, simd);
        }
    }

    /// <summary>RGBA8 pixels to plane values, <c>count = rgba.Length / 4</c> pixels starting at plane offset <paramref name="offset"/>.</summary>
    internal static void RowToPlanes(ReadOnlySpan<byte> rgba, Span<float> planes, int planeStride, int offset, ValueRange range, ChannelOrder order, bool simd)
    {
        int count = rgba.Length / 4;
        float lo = range.Lo;
        float scale = (range.Hi - range.Lo) / 255f;
        int planeCount = order.PlaneCount();
        for (int p = 0; p < planeCount; p++)
        {
            int b = order.SourceByte(p);
            Span<float> dst = planes.Slice(p * planeStride + offset, count);
            int i = 0;
            if (simd && count >= Vector<int>.Count)
            {
                ReadOnlySpan<int> packed = MemoryMarshal.Cast<byte, int>(rgba);
                var mask = new Vector<int>(0xFF << (8 * b));
                // (b * 2^(8k)) * (scale * 2^(-8k)) rounds exactly like b * scale: powers of two scale exactly.
                var factor = new Vector<float>(scale / (1 << (8 * b)));
                var offsetLo = new Vector<float>(lo);
                var twoPow32 = new Vector<float>(4294967296f);
                int last = count - Vector<int>.Count;
                for (; i <= last; i += Vector<int>.Count)
                {
                    Vector<int> bits = Load(packed, i) & mask;
                    Vector<float> f = Vector.ConvertToSingle(bits);
                    if (b == 3)
                    {
                        // Alpha >= 128 sets the sign bit: undo the two's complement exactly.
                        f = Vector.ConditionalSelect(Vector.LessThan(f, Vector<float>.Zero), f + twoPow32, f);
                    }
                    Store(dst, i, f * factor + offsetLo);
                }
            }
            for (; i < count; i++)
                dst[i] = rgba[i * 4 + b] * scale + lo;
        }
    }

    /// <summary>Plane values starting at <paramref name="offset"/> to <c>rgba.Length / 4</c> RGBA8 pixels.</summary>
    internal static void PlanesToRow(ReadOnlySpan<float> planes, int planeStride, int offset, Span<byte> rgba, int count, ValueRange range, ChannelOrder order, byte alpha, bool simd)
    {
        float lo = range.Lo;
        float inv = 255f / (range.Hi - range.Lo);
        int planeCount = order.PlaneCount();
        // Bytes of each pixel that no plane writes: alpha for 3-plane and grey orders, RGB for the alpha order.
        int keepMask = order == ChannelOrder.A ? 0x00FFFFFF : 0;
        int constant = order is ChannelOrder.Rgb or ChannelOrder.Bgr or ChannelOrder.R ? alpha << 24 : 0;
        Span<int> packed = MemoryMarshal.Cast<byte, int>(rgba.Slice(0, count * 4));
        int i = 0;
        if (simd && count >= Vector<int>.Count)
        {
            var vLo = new Vector<float>(lo);
            var vInv = new Vector<float>(inv);
            var half = new Vector<float>(0.5f);
            var max = new Vector<float>(255f);
            var vKeep = new Vector<int>(keepMask);
            var vConstant = new Vector<int>(constant);
            int last = count - Vector<int>.Count;
            for (; i <= last; i += Vector<int>.Count)
            {
                Vector<int> acc = (Load(packed, i) & vKeep) | vConstant;
                for (int p = 0; p < planeCount; p++)
                {
                    Vector<float> v = Load(planes, p * planeStride + offset + i);
                    Vector<float> t = (v - vLo) * vInv + half;
                    t = Vector.ConditionalSelect(Vector.Equals(t, t), t, Vector<float>.Zero);
                    t = Vector.Min(Vector.Max(t, Vector<float>.Zero), max);
                    Vector<int> q = Vector.ConvertToInt32(t);
                    acc |= q * new Vector<int>(Multiplier(order, p));
                }
                Store(packed, i, acc);
            }
        }
        for (; i < count; i++)
        {
            int acc = (packed[i] & keepMask) | constant;
            for (int p = 0; p < planeCount; p++)
            {
                float t = (planes[p * planeStride + offset + i] - lo) * inv + 0.5f;
                if (float.IsNaN(t))
                    t = 0f;
                t = t < 0f ? 0f : t > 255f ? 255f : t;
                acc |= unchecked((int)t * Multiplier(order, p));
            }
            packed[i] = acc;
        }
    }

    // Where plane p's byte lands in the little-endian packed pixel; grey fills R, G and B.
    private static int Multiplier(ChannelOrder order, int plane) =>
        order == ChannelOrder.R ? 0x010101 : unchecked(1 << (8 * order.SourceByte(plane)));

    // Span-based Vector constructors and CopyTo are missing on netstandard2.1; reinterpretation works on both.
    private static Vector<T> Load<T>(ReadOnlySpan<T> span, int start) where T : struct =>
        MemoryMarshal.Cast<T, Vector<T>>(span.Slice(start, Vector<T>.Count))[0];

    private static void Store<T>(Span<T> span, int start, Vector<T> value) where T : struct =>
        MemoryMarshal.Cast<T, Vector<T>>(span.Slice(start, Vector<T>.Count))[0] = value;

    private static int Wrap(int value, int period)
    {
        int r = value % period;
        return r < 0 ? r + period : r;
    }

    private static void CheckSize(int width, int height)
    {
        if (width <= 0 || height <= 0)
            throw new ArgumentOutOfRangeException(nameof(width), $"Size must be positive, not {width}x{height}.");
    }

    private static void CheckTensor(int length, int planes, int width, int height, string name)
    {
        long needed = (long)planes * width * height;
        if (length < needed)
            throw new ArgumentException($"A [{planes}, {height}, {width}] tensor needs {needed} floats, but {length} were given.", name);
    }
}

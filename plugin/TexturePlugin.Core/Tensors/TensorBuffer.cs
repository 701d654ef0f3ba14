using System.Buffers;

namespace TexturePlugin.Core.Tensors;

/// <summary>
/// A float tensor whose storage is rented from <see cref="ArrayPool{T}.Shared"/> and returned on
/// <see cref="Dispose"/>. Hold one per stream of frames and reuse it: steady state allocates nothing.
/// </summary>
public sealed class TensorBuffer : IDisposable
{
    private float[]? _array;

    private TensorBuffer(int[] shape, int length)
    {
        Shape = shape;
        Length = length;
        _array = ArrayPool<float>.Shared.Rent(length);
    }

    /// <summary>Rents a buffer for <paramref name="shape"/> (for example 1, 3, H, W); contents are not cleared.</summary>
    public static TensorBuffer Rent(params int[] shape)
    {
        if (shape is null || shape.Length == 0)
            throw new ArgumentException("A tensor shape needs at least one dimension.", nameof(shape));
        long length = 1;
        foreach (int d in shape)
        {
            if (d <= 0)
                throw new ArgumentOutOfRangeException(nameof(shape), $"Tensor dimensions must be positive, not [{string.Join(", ", shape)}].");
            length *= d;
            if (length > int.MaxValue)
                throw new ArgumentOutOfRangeException(nameof(shape), $"Tensor [{string.Join(", ", shape)}] is too large for one array.");
        }
        return new TensorBuffer((int[])shape.Clone(), (int)length);
    }

    /// <summary>The tensor's dimensions (do not modify).</summary>
    public IReadOnlyList<int> Shape { get; }

    /// <summary>Number of elements (product of the shape).</summary>
    public int Length { get; }

    /// <summary>The elements; the rented array may be longer, this span is exactly <see cref="Length"/>.</summary>
    public Span<float> Span => Array.AsSpan(0, Length);

    /// <summary>The elements as <see cref="Memory{T}"/>.</summary>
    public Memory<float> Memory => Array.AsMemory(0, Length);

    /// <summary>The rented array (at least <see cref="Length"/> long).</summary>
    public float[] Array => _array ?? throw new ObjectDisposedException(nameof(TensorBuffer));

    /// <summary>Sets every element to <paramref name="value"/>.</summary>
    public void Fill(float value) => Span.Fill(value);

    public void Dispose()
    {
        float[]? array = Interlocked.Exchange(ref _array, null);
        if (array is not null)
            ArrayPool<float>.Shared.Return(array);
    }
}

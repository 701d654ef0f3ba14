using NUnit.Framework;
using TexturePlugin.Core.Imaging;
using TexturePlugin.Core.Tensors;

namespace TexturePlugin.Core.Tests.Tensors;

[TestFixture]
public sealed class TensorConvertTests
{
    private static readonly ChannelOrder[] Orders = { ChannelOrder.Rgb, ChannelOrder.Bgr, ChannelOrder.Rgba, ChannelOrder.Bgra, ChannelOrder.R, ChannelOrder.A };
    private static readonly ValueRange[] Ranges = { ValueRange.MinusOneToOne, ValueRange.ZeroToOne, new(-0.5f, 2.25f) };

    private static RgbaImage RandomImage(int width, int height, int seed)
    {
        var image = new RgbaImage(width, height);
        new Random(seed).NextBytes(image.Pixels);
        return image;
    }

    // Independent scalar reference: straight from the documented formulas, no shared code.
    private static float[] ReferenceToTensor(RgbaImage image, ValueRange range, ChannelOrder order)
    {
        int planes = order.PlaneCount(), n = image.Width * image.Height;
        var result = new float[planes * n];
        float scale = (range.Hi - range.Lo) / 255f;
        for (int p = 0; p < planes; p++)
        {
            int source = order switch
            {
                ChannelOrder.Rgb or ChannelOrder.Rgba => p,
                ChannelOrder.Bgr or ChannelOrder.Bgra => p == 3 ? 3 : 2 - p,
                ChannelOrder.R => 0,
                _ => 3,
            };
            for (int i = 0; i < n; i++)
                result[p * n + i] = image.Pixels[i * 4 + source] * scale + range.Lo;
        }
        return result;
    }

    private static byte ReferenceByte(float v, ValueRange range)
    {
        float t = (v - range.Lo) * (255f / (range.Hi - range.Lo)) + 0.5f;
        if (float.IsNaN(t)) return 0;
        if (t < 0f) return 0;
        if (t > 255f) return 255;
        return (byte)(int)t;
    }

    [Test]
    public void To_tensor_matches_the_scalar_reference_bit_for_bit([Values(true, false)] bool simd)
    {
        foreach ((int w, int h) in new[] { (1, 1), (37, 5), (64, 64), (3, 29) })
            foreach (ChannelOrder order in Orders)
                foreach (ValueRange range in Ranges)
                {
                    RgbaImage image = RandomImage(w, h, w * 1000 + h);
                    float[] expected = ReferenceToTensor(image, range, order);
                    var actual = new float[expected.Length];
                    TensorConvert.ToTensor(image.Pixels, w, h, actual, range, order, simd);
                    for (int i = 0; i < expected.Length; i++)
                        if (BitConverter.SingleToInt32Bits(expected[i]) != BitConverter.SingleToInt32Bits(actual[i]))
                            Assert.Fail($"{w}x{h} {order} {range} simd={simd}: element {i} expected {expected[i]:R}, got {actual[i]:R}");
                }
    }

    [Test]
    public void From_tensor_matches_the_scalar_reference_including_nan_and_out_of_range([Values(true, false)] bool simd)
    {
        var rng = new Random(5);
        float[] specials = { float.NaN, float.PositiveInfinity, float.NegativeInfinity, -7f, 7f, -1f, 1f, 0f, 0.0039215f, -0.99999f };
        foreach ((int w, int h) in new[] { (1, 1), (37, 5), (16, 16) })
            foreach (ChannelOrder order in Orders)
                foreach (ValueRange range in Ranges)
                {
                    int planes = order.PlaneCount(), n = w * h;
                    var tensor = new float[planes * n];
                    for (int i = 0; i < tensor.Length; i++)
                        tensor[i] = i % 7 == 0 ? specials[rng.Next(specials.Length)] : (float)(rng.NextDouble() * 3.4 - 1.7);
                    RgbaImage before = RandomImage(w, h, 77);
                    RgbaImage actual = before.Clone();
                    TensorConvert.FromTensorRegion(tensor, w, h, 0, 0, w, h, actual.Pixels, w * 4, 0, 0, range, order, 200, simd);
                    for (int i = 0; i < n; i++)
                    {
                        var expected = new byte[4];
                        Array.Copy(before.Pixels, i * 4, expected, 0, 4);
                        switch (order)
                        {
                            case ChannelOrder.Rgb: case ChannelOrder.Bgr:
                                for (int p = 0; p < 3; p++)
                                    expected[order == ChannelOrder.Rgb ? p : 2 - p] = ReferenceByte(tensor[p * n + i], range);
                                expected[3] = 200;
                                break;
                            case ChannelOrder.Rgba: case ChannelOrder.Bgra:
                                for (int p = 0; p < 4; p++)
                                    expected[order == ChannelOrder.Rgba || p == 3 ? p : 2 - p] = ReferenceByte(tensor[p * n + i], range);
                                break;
                            case ChannelOrder.R:
                                expected[0] = expected[1] = expected[2] = ReferenceByte(tensor[i], range);
                                expected[3] = 200;
                                break;
                            case ChannelOrder.A:
                                expected[3] = ReferenceByte(tensor[i], range);
                                break;
                        }
                        Assert.That(actual.Pixels.AsSpan(i * 4, 4).ToArray(), Is.EqualTo(expected),
                            $"{w}x{h} {order} {range} simd={simd}: pixel {i}, tensor values {string.Join(", ", Enumerable.Range(0, planes).Select(p => tensor[p * n + i]))}");
                    }
                }
    }

    [Test]
    public void Pixels_survive_a_round_trip_through_every_order_and_range()
    {
        RgbaImage image = RandomImage(41, 13, 3);
        foreach (ValueRange range in Ranges)
        {
            foreach (ChannelOrder order in new[] { ChannelOrder.Rgba, ChannelOrder.Bgra })
            {
                var tensor = new float[4 * 41 * 13];
                TensorConvert.ToTensor(image, tensor, range, order);
                var back = new RgbaImage(41, 13);
                TensorConvert.FromTensor(tensor, back, range, order);
                Assert.That(back.Pixels, Is.EqualTo(image.Pixels), $"{order} {range}");
            }
            var rgb = new float[3 * 41 * 13];
            TensorConvert.ToTensor(image, rgb, range, ChannelOrder.Bgr);
            var back3 = new RgbaImage(41, 13);
            TensorConvert.FromTensor(rgb, back3, range, ChannelOrder.Bgr, alpha: 255);
            for (int i = 0; i < image.Pixels.Length; i++)
                Assert.That(back3.Pixels[i], Is.EqualTo(i % 4 == 3 ? (byte)255 : image.Pixels[i]), $"byte {i} {range}");
        }
    }

    [Test]
    public void Value_range_ends_map_to_0_and_255()
    {
        var image = new RgbaImage(2, 1, new byte[] { 0, 0, 0, 0, 255, 255, 255, 255 });
        var tensor = new float[3 * 2];
        TensorConvert.ToTensor(image, tensor, ValueRange.MinusOneToOne, ChannelOrder.Rgb);
        Assert.That(tensor, Is.EqualTo(new[] { -1f, 1f, -1f, 1f, -1f, 1f }));
        Assert.That(ValueRange.MinusOneToOne.Middle, Is.EqualTo(0f));
    }

    [Test]
    public void Wrapped_window_reads_across_the_edges([Values(true, false)] bool simd)
    {
        RgbaImage image = RandomImage(10, 6, 9);
        int x0 = -3, y0 = 4, w = 25, h = 9; // wider than the image and straddling both edges
        var actual = new float[3 * w * h];
        TensorConvert.ToTensorWrapped(image, x0, y0, w, h, actual, ValueRange.ZeroToOne, ChannelOrder.Rgb, simd);
        for (int y = 0; y < h; y++)
            for (int x = 0; x < w; x++)
                for (int c = 0; c < 3; c++)
                {
                    int sx = ((x0 + x) % 10 + 10) % 10, sy = ((y0 + y) % 6 + 6) % 6;
                    float expected = image.Pixels[(sy * 10 + sx) * 4 + c] * (1f / 255f);
                    Assert.That(actual[c * w * h + y * w + x], Is.EqualTo(expected), $"({x}, {y}) channel {c}");
                }
    }

    [Test]
    public void Region_and_strided_output_touch_only_their_pixels()
    {
        // A 6x5 tensor; write its window (1, 2, 4x3) into a 9-wide image at (5, 1).
        var tensor = new float[3 * 6 * 5];
        for (int i = 0; i < tensor.Length; i++)
            tensor[i] = (i % 11) / 10f;
        var image = new RgbaImage(9, 4);
        image.Pixels.AsSpan().Fill(7);
        TensorConvert.FromTensorRegion(tensor, 6, 5, 1, 2, 4, 3, image, 5, 1, ValueRange.ZeroToOne, ChannelOrder.Rgb, alpha: 99);
        for (int y = 0; y < 4; y++)
            for (int x = 0; x < 9; x++)
            {
                bool inside = x >= 5 && y >= 1 && y < 4;
                Span<byte> p = image.Pixel(x, y);
                if (!inside)
                {
                    Assert.That(p.ToArray(), Is.EqualTo(new byte[] { 7, 7, 7, 7 }), $"outside pixel ({x}, {y}) changed");
                    continue;
                }
                int tx = x - 5 + 1, ty = y - 1 + 2;
                for (int c = 0; c < 3; c++)
                    Assert.That(p[c], Is.EqualTo(ReferenceByte(tensor[c * 30 + ty * 6 + tx], ValueRange.ZeroToOne)), $"({x}, {y}) channel {c}");
                Assert.That(p[3], Is.EqualTo(99));
            }

        // Padded rows (an upload slot with a 40-byte stride for 8 pixels of 4 bytes... 32 used).
        var slot = new byte[40 * 5];
        var t2 = new float[3 * 8 * 5];
        t2.AsSpan().Fill(1f);
        TensorConvert.FromTensor(t2, 8, 5, slot, 40, ValueRange.ZeroToOne, ChannelOrder.Rgb);
        for (int row = 0; row < 5; row++)
        {
            Assert.That(slot.AsSpan(row * 40, 32).ToArray(), Is.All.EqualTo(255), $"row {row}");
            Assert.That(slot.AsSpan(row * 40 + 32, 8).ToArray(), Is.All.EqualTo(0), $"padding of row {row}");
        }
    }

    [Test]
    public void Short_buffers_are_refused_with_the_numbers()
    {
        RgbaImage image = RandomImage(4, 4, 1);
        var e = Assert.Throws<ArgumentException>(() => TensorConvert.ToTensor(image, new float[47], ValueRange.ZeroToOne, ChannelOrder.Rgb))!;
        Assert.That(e.Message, Does.Contain("48").And.Contain("47"));
        var e2 = Assert.Throws<ArgumentException>(() => TensorConvert.FromTensor(new float[48], 4, 4, new byte[60], 16, ValueRange.ZeroToOne, ChannelOrder.Rgb))!;
        Assert.That(e2.Message, Does.Contain("64").And.Contain("60"));
    }

    [Test]
    public void Conversion_allocates_nothing_in_steady_state()
    {
        RgbaImage image = RandomImage(128, 64, 2);
        using TensorBuffer tensor = TensorBuffer.Rent(1, 3, 64, 128);
        var output = new RgbaImage(128, 64);
        for (int warm = 0; warm < 3; warm++)
        {
            TensorConvert.ToTensor(image, tensor.Span, ValueRange.MinusOneToOne, ChannelOrder.Rgb);
            TensorConvert.FromTensor(tensor.Span, output, ValueRange.MinusOneToOne, ChannelOrder.Rgb);
            TensorConvert.ToTensorWrapped(image, -5, -5, 128, 64, tensor.Span, ValueRange.MinusOneToOne, ChannelOrder.Rgb);
        }
        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < 20; i++)
        {
            TensorConvert.ToTensor(image, tensor.Span, ValueRange.MinusOneToOne, ChannelOrder.Rgb);
            TensorConvert.FromTensor(tensor.Span, output, ValueRange.MinusOneToOne, ChannelOrder.Rgb);
            TensorConvert.ToTensorWrapped(image, -5, -5, 128, 64, tensor.Span, ValueRange.MinusOneToOne, ChannelOrder.Rgb);
        }
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.That(allocated, Is.EqualTo(0), "bytes allocated by 20 conversions");
        Assert.That(output.Pixels, Is.EqualTo(image.Pixels.Select((b, i) => i % 4 == 3 ? (byte)255 : b).ToArray()));
    }

    [Test]
    public void Tensor_buffer_rents_and_returns()
    {
        TensorBuffer buffer = TensorBuffer.Rent(1, 8, 3, 5);
        Assert.That(buffer.Length, Is.EqualTo(120));
        Assert.That(buffer.Span.Length, Is.EqualTo(120));
        Assert.That(buffer.Array.Length, Is.GreaterThanOrEqualTo(120));
        Assert.That(buffer.Shape, Is.EqualTo(new[] { 1, 8, 3, 5 }));
        buffer.Fill(2f);
        Assert.That(buffer.Span.ToArray(), Is.All.EqualTo(2f));
        buffer.Dispose();
        buffer.Dispose(); // twice is fine
        Assert.Throws<ObjectDisposedException>(() => _ = buffer.Array);
        Assert.Throws<ArgumentOutOfRangeException>(() => TensorBuffer.Rent(1, 0, 4));
    }
}

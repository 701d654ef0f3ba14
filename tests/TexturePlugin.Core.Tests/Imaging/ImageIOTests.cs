using NUnit.Framework;
using TexturePlugin.Core.Imaging;

namespace TexturePlugin.Core.Tests.Imaging;

[TestFixture]
public sealed class ImageIOTests
{
    private TempFolder _temp = null!;

    [SetUp]
    public void SetUp() => _temp = new TempFolder();

    [TearDown]
    public void TearDown() => _temp.Dispose();

    // PNG colour types: 0 grey, 2 RGB, 4 grey+alpha, 6 RGBA; at 8 and 16 bits.
    [TestCase(0, 8)]
    [TestCase(2, 8)]
    [TestCase(4, 8)]
    [TestCase(6, 8)]
    [TestCase(0, 16)]
    [TestCase(2, 16)]
    [TestCase(4, 16)]
    [TestCase(6, 16)]
    public void Png_every_colour_type_and_depth_loads_as_rgba(int colorType, int depth)
    {
        int w = Pattern.Width, h = Pattern.Height;
        int channels = colorType switch { 0 => 1, 2 => 3, 4 => 2, _ => 4 };
        var samples = new int[w * h * channels];
        var expected8 = new RgbaImage(w, h);
        var expected16 = new ushort[w * h * 4];
        for (int y = 0; y < h; y++)
            for (int x = 0; x < w; x++)
            {
                var (r, g, b, a) = Pattern.At(x, y);
                int[] rgba = colorType switch
                {
                    0 => new int[] { r, r, r, 255 },
                    2 => new int[] { r, g, b, 255 },
                    4 => new int[] { r, r, r, a },
                    _ => new int[] { r, g, b, a },
                };
                int[] stored = colorType switch
                {
                    0 => new[] { rgba[0] },
                    2 => new[] { rgba[0], rgba[1], rgba[2] },
                    4 => new[] { rgba[0], rgba[3] },
                    _ => rgba,
                };
                int p = y * w + x;
                for (int c = 0; c < channels; c++)
                {
                    // 16-bit: a low byte that differs from the high one, so lost precision shows.
                    samples[p * channels + c] = depth == 16 ? stored[c] * 256 + (x + y + c) % 256 : stored[c];
                }
                for (int c = 0; c < 4; c++)
                {
                    expected8.Pixels[p * 4 + c] = (byte)rgba[c];
                    bool opaqueFill = (colorType is 0 or 2) && c == 3;
                    int sourceChannel = colorType switch { 0 => 0, 4 => c == 3 ? 1 : 0, _ => c };
                    expected16[p * 4 + c] = opaqueFill ? (ushort)65535
                        : depth == 16 ? (ushort)samples[p * channels + sourceChannel] : (ushort)(rgba[c] * 257);
                }
            }
        string path = _temp.File($"ct{colorType}_{depth}.png");
        File.WriteAllBytes(path, PngTestWriter.Encode(w, h, colorType, depth, samples));

        RgbaImage loaded = ImageIO.Load(path);
        var (max, where) = Pattern.Compare(expected8, loaded);
        Assert.That(max, Is.EqualTo(0), where);

        Rgba16Image loaded16 = ImageIO.Load16(path);
        Assert.That(loaded16.Width, Is.EqualTo(w));
        Assert.That(loaded16.Pixels, Is.EqualTo(expected16));
        Assert.That(ImageIO.BitsPerChannel(path), Is.EqualTo(depth));
    }

    [TestCase(".png")]
    [TestCase(".tga")]
    public void Lossless_formats_round_trip_exactly(string ext)
    {
        RgbaImage image = Pattern.Image(33, 17);
        string path = _temp.File("round" + ext);
        ImageIO.Save(image, path);
        var (max, where) = Pattern.Compare(image, ImageIO.Load(path));
        Assert.That(max, Is.EqualTo(0), where);
    }

    [Test]
    public void Bmp_round_trips_colour_exactly()
    {
        RgbaImage image = Pattern.Image(33, 17);
        string path = _temp.File("round.bmp");
        ImageIO.Save(image, path);
        RgbaImage loaded = ImageIO.Load(path);
        var (max, where) = Pattern.Compare(image, loaded, alpha: false);
        Assert.That(max, Is.EqualTo(0), where);
    }

    [Test]
    public void Jpeg_round_trips_within_tolerance()
    {
        // A smooth image: what JPEG is for. Per-pixel and overall thresholds, like a tolerant image comparer.
        var image = new RgbaImage(64, 48);
        for (int y = 0; y < 48; y++)
            for (int x = 0; x < 64; x++)
            {
                Span<byte> p = image.Pixel(x, y);
                p[0] = (byte)(x * 4); p[1] = (byte)(y * 5); p[2] = (byte)(128 + 60 * Math.Sin(x * 0.2)); p[3] = 255;
            }
        string path = _temp.File("smooth.jpg");
        ImageIO.Save(image, path, jpegQuality: 95);
        RgbaImage loaded = ImageIO.Load(path);
        var (max, where) = Pattern.Compare(image, loaded);
        double mean = image.Pixels.Zip(loaded.Pixels, (a, b) => Math.Abs(a - b)).Average();
        Assert.That(mean, Is.LessThan(2.0), $"mean abs error; worst {where}");
        Assert.That(max, Is.LessThan(24), where);
    }

    [Test]
    public void Gif_fixture_loads_exactly()
    {
        RgbaImage loaded = ImageIO.Load(TestPaths.ImageFixture("pattern.gif"));
        var expected = new RgbaImage(Pattern.Width, Pattern.Height);
        for (int y = 0; y < Pattern.Height; y++)
            for (int x = 0; x < Pattern.Width; x++)
            {
                Span<byte> p = expected.Pixel(x, y);
                p[0] = (byte)(16 * (x % 4)); p[1] = (byte)(16 * y); p[2] = 128; p[3] = 255;
            }
        var (max, where) = Pattern.Compare(expected, loaded);
        Assert.That(max, Is.EqualTo(0), where);
    }

    [TestCase("pattern_pil.tga", true)]
    [TestCase("pattern_pil.bmp", false)]
    public void Fixtures_written_by_other_encoders_load_exactly(string name, bool hasAlpha)
    {
        RgbaImage loaded = ImageIO.Load(TestPaths.ImageFixture(name));
        RgbaImage expected = Pattern.Image();
        var (max, where) = Pattern.Compare(expected, loaded, alpha: hasAlpha);
        Assert.That(max, Is.EqualTo(0), where);
        if (!hasAlpha)
            Assert.That(loaded.Pixels.Where((_, i) => i % 4 == 3), Is.All.EqualTo(255));
    }

    [Test]
    public void Psd_with_alpha_loads_with_the_white_matte_removed()
    {
        RgbaImage loaded = ImageIO.Load(TestPaths.ImageFixture("pattern.psd"));
        RgbaImage expected = Pattern.Image();
        // Un-matting divides by alpha (>= 119 here): a couple of levels of rounding.
        var (max, where) = Pattern.Compare(expected, loaded, alpha: false);
        Assert.That(max, Is.LessThanOrEqualTo(3), where);
        Assert.That(loaded.Pixels.Where((_, i) => i % 4 == 3), Is.EqualTo(expected.Pixels.Where((_, i) => i % 4 == 3)));
    }

    [Test]
    public void Psd_16_bit_keeps_its_precision()
    {
        string path = TestPaths.ImageFixture("pattern16.psd");
        Rgba16Image loaded16 = ImageIO.Load16(path);
        RgbaImage loaded8 = ImageIO.Load(path);
        for (int y = 0; y < Pattern.Height; y++)
            for (int x = 0; x < Pattern.Width; x++)
            {
                var (r, g, b, _) = Pattern.At(x, y);
                int p = (y * Pattern.Width + x) * 4;
                Assert.That(new[] { loaded16.Pixels[p], loaded16.Pixels[p + 1], loaded16.Pixels[p + 2], loaded16.Pixels[p + 3] },
                    Is.EqualTo(new ushort[] { (ushort)(r * 256 + x + y), (ushort)(g * 256 + x + y), (ushort)(b * 256 + x + y), 65535 }), $"pixel ({x}, {y})");
                Assert.That(loaded8.Pixels[p], Is.EqualTo(r), $"8-bit red at ({x}, {y})");
            }
    }

    [Test]
    public void Hdr_fixture_is_tone_mapped_back_to_the_pattern()
    {
        RgbaImage loaded = ImageIO.Load(TestPaths.ImageFixture("pattern.hdr"));
        var expected = Pattern.Image();
        for (int i = 0; i < expected.Pixels.Length; i += 4)
            expected.Pixels[i + 1] = expected.Pixels[i + 2] = expected.Pixels[i];
        var (max, where) = Pattern.Compare(expected, loaded, alpha: false);
        // RGBE keeps an 8-bit mantissa: within a few levels after the gamma.
        Assert.That(max, Is.LessThanOrEqualTo(3), where);
        Assert.That(loaded.Pixels.Where((_, i) => i % 4 == 3), Is.All.EqualTo(255));
    }

    [Test]
    public void Missing_file_names_the_path()
    {
        string path = _temp.File("nope.png");
        var e = Assert.Throws<ImageFileException>(() => ImageIO.Load(path))!;
        Assert.That(e.Message, Does.Contain(path).And.Contain("does not exist"));
        Assert.That(e.FilePath, Is.EqualTo(path));
    }

    [Test]
    public void Text_file_is_not_an_image()
    {
        string path = _temp.File("notes.png");
        File.WriteAllText(path, "this is not a picture at all");
        var e = Assert.Throws<ImageFileException>(() => ImageIO.Load(path))!;
        Assert.That(e.Message, Does.Contain(path).And.Contain("not a readable image"));
        Assert.Throws<ImageFileException>(() => ImageIO.Load16(path));
    }

    [Test]
    public void Empty_and_truncated_files_fail_clearly()
    {
        string empty = _temp.File("empty.png");
        File.WriteAllBytes(empty, Array.Empty<byte>());
        Assert.That(Assert.Throws<ImageFileException>(() => ImageIO.Load(empty))!.Message, Does.Contain("empty"));

        string full = _temp.File("full.png");
        ImageIO.Save(Pattern.Image(40, 40), full);
        byte[] bytes = File.ReadAllBytes(full);
        string cut = _temp.File("cut.png");
        File.WriteAllBytes(cut, bytes.AsSpan(0, bytes.Length / 2).ToArray());
        var e = Assert.Throws<ImageFileException>(() => ImageIO.Load(cut))!;
        Assert.That(e.Message, Does.Contain(cut));
    }

    [Test]
    public void Unknown_save_extension_is_refused_and_writes_nothing()
    {
        string path = _temp.File("out.webp");
        var e = Assert.Throws<ImageFileException>(() => ImageIO.Save(Pattern.Image(), path))!;
        Assert.That(e.Message, Does.Contain(".webp").And.Contain(".png"));
        Assert.That(Directory.GetFiles(_temp.Path), Is.Empty);
    }

    [Test]
    public void Rgba_image_checks_its_buffer()
    {
        var e = Assert.Throws<ArgumentException>(() => new RgbaImage(4, 4, new byte[63]))!;
        Assert.That(e.Message, Does.Contain("64").And.Contain("63"));
        RgbaImage image = Pattern.Image();
        RgbaImage copy = image.Clone();
        copy.Pixels[0] ^= 0xFF;
        Assert.That(image.Pixels[0], Is.Not.EqualTo(copy.Pixels[0]));
        Assert.That(image.Row(2).Length, Is.EqualTo(Pattern.Width * 4));
        Assert.That(image.Row(2)[4], Is.EqualTo(Pattern.At(1, 2).R));
    }
}

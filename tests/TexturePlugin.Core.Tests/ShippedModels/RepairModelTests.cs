namespace TexturePlugin.Core.Tests.ShippedModels;

/// <summary>The shipped repair model: manifest and ONNX agree, it runs at several sizes, it matches
/// the saved PyTorch output, compositing leaves intact pixels bit-exact, and the fill of a held-out
/// texture (astro_turf.jpg, supertuxkart-data, CC0) has the right colour and real texture.</summary>
[TestFixture]
public class RepairModelTests
{
    private const string Name = "repair";
    private const int Size = 64;

    [Test]
    public void ManifestMatchesOnnxMetadataAndGraph()
    {
        var m = ShippedModelFiles.Manifest(Name);
        using var s = ShippedModelFiles.Open(Name);
        var meta = s.ModelMetadata.CustomMetadataMap;
        Assert.That(m.GetProperty("kind").GetString(), Is.EqualTo("repair"));
        Assert.That(meta["texplug.kind"], Is.EqualTo("repair"));
        Assert.That(meta["texplug.size_multiple"], Is.EqualTo(m.GetProperty("size_multiple").GetInt32().ToString()));
        Assert.That(meta["texplug.tileable"], Is.EqualTo("true"));
        Assert.That(s.InputMetadata.Keys, Is.EquivalentTo(new[] { "image", "mask", "guide" }));
        var roles = m.GetProperty("inputs").EnumerateArray().ToDictionary(
            i => i.GetProperty("role").GetString()!, i => i.GetProperty("channels").GetInt32());
        Assert.That(roles, Is.EquivalentTo(new Dictionary<string, int> { ["image"] = 3, ["mask"] = 1, ["guide"] = 3 }));
        Assert.That(s.OutputMetadata.Keys.Single(), Is.EqualTo(m.GetProperty("output").GetProperty("name").GetString()));
        Assert.That(m.GetProperty("guide").GetProperty("scale").GetInt32(), Is.EqualTo(4));
        Assert.That(m.GetProperty("guide").GetProperty("patch").GetInt32(), Is.EqualTo(5));
    }

    [Test]
    public void RunsAtSeveralSizes()
    {
        using var s = ShippedModelFiles.Open(Name);
        foreach (var (h, w) in new[] { (64, 64), (96, 128), (256, 256) })
        {
            int n = h * w;
            var img = ShippedModelFiles.Gaussian(3 * n, 1).Select(v => Math.Clamp(v * 0.3f, -1f, 1f)).ToArray();
            var mask = new float[n];
            for (int y = h / 4; y < h / 2; y++)
            {
                for (int x = w / 4; x < w / 2; x++)
                {
                    mask[y * w + x] = 1;
                }
            }

            var (o, shape) = ShippedModelFiles.Run(s, ("image", img, new long[] { 1, 3, h, w }),
                ("mask", mask, new long[] { 1, 1, h, w }), ("guide", img, new long[] { 1, 3, h, w }));
            Assert.That(shape, Is.EqualTo(new long[] { 1, 3, h, w }), $"at {w}x{h}");
            Assert.That(o.All(v => v >= -1f && v <= 1f), Is.True, $"at {w}x{h}: values outside [-1, 1]");
        }
    }

    [Test]
    public void MatchesSavedPyTorchOutputAndCompositingKeepsIntactPixels()
    {
        int n = Size * Size;
        string dir = ShippedModelFiles.ParityDir;
        var gt = ShippedModelFiles.ReadFloats(Path.Combine(dir, "repair_truth.bin"), 3 * n);
        var img = ShippedModelFiles.ReadFloats(Path.Combine(dir, "repair_image.bin"), 3 * n);
        var mask = ShippedModelFiles.ReadFloats(Path.Combine(dir, "repair_mask.bin"), n);
        var guide = ShippedModelFiles.ReadFloats(Path.Combine(dir, "repair_guide.bin"), 3 * n);
        var expected = ShippedModelFiles.ReadFloats(Path.Combine(dir, "repair_repaired.bin"), 3 * n);
        using var s = ShippedModelFiles.Open(Name);
        var (o, _) = ShippedModelFiles.Run(s, ("image", img, new long[] { 1, 3, Size, Size }),
            ("mask", mask, new long[] { 1, 1, Size, Size }), ("guide", guide, new long[] { 1, 3, Size, Size }));
        Assert.That(o.Zip(expected, (a, b) => Math.Abs(a - b)).Max(), Is.LessThanOrEqualTo(1e-4), "max |ORT - PyTorch|");

        // composite in 8-bit as the engine does: intact pixels from the input, bit-exact
        static byte ToByte(float v) => (byte)Math.Clamp(Math.Floor((v + 1) * 127.5 + 0.5), 0, 255);
        var filled = new List<double>[3];
        var truthIn = new List<double>[3];
        for (int c = 0; c < 3; c++)
        {
            filled[c] = new List<double>();
            truthIn[c] = new List<double>();
        }

        for (int i = 0; i < n; i++)
        {
            for (int c = 0; c < 3; c++)
            {
                byte truth = ToByte(gt[c * n + i]);
                byte composite = mask[i] == 0 ? ToByte(img[c * n + i]) : ToByte(o[c * n + i]);
                if (mask[i] == 0)
                {
                    Assert.That(composite, Is.EqualTo(truth), $"intact pixel {i % Size},{i / Size} channel {c} changed");
                }
                else
                {
                    filled[c].Add(composite);
                    truthIn[c].Add(truth);
                }
            }
        }

        Assert.That(filled[0], Is.Not.Empty);
        static double Std(List<double> v)
        {
            double m = v.Average();
            return Math.Sqrt(v.Average(x => (x - m) * (x - m)));
        }

        for (int c = 0; c < 3; c++)
        {
            // the right colour, and texture rather than a flat blob
            Assert.That(Math.Abs(filled[c].Average() - truthIn[c].Average()), Is.LessThan(20), $"channel {c}: mean inside the damage");
            Assert.That(Std(filled[c]), Is.GreaterThan(0.5 * Std(truthIn[c])), $"channel {c}: spread inside the damage vs the truth's");
        }
    }
}

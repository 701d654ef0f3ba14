namespace TexturePlugin.Core.Tests.ShippedModels;

/// <summary>The shipped repair model: manifest and ONNX agree, it runs at several sizes, it matches
/// the saved PyTorch output, compositing leaves intact pixels bit-exact, and it repairs better than a
/// flat fill on a held-out texture (fixture from supertuxkart-data).</summary>
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
        double errModel = 0, errFlat = 0;
        int damaged = 0;
        var intactMean = new double[3];
        for (int c = 0; c < 3; c++)
        {
            intactMean[c] = Enumerable.Range(0, n).Where(i => mask[i] == 0).Average(i => (double)ToByte(gt[c * n + i]));
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
                    errModel += Math.Abs(composite - truth);
                    errFlat += Math.Abs(intactMean[c] - truth);
                }
            }

            damaged += mask[i] > 0 ? 1 : 0;
        }

        Assert.That(damaged, Is.GreaterThan(0));
        Assert.That(errModel, Is.LessThan(errFlat), "mean abs error inside the damage: model vs flat mean-colour fill");
    }
}

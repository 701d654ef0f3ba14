using Microsoft.ML.OnnxRuntime;

namespace TexturePlugin.Core.Tests.ShippedModels;

/// <summary>Every shipped synthesis model: manifest and ONNX agree, it runs at several sizes, it
/// matches the saved PyTorch output, and its output tiles (wrap-around continuity).</summary>
[TestFixture]
public class SynthesisModelTests
{
    private static IEnumerable<string> Models() => ShippedModelFiles.Names("synthesis");

    [Test]
    public void AtLeastEightMaterialsShip() =>
        Assert.That(Models().Count(), Is.GreaterThanOrEqualTo(8), "models/*.json of kind synthesis");

    [TestCaseSource(nameof(Models))]
    public void ManifestMatchesOnnxMetadataAndGraph(string name)
    {
        var m = ShippedModelFiles.Manifest(name);
        using var s = ShippedModelFiles.Open(name);
        var meta = s.ModelMetadata.CustomMetadataMap;
        int channels = m.GetProperty("noise").GetProperty("channels").GetInt32();
        int cell = m.GetProperty("noise").GetProperty("cell").GetInt32();
        Assert.That(meta["texplug.kind"], Is.EqualTo("synthesis"));
        Assert.That(meta["texplug.noise_channels"], Is.EqualTo(channels.ToString()));
        Assert.That(meta["texplug.noise_cell"], Is.EqualTo(cell.ToString()));
        Assert.That(meta["texplug.size_multiple"], Is.EqualTo(m.GetProperty("size_multiple").GetInt32().ToString()));
        Assert.That(meta["texplug.tileable"], Is.EqualTo("true"));
        Assert.That(meta["texplug.value_range"], Is.EqualTo("-1,1"));
        Assert.That(s.InputMetadata.Keys, Is.EquivalentTo(new[] { "noise" }));
        Assert.That(s.InputMetadata["noise"].Dimensions[1], Is.EqualTo(channels));
        Assert.That(s.OutputMetadata.Keys.Single(), Is.EqualTo(m.GetProperty("output").GetProperty("name").GetString()));
        Assert.That(m.GetProperty("provenance").GetProperty("licence").GetString(), Is.Not.Empty);
    }

    [TestCaseSource(nameof(Models))]
    public void RunsAtSeveralSizesWithinTheValueRange(string name)
    {
        var m = ShippedModelFiles.Manifest(name);
        int c = m.GetProperty("noise").GetProperty("channels").GetInt32();
        int cell = m.GetProperty("noise").GetProperty("cell").GetInt32();
        using var s = ShippedModelFiles.Open(name);
        foreach (var (h, w) in new[] { (64, 64), (96, 160), (256, 256) })
        {
            var noise = ShippedModelFiles.Gaussian(c * (h / cell) * (w / cell), h + w);
            var (img, shape) = ShippedModelFiles.Run(s, ("noise", noise, new long[] { 1, c, h / cell, w / cell }));
            Assert.That(shape, Is.EqualTo(new long[] { 1, 3, h, w }), $"{name} at {w}x{h}");
            // ONNX Runtime's tanh may overshoot +-1 by a rounding error; consumers clamp when they convert to 8 bits
            Assert.That(img.All(v => v >= -1.00001f && v <= 1.00001f), Is.True, $"{name} at {w}x{h}: values outside [-1, 1]");
            double mean = img.Average(), var = img.Select(v => (v - mean) * (v - mean)).Average();
            Assert.That(var, Is.GreaterThan(1e-4), $"{name} at {w}x{h}: flat output");
        }
    }

    [TestCaseSource(nameof(Models))]
    public void MatchesSavedPyTorchOutput(string name)
    {
        string noisePath = Path.Combine(ShippedModelFiles.ParityDir, name + "_noise.bin");
        Assert.That(File.Exists(noisePath), Is.True, $"{noisePath}: parity fixture missing");
        int c = ShippedModelFiles.Manifest(name).GetProperty("noise").GetProperty("channels").GetInt32();
        var noise = ShippedModelFiles.ReadFloats(noisePath, c * 8 * 8);
        var expected = ShippedModelFiles.ReadFloats(Path.Combine(ShippedModelFiles.ParityDir, name + "_image.bin"), 3 * 64 * 64);
        using var s = ShippedModelFiles.Open(name);
        var (got, _) = ShippedModelFiles.Run(s, ("noise", noise, new long[] { 1, c, 8, 8 }));
        double worst = got.Zip(expected, (a, b) => Math.Abs(a - b)).Max();
        Assert.That(worst, Is.LessThanOrEqualTo(1e-4), $"{name}: max |ORT - PyTorch|");
    }

    /// <summary>Circular padding everywhere means the generator commutes with wrap-around shifts:
    /// rolling the noise by k cells rolls the image by k*cell pixels. So the image's right edge
    /// continues into its left edge exactly as any interior column continues into the next.</summary>
    [TestCaseSource(nameof(Models))]
    public void OutputTilesSeamlessly(string name)
    {
        var m = ShippedModelFiles.Manifest(name);
        int c = m.GetProperty("noise").GetProperty("channels").GetInt32();
        int cell = m.GetProperty("noise").GetProperty("cell").GetInt32();
        int n = 16, size = n * cell, k = 5;
        var noise = ShippedModelFiles.Gaussian(c * n * n, 11);
        var rolled = new float[noise.Length];
        for (int ch = 0; ch < c; ch++)
        {
            for (int y = 0; y < n; y++)
            {
                for (int x = 0; x < n; x++)
                {
                    rolled[(ch * n + ((y + k) % n)) * n + ((x + k) % n)] = noise[(ch * n + y) * n + x];
                }
            }
        }

        using var s = ShippedModelFiles.Open(name);
        var shape = new long[] { 1, c, n, n };
        var (a, _) = ShippedModelFiles.Run(s, ("noise", noise, shape));
        var (b, _) = ShippedModelFiles.Run(s, ("noise", rolled, shape));
        int shift = k * cell;
        double worst = 0;
        for (int ch = 0; ch < 3; ch++)
        {
            for (int y = 0; y < size; y++)
            {
                for (int x = 0; x < size; x++)
                {
                    float va = a[(ch * size + y) * size + x];
                    float vb = b[(ch * size + ((y + shift) % size)) * size + ((x + shift) % size)];
                    worst = Math.Max(worst, Math.Abs(va - vb));
                }
            }
        }

        Assert.That(worst, Is.LessThanOrEqualTo(1e-4), $"{name}: output of the rolled noise vs the rolled output");

        // and the wrap-around edge is no stronger than the interior: seam gradient / median interior gradient
        double Grad(int x0, int x1)
        {
            double g = 0;
            for (int ch = 0; ch < 3; ch++)
            {
                for (int y = 0; y < size; y++)
                {
                    g += Math.Abs(a[(ch * size + y) * size + x1] - a[(ch * size + y) * size + x0]);
                }
            }

            return g;
        }

        var interior = Enumerable.Range(0, size - 1).Select(x => Grad(x, x + 1)).OrderBy(v => v).ToArray();
        double ratio = Grad(size - 1, 0) / Math.Max(1e-9, interior[interior.Length / 2]);
        Assert.That(ratio, Is.LessThan(3.0), $"{name}: wrap-around column gradient over the median interior one");
    }
}

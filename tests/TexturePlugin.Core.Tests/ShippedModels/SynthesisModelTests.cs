using Microsoft.ML.OnnxRuntime;

namespace TexturePlugin.Core.Tests.ShippedModels;

/// <summary>Every shipped synthesis model: manifest and ONNX agree, it runs at several sizes, it
/// matches the saved PyTorch output, and its output tiles (wrap-around continuity).</summary>
[TestFixture]
public class SynthesisModelTests
{
    private static IEnumerable<string> Models() => ShippedModelFiles.Names("synthesis");

    /// <summary>The name of the input with this role in the manifest, or null.</summary>
    private static string? InputName(System.Text.Json.JsonElement m, string role) =>
        m.GetProperty("inputs").EnumerateArray().Where(i => i.GetProperty("role").GetString() == role)
            .Select(i => i.GetProperty("name").GetString()).FirstOrDefault();

    /// <summary>
    /// The model's inputs for a noise tensor: the noise, and for a copy-synthesis model (an input of role "origin") the
    /// window's origin, x and y in texture pixels.
    /// </summary>
    private static (string Name, float[] Data, long[] Shape)[] Inputs(System.Text.Json.JsonElement m, float[] noise, long[] shape, int originX = 0, int originY = 0)
    {
        var inputs = new List<(string, float[], long[])> { (InputName(m, "noise") ?? "noise", noise, shape) };
        if (InputName(m, "origin") is string origin)
            inputs.Add((origin, new float[] { originX, originY }, new long[] { 1, 2, 1, 1 }));
        return inputs.ToArray();
    }

    /// <summary>Sides the model makes: multiples of its noise cell and of its size_multiple.</summary>
    private static int Unit(System.Text.Json.JsonElement m)
    {
        int a = m.GetProperty("noise").GetProperty("cell").GetInt32(), b = Math.Max(1, m.GetProperty("size_multiple").GetInt32());
        int g = a, h = b;
        while (h != 0)
            (g, h) = (h, g % h);
        return a / g * b;
    }

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
        // the noise, and for a copy-synthesis model the window's origin (role "origin", 2 channels)
        var names = m.GetProperty("inputs").EnumerateArray().Select(i => i.GetProperty("name").GetString()).ToArray();
        Assert.That(s.InputMetadata.Keys, Is.EquivalentTo(names));
        Assert.That(InputName(m, "noise"), Is.EqualTo("noise"));
        Assert.That(s.InputMetadata["noise"].Dimensions[1], Is.EqualTo(channels));
        if (InputName(m, "origin") is string origin)
            Assert.That(s.InputMetadata[origin].Dimensions[1], Is.EqualTo(2));
        Assert.That(s.OutputMetadata.Keys.Single(), Is.EqualTo(m.GetProperty("output").GetProperty("name").GetString()));
        Assert.That(m.GetProperty("provenance").GetProperty("licence").GetString(), Is.Not.Empty);
    }

    [TestCaseSource(nameof(Models))]
    public void RunsAtSeveralSizesWithinTheValueRange(string name)
    {
        var m = ShippedModelFiles.Manifest(name);
        int c = m.GetProperty("noise").GetProperty("channels").GetInt32();
        int cell = m.GetProperty("noise").GetProperty("cell").GetInt32();
        int u = Unit(m);
        using var s = ShippedModelFiles.Open(name);
        // SynthNets: any multiple of 8; copy synthesis: multiples of its period (here 256 px)
        var sizes = u <= 32 ? new[] { (64, 64), (96, 160), (256, 256) } : new[] { (u, u), (u, 2 * u) };
        foreach (var (h, w) in sizes)
        {
            var noise = ShippedModelFiles.Gaussian(c * (h / cell) * (w / cell), h + w);
            var (img, shape) = ShippedModelFiles.Run(s, Inputs(m, noise, new long[] { 1, c, h / cell, w / cell }));
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
        var m = ShippedModelFiles.Manifest(name);
        int c = m.GetProperty("noise").GetProperty("channels").GetInt32();
        int cell = m.GetProperty("noise").GetProperty("cell").GetInt32();
        // train_synth.py --fixture: 8x8 noise cells for a SynthNet (64 px), 2x2 for copy synthesis (128 px, origin 0)
        int n = cell == 8 ? 8 : 2, side = n * cell;
        var noise = ShippedModelFiles.ReadFloats(noisePath, c * n * n);
        var expected = ShippedModelFiles.ReadFloats(Path.Combine(ShippedModelFiles.ParityDir, name + "_image.bin"), 3 * side * side);
        using var s = ShippedModelFiles.Open(name);
        var (got, _) = ShippedModelFiles.Run(s, Inputs(m, noise, new long[] { 1, c, n, n }));
        double worst = got.Zip(expected, (a, b) => Math.Abs(a - b)).Max();
        Assert.That(worst, Is.LessThanOrEqualTo(1e-4), $"{name}: max |ORT - PyTorch|");
    }

    /// <summary>Circular padding everywhere means the generator commutes with wrap-around shifts:
    /// rolling the noise by k cells rolls the image by k*cell pixels (for copy synthesis, whose copies are fixed to the
    /// texture's position, by whole periods). So the image's right edge continues into its left edge exactly as any
    /// interior column continues into the next.</summary>
    [TestCaseSource(nameof(Models))]
    public void OutputTilesSeamlessly(string name)
    {
        var m = ShippedModelFiles.Manifest(name);
        int c = m.GetProperty("noise").GetProperty("channels").GetInt32();
        int cell = m.GetProperty("noise").GetProperty("cell").GetInt32();
        int u = Unit(m);
        // SynthNets: 16 cells, rolled by 5; copy synthesis: three periods, rolled by one
        int n = u <= cell ? 16 : 3 * u / cell, size = n * cell, k = u <= cell ? 5 : u / cell;
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
        var (a, _) = ShippedModelFiles.Run(s, Inputs(m, noise, shape));
        var (b, _) = ShippedModelFiles.Run(s, Inputs(m, rolled, shape));
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

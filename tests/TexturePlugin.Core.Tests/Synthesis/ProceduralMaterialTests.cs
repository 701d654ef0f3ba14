using NUnit.Framework;
using TexturePlugin.Core.Imaging;
using TexturePlugin.Core.Synthesis;
using TexturePlugin.Core.Tests.Repair;

namespace TexturePlugin.Core.Tests.Synthesis;

public class ProceduralMaterialTests
{
    [TestCaseSource(typeof(ProceduralMaterialTests), nameof(Names))]
    public void TilesSeamlesslyAndReproduces(string name)
    {
        Assert.That(ProceduralMaterial.TryGet(name, out ProceduralMaterial material), Is.True);
        RgbaImage a = material.Render(128, 96, seed: 4);
        RgbaImage b = material.Render(128, 96, seed: 4);
        Assert.That(b.Pixels, Is.EqualTo(a.Pixels));
        Assert.That(SeamMetrics.SeamRatio(a), Is.LessThan(1.6), name);
        Assert.That(material.Render(128, 96, seed: 5).Pixels, Is.Not.EqualTo(a.Pixels));
    }

    [Test]
    public void AnimatesSmoothly()
    {
        Assert.That(ProceduralMaterial.TryGet("magma", out ProceduralMaterial lava), Is.True);
        RgbaImage a = lava.Render(64, 64, 1, 0), b = lava.Render(64, 64, 1, 0.02), c = lava.Render(64, 64, 1, 1);
        double small = SynthesisEngineTests.MeanAbs(a, b), far = SynthesisEngineTests.MeanAbs(a, c);
        Assert.That(small, Is.GreaterThan(0));
        Assert.That(small, Is.LessThan(far / 5));
    }

    private static IEnumerable<string> Names() => ProceduralMaterial.All.Select(m => m.Name);
}

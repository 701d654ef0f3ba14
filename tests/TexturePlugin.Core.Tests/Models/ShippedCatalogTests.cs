using NUnit.Framework;
using TexturePlugin.Core.Diagnostics;
using TexturePlugin.Core.Inference;
using TexturePlugin.Core.Models;

namespace TexturePlugin.Core.Tests.Models;

/// <summary>The models the repository ships pass the same checks every host applies when it loads them.</summary>
[TestFixture]
public sealed class ShippedCatalogTests
{
    private static string ModelsFolder => Path.Combine(TestPaths.RepoRoot, "models");

    private static IEnumerable<string> ShippedNames() =>
        Directory.EnumerateFiles(Path.Combine(TestPaths.RepoRoot, "models"), "*.json")
            .Select(p => Path.GetFileNameWithoutExtension(p)!)
            .OrderBy(n => n, StringComparer.Ordinal);

    [TestCaseSource(nameof(ShippedNames))]
    public void Loads_through_the_catalog_with_no_difference_from_its_manifest(string name)
    {
        var config = new SessionConfig { Provider = ExecutionProviderKind.Cpu, IntraOpThreads = 1, Log = TextureLog.Null };
        using LoadedModel model = ModelCatalog.Open(ModelsFolder).Load(name, config);
        Assert.That(model.Manifest.Name, Is.EqualTo(name));
    }

    private static TensorInfo Info(string name, int channels) =>
        new(name, new[] { 1, channels, -1, -1 }, new[] { "", "", "height", "width" }, typeof(float));

    [Test]
    public void A_repair_model_may_state_zero_noise_channels()
    {
        var inputs = new[]
        {
            Info("image", 3), Info("mask", 1), Info("guide", 3),
        };
        var outputs = new[] { Info("repaired", 3) };
        ModelManifest manifest = ModelCatalog.Open(ModelsFolder).LoadManifest("repair");
        var metadata = new Dictionary<string, string>
        {
            [ModelValidator.KeyKind] = "repair",
            [ModelValidator.KeyValueRange] = $"{manifest.ValueRange.Lo},{manifest.ValueRange.Hi}",
            [ModelValidator.KeyNoiseChannels] = "0",
            [ModelValidator.KeyNoiseCell] = "0",
            [ModelValidator.KeySizeMultiple] = manifest.SizeMultiple.ToString(),
            [ModelValidator.KeyTileable] = manifest.Tileable ? "true" : "false",
        };
        Assert.That(ModelValidator.Compare(manifest, metadata, inputs, outputs), Is.Empty);
        metadata[ModelValidator.KeyNoiseChannels] = "3";
        Assert.That(ModelValidator.Compare(manifest, metadata, inputs, outputs),
            Has.One.Contains("texplug.noise_channels is 3 but the manifest has no \"noise\" section"));
    }
}

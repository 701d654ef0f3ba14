using NUnit.Framework;
using TexturePlugin.Core.Models;
using TexturePlugin.Core.Tensors;

namespace TexturePlugin.Core.Tests.Models;

[TestFixture]
public sealed class ModelManifestTests
{
    [Test]
    public void Synthesis_fixture_parses()
    {
        ModelManifest m = ModelManifest.Load(TestPaths.ModelFixture("synth_tiny.json"));
        Assert.That(m.Name, Is.EqualTo("synth_tiny"));
        Assert.That(m.Kind, Is.EqualTo(ModelKind.Synthesis));
        Assert.That(m.Inputs.Single().Name, Is.EqualTo("noise"));
        Assert.That(m.InputWithRole("noise")!.Channels, Is.EqualTo(4));
        Assert.That(m.Output.Name, Is.EqualTo("image"));
        Assert.That(m.ValueRange, Is.EqualTo(ValueRange.MinusOneToOne));
        Assert.That(m.ChannelOrder, Is.EqualTo(ChannelOrder.Rgb));
        Assert.That((m.NoiseChannels, m.NoiseCell, m.SizeMultiple, m.Tileable), Is.EqualTo((4, 2, 2, true)));
        Assert.That(m.Guide, Is.Null);
        Assert.That(m.Provenance["licence"], Is.EqualTo("CC0"));
        Assert.That(m.Provenance["seed"], Is.EqualTo("20261125"));
        Assert.That(m.Metrics["params"], Is.EqualTo(15));
        Assert.That(m.OnnxPath, Is.EqualTo(TestPaths.ModelFixture("synth_tiny.onnx")));
    }

    /// <summary>The repair fixture's manifest with its tiling fields replaced by <paramref name="fields"/>.</summary>
    private static string With(string fields)
    {
        string json = System.Text.RegularExpressions.Regex.Replace(File.ReadAllText(TestPaths.ModelFixture("repair_tiny.json")),
            "\"(receptive_field|context_margin|tile_margin|guide_context|guide_step)\"\\s*:\\s*\\d+\\s*,?", "");
        return json.Insert(json.IndexOf('{') + 1, fields);
    }

    [Test]
    public void Context_margin_defaults_to_the_receptive_field_and_may_not_exceed_it()
    {
        ModelManifest both = ModelManifest.Parse(With("\"receptive_field\": 96, \"context_margin\": 40,"), "both.json");
        Assert.That((both.ReceptiveField, both.ContextMargin), Is.EqualTo((96, 40)));
        ModelManifest fieldOnly = ModelManifest.Parse(With("\"receptive_field\": 96,"), "field.json");
        Assert.That(fieldOnly.ContextMargin, Is.EqualTo(96));
        var e = Assert.Throws<ModelException>(() => ModelManifest.Parse(With("\"receptive_field\": 32, \"context_margin\": 40,"), "big.json"));
        Assert.That(e!.Message, Does.Contain("context_margin").And.Contain("big.json"));
    }

    [Test]
    public void Tile_margin_and_guide_context_default_to_the_context_margin_and_zero()
    {
        ModelManifest old = ModelManifest.Parse(With("\"receptive_field\": 96, \"context_margin\": 40,"), "old.json");
        Assert.That((old.TileMargin, old.GuideContext), Is.EqualTo((40, 0)));
        ModelManifest both = ModelManifest.Parse(With("\"receptive_field\": 96, \"context_margin\": 40, \"tile_margin\": 24, \"guide_context\": 64,"), "new.json");
        Assert.That((both.ContextMargin, both.TileMargin, both.GuideContext), Is.EqualTo((40, 24, 64)));
        var e = Assert.Throws<ModelException>(() => ModelManifest.Parse(With("\"receptive_field\": 32, \"tile_margin\": 40,"), "big.json"));
        Assert.That(e!.Message, Does.Contain("tile_margin").And.Contain("big.json"));
        e = Assert.Throws<ModelException>(() => ModelManifest.Parse(With("\"guide_context\": -8,"), "negative.json"));
        Assert.That(e!.Message, Does.Contain("guide_context").And.Contain("negative.json"));
    }

    [Test]
    public void Guide_step_defaults_to_one_and_must_be_one_to_four()
    {
        Assert.That(ModelManifest.Parse(With(""), "old.json").GuideStep, Is.EqualTo(1));
        Assert.That(ModelManifest.Parse(With("\"guide_step\": 2,"), "new.json").GuideStep, Is.EqualTo(2));
        foreach (string bad in new[] { "0", "5", "1.5" })
        {
            var e = Assert.Throws<ModelException>(() => ModelManifest.Parse(With($"\"guide_step\": {bad},"), "step.json"), bad);
            Assert.That(e!.Message, Does.Contain("guide_step").And.Contain("step.json").And.Contain(bad));
        }
    }

    [Test]
    public void Colour_tables_parse_and_bad_ones_name_the_file_and_the_problem()
    {
        string synth = File.ReadAllText(TestPaths.ModelFixture("synth_tiny.json"));
        string WithLut(string lut) => synth.Insert(synth.IndexOf('{') + 1, $"\"colour_lut\": {lut},");
        string Table(Func<int, int> f) => "[" + string.Join(",", Enumerable.Range(0, 256).Select(f)) + "]";
        Assert.That(ModelManifest.Parse(synth, "none.json").ColourLut, Is.Null);
        ModelManifest m = ModelManifest.Parse(WithLut($"[{Table(v => v)},{Table(v => v / 2)},{Table(v => 255)}]"), "lut.json");
        Assert.That(m.ColourLut, Has.Length.EqualTo(768));
        Assert.That((m.ColourLut![200], m.ColourLut[256 + 200], m.ColourLut[512 + 3]), Is.EqualTo(((byte)200, (byte)100, (byte)255)));
        foreach ((string lut, string problem) in new[]
                 {
                     ($"[{Table(v => v)},{Table(v => v)}]", "not 2 arrays"),
                     ($"[{Table(v => v)},{Table(v => v)},[1,2,3]]", "table 2 is 3 values long"),
                     ($"[{Table(v => v)},{Table(v => 255 - v)},{Table(v => v)}]", "table 1 has 254 at 1"),
                     ($"[{Table(v => v)},{Table(v => v)},{Table(v => v + 1)}]", "table 2 has 256 at 255"),
                 })
        {
            var e = Assert.Throws<ModelException>(() => ModelManifest.Parse(WithLut(lut), "badlut.json"));
            Assert.That(e!.Message, Does.Contain("badlut.json").And.Contain("colour_lut").And.Contain(problem));
        }
    }

    [Test]
    public void Repair_fixture_parses()
    {
        ModelManifest m = ModelManifest.Load(TestPaths.ModelFixture("repair_tiny.json"));
        Assert.That(m.Kind, Is.EqualTo(ModelKind.Repair));
        Assert.That(m.Inputs.Select(i => (i.Name, i.Role, i.Channels)),
            Is.EqualTo(new[] { ("image", "image", 3), ("mask", "mask", 1), ("guide", "guide", 3) }));
        Assert.That((m.GuideScale, m.GuidePatch), Is.EqualTo((4, 5)));
        Assert.That(m.Noise, Is.Null);
    }

    [Test]
    public void Every_problem_is_named_at_once()
    {
        const string json = @"{
            ""name"": """",
            ""kind"": ""synthesis"",
            ""inputs"": [ {""name"": ""noise"", ""role"": ""noise"", ""channels"": 8}, {""name"": ""x"", ""role"": ""mask"", ""channels"": 1} ],
            ""output"": {""name"": ""image"", ""channels"": 4},
            ""value_range"": [1, -1],
            ""channel_order"": ""CMYK"",
            ""noise"": {""channels"": 6, ""cell"": 0},
            ""size_multiple"": ""eight"",
            ""tileable"": ""yes""
        }";
        var e = Assert.Throws<ModelException>(() => ModelManifest.Parse(json, "bad.json"))!;
        foreach (string expected in new[]
                 {
                     "bad.json", "\"name\" is empty", "\"value_range\" needs lo < hi", "\"channel_order\" is 'CMYK'",
                     "\"noise.cell\" must be at least 1", "\"size_multiple\" must be a number", "\"tileable\" must be true or false",
                     "input 'noise' has 8 channels but \"noise\".channels is 6", "input 'x' has role 'mask'", "output 'image' has 4 channels",
                 })
            Assert.That(e.Message, Does.Contain(expected));
    }

    [Test]
    public void Repair_needs_its_three_roles_and_a_guide()
    {
        const string json = @"{""name"": ""r"", ""kind"": ""repair"", ""inputs"": [{""name"": ""image"", ""role"": ""image"", ""channels"": 4}],
            ""output"": {""name"": ""out"", ""channels"": 3}, ""value_range"": [-1, 1]}";
        var e = Assert.Throws<ModelException>(() => ModelManifest.Parse(json, "r.json"))!;
        Assert.That(e.Message, Does.Contain("\"guide\" is missing").And.Contain("role 'mask'").And.Contain("role 'guide'")
            .And.Contain("must have 3 channels, not 4"));
    }

    [Test]
    public void Missing_and_unknown_fields()
    {
        var e = Assert.Throws<ModelException>(() => ModelManifest.Parse(@"{""kind"": ""upscale""}", "m.json"))!;
        Assert.That(e.Message, Does.Contain("\"name\" is missing").And.Contain("'upscale'").And.Contain("\"inputs\" is missing")
            .And.Contain("\"output\" is missing").And.Contain("\"value_range\" is missing"));
    }

    [Test]
    public void Not_json_names_the_line()
    {
        var e = Assert.Throws<ModelException>(() => ModelManifest.Parse("{\n  \"name\": \"x\",\n  oops\n}", "broken.json"))!;
        Assert.That(e.Message, Does.Contain("broken.json").And.Contain("not valid JSON").And.Contain("line 3"));
        var e2 = Assert.Throws<ModelException>(() => ModelManifest.Parse("[1, 2]", "array.json"))!;
        Assert.That(e2.Message, Does.Contain("must be a JSON object"));
        var e3 = Assert.Throws<ModelException>(() => ModelManifest.Load("/nonexistent/m.json"))!;
        Assert.That(e3.Message, Does.Contain("/nonexistent/m.json").And.Contain("does not exist"));
    }
}

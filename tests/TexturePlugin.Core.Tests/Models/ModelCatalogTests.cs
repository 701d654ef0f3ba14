using System.Text.Json.Nodes;
using NUnit.Framework;
using TexturePlugin.Core.Diagnostics;
using TexturePlugin.Core.Inference;
using TexturePlugin.Core.Models;

namespace TexturePlugin.Core.Tests.Models;

[TestFixture]
public sealed class ModelCatalogTests
{
    private TempFolder _temp = null!;

    [SetUp]
    public void SetUp() => _temp = new TempFolder();

    [TearDown]
    public void TearDown() => _temp.Dispose();

    private static SessionConfig Config() => new() { Provider = ExecutionProviderKind.Cpu, IntraOpThreads = 1, Log = TextureLog.Null };

    private string Dir(params string[] parts)
    {
        string path = Path.Combine(new[] { _temp.Path }.Concat(parts).ToArray());
        Directory.CreateDirectory(path);
        return path;
    }

    [Test]
    public void Discovery_order_explicit_environment_beside_walking_up()
    {
        string explicitDir = Dir("explicit");
        string envDir = Dir("env");
        string app = Dir("app");
        string beside = Dir("app", "models");
        string deepApp = Dir("repo", "bin", "Debug", "net10.0");
        string repoModels = Dir("repo", "models");
        string cwd = Dir("work", "sub");
        string cwdModels = Dir("work", "models");

        Assert.That(ModelCatalog.Locate(explicitDir, envDir, app, cwd), Is.EqualTo((explicitDir, "explicit path")));
        Assert.That(ModelCatalog.Locate(null, envDir, app, cwd).Folder, Is.EqualTo(envDir));
        Assert.That(ModelCatalog.Locate(null, null, app, cwd), Is.EqualTo((beside, "beside the assembly")));
        Assert.That(ModelCatalog.Locate(null, "  ", deepApp, cwd).Folder, Is.EqualTo(repoModels));
        Assert.That(ModelCatalog.Locate(null, null, Dir("nowhere", "deep"), cwd).Folder, Is.EqualTo(cwdModels));
    }

    [Test]
    public void Discovery_failures_are_explained()
    {
        string missing = Path.Combine(_temp.Path, "gone");
        Assert.That(Assert.Throws<ModelException>(() => ModelCatalog.Locate(missing, null, null, null))!.Message,
            Does.Contain(missing).And.Contain("does not exist"));
        Assert.That(Assert.Throws<ModelException>(() => ModelCatalog.Locate(null, missing, null, null))!.Message,
            Does.Contain("TEXPLUG_MODELS"));
        // No models/ anywhere above a folder at the file system root is not guaranteed in a temp folder, so only the
        // wording is checked with no starting points at all.
        Assert.That(Assert.Throws<ModelException>(() => ModelCatalog.Locate(null, null, null, null))!.Message,
            Does.Contain("no models folder found").And.Contain("TEXPLUG_MODELS"));
    }

    [Test]
    public void Fixture_catalog_lists_and_loads()
    {
        ModelCatalog catalog = ModelCatalog.Open(TestPaths.ModelFixtures);
        Assert.That(catalog.Entries.Select(e => e.Name), Is.SupersetOf(new[] { "synth_tiny", "repair_tiny", "nan_synth", "wrong_inputs", "external_inside" }));
        Assert.That(catalog.Find("synth_tiny").HasOnnx, Is.True);
        using LoadedModel synth = catalog.Load("synth_tiny", Config());
        Assert.That(synth.Manifest.Kind, Is.EqualTo(ModelKind.Synthesis));
        Assert.That(synth.Session.Provider, Is.EqualTo(ExecutionProviderKind.Cpu));
        using LoadedModel repair = catalog.Load("repair_tiny", Config());
        Assert.That(repair.Session.Inputs.Select(i => i.Name), Is.EqualTo(new[] { "image", "mask", "guide" }));
        using LoadedModel external = catalog.Load("external_inside", Config());
        Assert.That(external.Session.File.ExternalData, Is.Not.Empty);
    }

    [Test]
    public void Unknown_name_lists_the_models()
    {
        ModelCatalog catalog = ModelCatalog.Open(TestPaths.ModelFixtures);
        var e = Assert.Throws<ModelException>(() => catalog.Load("granite", Config()))!;
        Assert.That(e.Message, Does.Contain("no model 'granite'").And.Contain("synth_tiny").And.Contain("repair_tiny"));
    }

    [Test]
    public void Wrong_inputs_name_every_difference()
    {
        ModelCatalog catalog = ModelCatalog.Open(TestPaths.ModelFixtures);
        var e = Assert.Throws<ModelMismatchException>(() => catalog.Load("wrong_inputs", Config()))!;
        Assert.That(e.Differences, Has.Count.EqualTo(4), string.Join("\n", e.Differences));
        Assert.That(e.Message, Does.Contain("wrong_inputs.onnx").And.Contain("4 differences"));
        Assert.That(e.Differences, Has.One.Contains("texplug.noise_cell is 4 but the manifest noise.cell is 2"));
        Assert.That(e.Differences, Has.One.Contains("texplug.size_multiple is 4 but the manifest size_multiple is 2"));
        Assert.That(e.Differences, Has.One.Contains("manifest input 'noise' (role noise) is not a graph input (graph inputs: z)"));
        Assert.That(e.Differences, Has.One.Contains("graph input 'z' [1, 5, ?, ?] is not in the manifest"));
    }

    private string CopyWithManifest(string name, Action<JsonObject> edit, string? onnx = "synth_tiny.onnx")
    {
        string dir = Dir("models");
        var json = JsonNode.Parse(File.ReadAllText(TestPaths.ModelFixture("synth_tiny.json")))!.AsObject();
        json["name"] = name;
        edit(json);
        File.WriteAllText(Path.Combine(dir, name + ".json"), json.ToJsonString());
        if (onnx is not null)
            File.Copy(TestPaths.ModelFixture(onnx), Path.Combine(dir, name + ".onnx"), overwrite: true);
        return dir;
    }

    [Test]
    public void Metadata_differences_are_named()
    {
        string dir = CopyWithManifest("edited", j =>
        {
            j["value_range"] = new JsonArray(0.0, 1.0);
            j["tileable"] = false;
            j["output"]!["name"] = "rgb";
            j["kind"] = "synthesis";
        });
        var e = Assert.Throws<ModelMismatchException>(() => ModelCatalog.Open(dir).Load("edited", Config()))!;
        Assert.That(e.Differences, Has.One.Contains("texplug.value_range is [-1, 1] but the manifest says [0, 1]"));
        Assert.That(e.Differences, Has.One.Contains("texplug.tileable is true but the manifest says false"));
        Assert.That(e.Differences, Has.One.Contains("manifest output 'rgb' is not a graph output (graph outputs: image)"));
        Assert.That(e.Differences, Has.Count.EqualTo(3));
    }

    [Test]
    public void A_repair_manifest_on_a_synthesis_model_is_caught()
    {
        string dir = Dir("models");
        File.Copy(TestPaths.ModelFixture("repair_tiny.json"), Path.Combine(dir, "mixed.json"));
        File.WriteAllText(Path.Combine(dir, "mixed.json"), File.ReadAllText(Path.Combine(dir, "mixed.json")).Replace("\"repair_tiny\"", "\"mixed\""));
        File.Copy(TestPaths.ModelFixture("synth_tiny.onnx"), Path.Combine(dir, "mixed.onnx"));
        var e = Assert.Throws<ModelMismatchException>(() => ModelCatalog.Open(dir).Load("mixed", Config()))!;
        Assert.That(e.Differences, Has.One.Contains("texplug.kind is 'synthesis' but the manifest says 'repair'"));
        Assert.That(e.Differences, Has.One.Contains("texplug.noise_channels is 4 but the manifest has no \"noise\" section"));
        Assert.That(e.Differences, Has.One.Contains("manifest input 'mask'"));
    }

    [Test]
    public void Name_and_file_problems()
    {
        string dir = CopyWithManifest("renamed", j => j["name"] = "other");
        Assert.That(Assert.Throws<ModelException>(() => ModelCatalog.Open(dir).Load("renamed", Config()))!.Message,
            Does.Contain("manifest name 'other' differs from its file name 'renamed'"));

        CopyWithManifest("lonely", _ => { }, onnx: null);
        ModelCatalog catalog = ModelCatalog.Open(dir);
        Assert.That(catalog.Find("lonely").HasOnnx, Is.False);
        var e = Assert.Throws<ModelException>(() => catalog.Load("lonely", Config()))!;
        Assert.That(e.Message, Does.Contain("lonely.onnx").And.Contain("does not exist").And.Contain("its ONNX file is missing"));

        // A corrupt model behind a valid manifest is reported as the model's problem.
        CopyWithManifest("corrupt", _ => { }, onnx: null);
        File.WriteAllText(Path.Combine(dir, "corrupt.onnx"), "not a model");
        Assert.That(Assert.Throws<ModelException>(() => ModelCatalog.Open(dir).Load("corrupt", Config()))!.Message,
            Does.Contain("corrupt.onnx").And.Contain("not an ONNX model"));
    }

    /// <summary>A repair manifest called <paramref name="name"/> (repair_tiny's, renamed), edited, with repair_tiny.onnx beside it.</summary>
    private string Repair(string name, Action<JsonObject>? edit = null)
    {
        string dir = Dir("models");
        var json = JsonNode.Parse(File.ReadAllText(TestPaths.ModelFixture("repair_tiny.json")))!.AsObject();
        json["name"] = name;
        edit?.Invoke(json);
        File.WriteAllText(Path.Combine(dir, name + ".json"), json.ToJsonString());
        File.Copy(TestPaths.ModelFixture("repair_tiny.onnx"), Path.Combine(dir, name + ".onnx"), overwrite: true);
        return dir;
    }

    [Test]
    public void The_default_repair_model_is_named_repair_or_marked_default_never_the_first_by_name()
    {
        // A broken repair model that sorts first must not become the default.
        string dir = Repair("aaa_broken", j => j["value_range"] = new JsonArray(0.0, 1.0));
        Repair("zz_other");
        Assert.Throws<ModelMismatchException>(() => ModelCatalog.Open(dir).Load("aaa_broken", Config()));
        var e = Assert.Throws<ModelException>(() => ModelCatalog.Open(dir).DefaultRepair())!;
        Assert.That(e.Message, Does.Contain("aaa_broken").And.Contain("zz_other").And.Contain("not clear"));

        Repair("zz_other", j => j["default"] = true);
        Assert.That(ModelCatalog.Open(dir).DefaultRepair().Name, Is.EqualTo("zz_other"));

        Repair("repair");
        Assert.That(ModelCatalog.Open(dir).DefaultRepair().Name, Is.EqualTo("repair"));
        using LoadedModel loaded = ModelCatalog.LoadFile(ModelCatalog.Open(dir).DefaultRepair().ManifestPath, Config());
        Assert.That(loaded.Manifest.Name, Is.EqualTo("repair"));
    }

    [Test]
    public void A_folder_with_one_repair_model_uses_it_and_one_without_says_so()
    {
        string dir = Repair("only");
        CopyWithManifest("texture", _ => { });
        Assert.That(ModelCatalog.Open(dir).DefaultRepair().Name, Is.EqualTo("only"));
        File.Delete(Path.Combine(dir, "only.json"));
        Assert.That(Assert.Throws<ModelException>(() => ModelCatalog.Open(dir).DefaultRepair())!.Message, Does.Contain("No repair model"));
    }

    [Test]
    public void No_models_folder_says_where_it_looked()
    {
        string app = Dir("app"), cwd = Dir("cwd");
        var e = Assert.Throws<ModelException>(() => ModelCatalog.Locate(null, null, app, cwd))!;
        Assert.That(e.Message, Does.Contain("no models folder found").And.Contain("looked in").And.Contain(app).And.Contain(cwd));
    }
}

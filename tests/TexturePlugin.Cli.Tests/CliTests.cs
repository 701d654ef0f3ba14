using System.Text.Json.Nodes;
using NUnit.Framework;
using TexturePlugin.Cli;
using TexturePlugin.Core.Imaging;

namespace TexturePlugin.Cli.Tests;

public partial class CliTests
{
    private string _dir = null!;
    private string _fixtures = null!;

    [SetUp]
    public void MakeFolder()
    {
        _dir = Path.Combine(Path.GetTempPath(), "texplug-cli-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(_dir);
        _fixtures = FixtureFolder();
    }

    [TearDown]
    public void RemoveFolder() => Directory.Delete(_dir, recursive: true);

    private static string FixtureFolder([System.Runtime.CompilerServices.CallerFilePath] string source = "")
    {
        for (var d = new DirectoryInfo(Path.GetDirectoryName(source)!); d != null; d = d.Parent)
        {
            string candidate = Path.Combine(d.FullName, "tests", "fixtures", "engines");
            if (Directory.Exists(candidate))
                return candidate;
        }
        throw new DirectoryNotFoundException("tests/fixtures/engines not found above " + source);
    }

    private (int Code, string Out, string Err) Run(params string[] args)
    {
        var output = new StringWriter();
        var error = new StringWriter();
        int code = TexplugApp.Run(args, output, error);
        return (code, output.ToString(), error.ToString());
    }

    private string Image(string name, int w, int h, byte alphaHole = 255)
    {
        var image = new RgbaImage(w, h);
        var rng = new Random(w * 31 + h);
        rng.NextBytes(image.Pixels);
        for (int i = 0; i < w * h; i++)
            image.Pixels[i * 4 + 3] = 255;
        image.Pixel(w / 2, h / 2)[3] = alphaHole;
        string path = Path.Combine(_dir, name);
        ImageIO.Save(image, path);
        return path;
    }

    private void AssertFailsCleanly((int Code, string Out, string Err) r, string expected, string outputPath)
    {
        Assert.That(r.Code, Is.Not.EqualTo(0), r.Out + r.Err);
        string[] lines = r.Err.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.That(lines, Has.Length.EqualTo(1), "one error line: " + r.Err);
        Assert.That(lines[0], Does.StartWith("texplug: error: "));
        Assert.That(lines[0], Does.Contain(expected));
        Assert.That(File.Exists(outputPath), Is.False, "an output was written on error");
        Assert.That(Directory.GetFiles(_dir).Where(f => Path.GetFileName(f).StartsWith("out", StringComparison.Ordinal)
            || f.EndsWith(".tmp", StringComparison.Ordinal)), Is.Empty, "temporary or partial files left");
    }

    private string Out => Path.Combine(_dir, "out.png");

    [Test]
    public void SynthWithAModelWritesTheTexture()
    {
        var r = Run("synth", "--model", Path.Combine(_fixtures, "fixture_synth.onnx"), "--size", "128x64", "--seed", "4", "-o", Out, "--ep", "cpu", "--threads", "1");
        Assert.That(r.Code, Is.EqualTo(0), r.Err);
        RgbaImage image = ImageIO.Load(Out);
        Assert.That((image.Width, image.Height), Is.EqualTo((128, 64)));
    }

    [Test]
    public void SynthWithACopyModelWritesTheTextureAndNamesItsSizes()
    {
        // train-your-own's default kind (training/texlib/copysynth.py): the engine fills its origin input; sizes are
        // multiples of the exemplar's period (64 px for the fixture)
        string model = Path.Combine(_fixtures, "fixture_copy.onnx");
        var r = Run("synth", "--model", model, "--size", "192x128", "--seed", "4", "-o", Out, "--ep", "cpu", "--threads", "1");
        Assert.That(r.Code, Is.EqualTo(0), r.Err);
        RgbaImage image = ImageIO.Load(Out);
        Assert.That((image.Width, image.Height), Is.EqualTo((192, 128)));
        File.Delete(Out);
        AssertFailsCleanly(Run("synth", "--model", model, "--size", "96x96", "--seed", "4", "-o", Out, "--ep", "cpu"), "multiples of 64", Out);
    }

    [Test]
    public void SynthVariantsWriteOneFilePerSeed()
    {
        var r = Run("synth", "--material", "marble", "--size", "64x64", "--seed", "1", "--count", "3", "-o", Out);
        Assert.That(r.Code, Is.EqualTo(0), r.Err);
        foreach (int s in new[] { 1, 2, 3 })
            Assert.That(File.Exists(Path.Combine(_dir, $"out_{s}.png")), Is.True);
        Assert.That(File.ReadAllBytes(Path.Combine(_dir, "out_1.png")), Is.Not.EqualTo(File.ReadAllBytes(Path.Combine(_dir, "out_2.png"))));
    }

    [Test]
    public void AnimationFramesAtASteadyRate()
    {
        var r = Run("synth", "--model", Path.Combine(_fixtures, "fixture_synth.onnx"), "--size", "64x64", "--frames", "3", "--fps", "10",
            "--speed", "1", "-o", Out);
        Assert.That(r.Code, Is.EqualTo(0), r.Err);
        byte[][] frames = Enumerable.Range(0, 3).Select(f => ImageIO.Load(Path.Combine(_dir, $"out_f{f:D4}.png")).Pixels).ToArray();
        Assert.That(frames[1], Is.Not.EqualTo(frames[0]));
        Assert.That(frames[2], Is.Not.EqualTo(frames[1]));
        foreach (string f in Directory.GetFiles(_dir))
            File.Delete(f);
        AssertFailsCleanly(Run("synth", "--material", "lava", "--size", "64x64", "--frames", "2", "--count", "2", "-o", Path.Combine(_dir, "out2.png")),
            "not both", Path.Combine(_dir, "out2.png"));
    }

    [Test]
    public void RepairAndTileWithTheCatalogsRepairModel()
    {
        string input = Image("in.png", 96, 64, alphaHole: 0);
        var r = Run("repair", input, "--alpha", "-o", Out, "--models", _fixtures);
        Assert.That(r.Code, Is.EqualTo(0), r.Err);
        Assert.That(ImageIO.Load(Out).Pixel(48, 32)[3], Is.EqualTo(255));
        Assert.That(r.Out, Does.Contain("tile margin"));
        r = Run("repair", input, "--alpha", "--full-context", "-o", Out, "--models", _fixtures);
        Assert.That(r.Code, Is.EqualTo(0), r.Err);
        Assert.That(ImageIO.Load(Out).Pixel(48, 32)[3], Is.EqualTo(255));
        r = Run("repair", input, "--alpha", "--margin", "8", "--guide-context", "32", "--guide-step", "2", "-o", Out, "--models", _fixtures);
        Assert.That(r.Code, Is.EqualTo(0), r.Err);
        Assert.That(System.Text.RegularExpressions.Regex.Replace(r.Out, @"\s+", " "), Does.Contain("tile margin 8 px, guide context 32 px, guide step 2"));   // the console wraps long lines
        File.Delete(Out);
        AssertFailsCleanly(Run("repair", input, "--alpha", "--margin", "8", "--full-context", "-o", Out, "--models", _fixtures), "not both", Out);
        AssertFailsCleanly(Run("repair", input, "--alpha", "--margin", "-1", "-o", Out, "--models", _fixtures), "--margin", Out);
        AssertFailsCleanly(Run("repair", input, "--alpha", "--guide-context", "-4", "-o", Out, "--models", _fixtures), "--guide-context", Out);
        AssertFailsCleanly(Run("repair", input, "--alpha", "--guide-step", "5", "-o", Out, "--models", _fixtures), "--guide-step must be 1 to 4", Out);
        string tiled = Path.Combine(_dir, "out_tile.png");
        r = Run("tile", input, "-o", tiled, "--models", _fixtures);
        Assert.That(r.Code, Is.EqualTo(0), r.Err);
        Assert.That(File.Exists(tiled), Is.True);
    }

    [Test]
    public void ModelsListsTheCatalogAndProceduralMaterials()
    {
        var r = Run("models", "--models", _fixtures);
        Assert.That(r.Code, Is.EqualTo(0), r.Err);
        Assert.That(r.Out, Does.Contain("fixture_synth").And.Contain("synthesis").And.Contain("fixture_repair").And.Contain("procedural"));
    }

    [Test]
    public void MissingInputFile() =>
        AssertFailsCleanly(Run("repair", Path.Combine(_dir, "nope.png"), "--alpha", "-o", Out, "--models", _fixtures), "nope.png", Out);

    [Test]
    public void UnreadableImage()
    {
        string bad = Path.Combine(_dir, "bad.png");
        File.WriteAllText(bad, "this is not a png");
        AssertFailsCleanly(Run("repair", bad, "--alpha", "-o", Out, "--models", _fixtures), "bad.png", Out);
    }

    [Test]
    public void MaskOfAnotherSize()
    {
        string input = Image("in.png", 96, 64), mask = Image("mask.png", 64, 64);
        AssertFailsCleanly(Run("repair", input, "--mask", mask, "-o", Out, "--models", _fixtures), "64x64 but the image is 96x64", Out);
    }

    [Test]
    public void MissingMaskFile()
    {
        string input = Image("in.png", 96, 64);
        AssertFailsCleanly(Run("repair", input, "--mask", Path.Combine(_dir, "m.png"), "-o", Out, "--models", _fixtures), "m.png", Out);
    }

    [Test]
    public void MoreThanOneMaskSource()
    {
        string input = Image("in.png", 96, 64);
        AssertFailsCleanly(Run("repair", input, "--alpha", "--key", "FF00FF", "-o", Out, "--models", _fixtures), "exactly one of", Out);
    }

    [Test]
    public void BadKeyColour()
    {
        string input = Image("in.png", 96, 64);
        AssertFailsCleanly(Run("repair", input, "--key", "pink", "-o", Out, "--models", _fixtures), "RRGGBB", Out);
    }

    [Test]
    public void UnknownMaterial() =>
        AssertFailsCleanly(Run("synth", "--material", "plasticine", "--size", "64x64", "-o", Out, "--models", _fixtures), "Unknown material 'plasticine'", Out);

    [Test]
    public void ModelThatFailsItsChecks()
    {
        // A real model whose manifest disagrees with it (8 noise channels in the graph, 4 in the manifest).
        File.Copy(Path.Combine(_fixtures, "fixture_synth.onnx"), Path.Combine(_dir, "liar.onnx"));
        JsonNode json = JsonNode.Parse(File.ReadAllText(Path.Combine(_fixtures, "fixture_synth.json")))!;
        json["name"] = "liar";
        json["noise"]!["channels"] = 4;
        json["inputs"]![0]!["channels"] = 4;
        File.WriteAllText(Path.Combine(_dir, "liar.json"), json.ToJsonString());
        AssertFailsCleanly(Run("synth", "--model", Path.Combine(_dir, "liar.onnx"), "--size", "64x64", "-o", Out), "liar.onnx", Out);
    }

    [Test]
    public void RepairModelUsedForSynthesis() =>
        AssertFailsCleanly(Run("synth", "--model", Path.Combine(_fixtures, "fixture_repair.onnx"), "--size", "64x64", "-o", Out), "repair model", Out);

    [Test]
    public void SizeTheModelCannotMake() =>
        AssertFailsCleanly(Run("synth", "--model", Path.Combine(_fixtures, "fixture_synth.onnx"), "--size", "100x64", "-o", Out), "100x64", Out);

    [TestCase("--size", "big")]
    [TestCase("--ep", "tpu")]
    [TestCase("--threads", "-2")]
    [TestCase("--count", "0")]
    public void BadOptionValues(string option, string value)
    {
        var args = new List<string> { "synth", "--material", "clouds", "--size", "64x64", "-o", Out };
        int i = args.IndexOf(option);
        if (i >= 0) args[i + 1] = value; else args.AddRange(new[] { option, value });
        AssertFailsCleanly(Run(args.ToArray()), option, Out);
    }

    [Test]
    public void OutputFolderMissingOrExtensionUnknown()
    {
        string missing = Path.Combine(_dir, "no", "such", "out.png");
        AssertFailsCleanly(Run("synth", "--material", "clouds", "--size", "64x64", "-o", missing), "does not exist", missing);
        string weird = Path.Combine(_dir, "out.webp");
        AssertFailsCleanly(Run("synth", "--material", "clouds", "--size", "64x64", "-o", weird), ".webp", weird);
    }

    [Test]
    public void UnknownCommandOrMissingRequiredOption()
    {
        var r = Run("synth", "--material", "clouds", "-o", Out);
        AssertFailsCleanly(r, "--size", Out);
        r = Run("paint");
        Assert.That(r.Code, Is.Not.EqualTo(0));
        Assert.That(r.Err.Split('\n', StringSplitOptions.RemoveEmptyEntries), Has.Length.EqualTo(1));
    }

    [Test]
    public void NoRepairModelInTheCatalog()
    {
        string input = Image("in.png", 96, 64, alphaHole: 0);
        string empty = Path.Combine(_dir, "models");
        Directory.CreateDirectory(empty);
        AssertFailsCleanly(Run("repair", input, "--alpha", "-o", Out, "--models", empty), "No repair model", Out);
    }

    [Test]
    public void TrainRejectsAMissingExemplarAndABadName()
    {
        AssertFailsCleanly(Run("train", "--exemplar", Path.Combine(_dir, "ex.png"), "--minutes", "1", "--name", "rock"), "ex.png", Out);
        string ex = Image("ex.png", 64, 64);
        AssertFailsCleanly(Run("train", "--exemplar", ex, "--minutes", "1", "--name", "../evil"), "--name", Out);
        AssertFailsCleanly(Run("train", "--exemplar", ex, "--minutes", "0", "--name", "rock"), "--minutes", Out);
    }

    [Test]
    public void TheAheadOfTimeScriptRunsTheSameProgram()
    {
        // cli/texplug.sh publishes texplug with ReadyToRun into out/texplug/ (the first time: about 40 s) and
        // runs it: the same commands, the same bytes as the in-process program, and its errors the same way.
        string root = Path.GetFullPath(Path.Combine(_fixtures, "..", "..", ".."));
        string model = Path.Combine(_fixtures, "fixture_synth.onnx");
        string viaScript = Path.Combine(_dir, "script.png");
        var (code, stdout, stderr) = Script(root, "synth", "--model", model, "--size", "64x64", "--seed", "9", "-o", viaScript, "--ep", "cpu", "--threads", "1");
        Assert.That(code, Is.EqualTo(0), stdout + stderr);
        var r = Run("synth", "--model", model, "--size", "64x64", "--seed", "9", "-o", Out, "--ep", "cpu", "--threads", "1");
        Assert.That(r.Code, Is.EqualTo(0), r.Err);
        Assert.That(File.ReadAllBytes(viaScript), Is.EqualTo(File.ReadAllBytes(Out)));
        Assert.That(File.Exists(Path.Combine(root, "out", "texplug", "texplug.dll")), Is.True);

        string missing = Path.Combine(_dir, "missing.png");
        (code, stdout, stderr) = Script(root, "repair", missing, "--alpha", "-o", Path.Combine(_dir, "never.png"));
        Assert.That(code, Is.Not.EqualTo(0));
        Assert.That(stderr, Does.Contain("texplug: error: ").And.Contain("missing.png"));
        Assert.That(File.Exists(Path.Combine(_dir, "never.png")), Is.False);
    }

    private static (int Code, string Out, string Err) Script(string root, params string[] args)
    {
        var psi = new System.Diagnostics.ProcessStartInfo("bash") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        psi.ArgumentList.Add(Path.Combine(root, "cli", "texplug.sh"));
        foreach (string a in args)
            psi.ArgumentList.Add(a);
        using var p = System.Diagnostics.Process.Start(psi)!;
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEndAsync();
        Assert.That(p.WaitForExit(TimeSpan.FromMinutes(10)), Is.True, "cli/texplug.sh did not finish in 10 minutes");
        return (p.ExitCode, stdout.Result, stderr.Result);
    }
}

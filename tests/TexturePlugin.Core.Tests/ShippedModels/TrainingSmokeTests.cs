using System.Diagnostics;
using System.Text.Json;

namespace TexturePlugin.Core.Tests.ShippedModels;

/// <summary>The train-your-own command (training/train_synth.py) as the CLI calls it: a few steps on a
/// tiny exemplar give a working model and manifest; bad input gives exit code 2 and one clear line.
/// Ignored only when python3 with torch is missing (CI installs it with training/setup.sh).</summary>
[TestFixture]
[NonParallelizable]
public class TrainingSmokeTests
{
    private static string Python => File.Exists("/usr/bin/python3") ? "/usr/bin/python3" : "python3";

    private static (int Code, string Out, string Err) RunPython(params string[] args)
    {
        var psi = new ProcessStartInfo(Python) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in args)
        {
            psi.ArgumentList.Add(a);
        }

        using var p = Process.Start(psi) ?? throw new InvalidOperationException($"cannot start {Python}");
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEndAsync();
        if (!p.WaitForExit(240_000))
        {
            p.Kill(entireProcessTree: true);
            Assert.Fail($"{Python} {string.Join(' ', args)} did not finish in 240 s");
        }

        return (p.ExitCode, stdout.Result, stderr.Result);
    }

    [OneTimeSetUp]
    public void RequireTorch()
    {
        try
        {
            var (code, _, _) = RunPython("-c", "import torch, torchvision, onnx, cv2");
            if (code != 0)
            {
                Assert.Ignore($"{Python} lacks torch/torchvision/onnx/cv2: run training/setup.sh");
            }
        }
        catch (System.ComponentModel.Win32Exception)
        {
            Assert.Ignore("python3 not found: run training/setup.sh");
        }
    }

    private static readonly string TrainSynth = Path.Combine(ShippedModelFiles.RepoRoot, "training", "train_synth.py");
    private static readonly string TinyExemplar = Path.Combine(ShippedModelFiles.RepoRoot, "tests", "fixtures", "guide", "procedural_wrap_image.png");

    /// <summary>Runs <paramref name="test"/> with a fresh output directory for train_synth.py, deleted afterwards.</summary>
    private static void InTemporaryDirectory(string prefix, Action<string> test)
    {
        string outDir = Path.Combine(Path.GetTempPath(), prefix + Guid.NewGuid().ToString("N"));
        try
        {
            test(outDir);
        }
        finally
        {
            if (Directory.Exists(outDir))
            {
                Directory.Delete(outDir, recursive: true);
            }
        }
    }

    [Test]
    public void FewStepsOnATinyExemplarGiveAWorkingModel() => InTemporaryDirectory("texplug-smoke-", outDir =>
    {
        var (code, stdout, stderr) = RunPython(TrainSynth, "--exemplar", TinyExemplar, "--minutes", "0.3", "--steps", "3",
            "--name", "smoke", "--out", outDir, "--time-runs", "2", "--method", "gan");
        Assert.That(code, Is.EqualTo(0), stderr);
        var lines = stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.That(lines.Any(l => l.StartsWith("progress ", StringComparison.Ordinal)), Is.True, stdout);
        Assert.That(lines[^1], Is.EqualTo("model " + Path.Combine(outDir, "smoke.onnx")));
        Assert.That(File.Exists(Path.Combine(outDir, "smoke.onnx")), Is.True);
        using var doc = JsonDocument.Parse(File.ReadAllText(Path.Combine(outDir, "smoke.json")));
        Assert.That(doc.RootElement.GetProperty("kind").GetString(), Is.EqualTo("synthesis"));
        Assert.That(doc.RootElement.GetProperty("metrics").GetProperty("parity_max_abs_diff").GetDouble(), Is.LessThanOrEqualTo(1e-4));
        // the colour calibration ran (folded into the model before the parity check above)
        JsonElement colourMap = doc.RootElement.GetProperty("metrics").GetProperty("colour_map");
        Assert.That(colourMap.GetProperty("A").GetArrayLength(), Is.EqualTo(3));
        Assert.That(colourMap.GetProperty("b").GetArrayLength(), Is.EqualTo(3));
        // and the colour tables were fitted, in the form the engine reads
        Assert.That(TexturePlugin.Core.Models.ModelManifest.Load(Path.Combine(outDir, "smoke.json")).ColourLut, Has.Length.EqualTo(768));
        Assert.That(Directory.GetFiles(outDir).Select(Path.GetFileName), Is.EquivalentTo(new[] { "smoke.onnx", "smoke.json" }),
            "no temporary files left behind");
    });

    [Test]
    public void CopySynthesisTrainsAndExportsWithAnOriginInput() => InTemporaryDirectory("texplug-copy-", outDir =>
    {
        // train-your-own's default method (texlib/copysynth.py): a few steps, the export's parity check, a manifest the
        // engine reads and runs
        // (--steps bounds it; the minutes only stop a run that hangs, so a loaded machine still makes 4 steps)
        var (code, stdout, stderr) = RunPython(TrainSynth, "--exemplar", TinyExemplar, "--minutes", "3", "--steps", "4",
            "--name", "copy", "--out", outDir, "--time-runs", "2");
        Assert.That(code, Is.EqualTo(0), stderr);
        Assert.That(stdout, Does.Contain("parity ok"));
        Assert.That(stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries)[^1], Is.EqualTo("model " + Path.Combine(outDir, "copy.onnx")));
        var manifest = TexturePlugin.Core.Models.ModelManifest.Load(Path.Combine(outDir, "copy.json"));
        Assert.That(manifest.InputWithRole("origin")?.Channels, Is.EqualTo(2));
        Assert.That(manifest.SizeMultiple, Is.EqualTo(64), "the 64 px exemplar is one period");
        Assert.That(manifest.Provenance["steps"], Is.EqualTo("4"));
        using var engine = TexturePlugin.Core.Synthesis.SynthesisEngine.Open(manifest);
        var image = engine.Generate(128, 128, seed: 2);
        Assert.That(image.Width, Is.EqualTo(128));
        Assert.That(Directory.GetFiles(outDir).Select(Path.GetFileName), Is.EquivalentTo(new[] { "copy.onnx", "copy.json" }));
    });

    [Test]
    public void WidthsChooseTheGeneratorsChannels() => InTemporaryDirectory("texplug-widths-", outDir =>
    {
        // train_materials.sh --method gan trains the materials' generators with --widths 32,16,8 (19,963 parameters),
        // not train-your-own's default 40/24/10 (33,749)
        var (code, _, stderr) = RunPython(TrainSynth, "--exemplar", TinyExemplar, "--minutes", "0.3", "--steps", "2",
            "--name", "thin", "--out", outDir, "--time-runs", "2", "--widths", "32,16,8", "--no-colour-lut", "--method", "gan");
        Assert.That(code, Is.EqualTo(0), stderr);
        using var doc = JsonDocument.Parse(File.ReadAllText(Path.Combine(outDir, "thin.json")));
        Assert.That(doc.RootElement.GetProperty("metrics").GetProperty("params").GetInt32(), Is.EqualTo(19963));
        Assert.That(doc.RootElement.GetProperty("provenance").GetProperty("recipe").GetString(), Does.Contain("(widths 32/16/8)"));
        string script = File.ReadAllText(Path.Combine(ShippedModelFiles.RepoRoot, "training", "train_materials.sh"));
        Assert.That(script, Does.Contain("--method gan --widths 32,16,8"));

        (code, _, stderr) = RunPython(TrainSynth, "--exemplar", TinyExemplar, "--minutes", "0.1", "--name", "x", "--out", outDir,
            "--widths", "32,16");
        Assert.That(code, Is.EqualTo(2));
        Assert.That(stderr, Does.Contain("'32,16' is not three positive integers like 32,16,8"));
    });

    [Test]
    public void ExportFormsComputeTheTrainedNetworks()
    {
        // ExportRepairNet (phase up-convolutions, split output conv) and the synthesis graph rewrite's weight maps
        // against the networks as trained, in PyTorch; the script exits 1 naming the check that failed.
        string script = Path.Combine(ShippedModelFiles.RepoRoot, "training", "check_export_forms.py");
        var (code, stdout, stderr) = RunPython(script);
        Assert.That(code, Is.EqualTo(0), stdout + stderr);
        Assert.That(stdout.TrimEnd(), Does.EndWith("ok"));
        Assert.That(stdout, Does.Contain("ExportRepairNet vs RepairNet at 40x72"));
    }

    [Test]
    public void UnreadableExemplarFailsWithOneClearLine()
    {
        string missing = Path.Combine(Path.GetTempPath(), "texplug-no-such-exemplar.png");
        var (code, stdout, stderr) = RunPython(TrainSynth, "--exemplar", missing, "--minutes", "0.1", "--name", "x",
            "--out", Path.GetTempPath());
        Assert.That(code, Is.EqualTo(2));
        Assert.That(stderr.Trim(), Does.StartWith("error: ").And.Contain(missing).And.Not.Contain("\n"));
        Assert.That(stdout, Does.Not.Contain("model "));
    }
}

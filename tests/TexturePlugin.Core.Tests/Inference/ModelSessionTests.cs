using NUnit.Framework;
using TexturePlugin.Core.Diagnostics;
using TexturePlugin.Core.Inference;

namespace TexturePlugin.Core.Tests.Inference;

[TestFixture]
public sealed class ModelSessionTests
{
    private static SessionConfig Config(ExecutionProviderKind provider = ExecutionProviderKind.Auto, MemoryTextureLog? log = null) =>
        new() { Provider = provider, IntraOpThreads = 1, Log = log ?? new MemoryTextureLog() };

    private static Dictionary<string, int[]> NoiseShape(int h, int w) => new() { ["noise"] = new[] { 1, 4, h, w } };

    [Test]
    public void Auto_opens_on_cpu_here_and_logs_why()
    {
        var log = new MemoryTextureLog();
        using ModelSession session = ModelSession.Open(TestPaths.ModelFixture("synth_tiny.onnx"), Config(log: log));
        Assert.That(session.Provider, Is.EqualTo(ExecutionProviderKind.Cpu));
        Assert.That(session.ProviderReason, Does.Contain("requested auto, using cpu").And.Contain("cuda skipped"));
        Assert.That(log.Lines.Any(l => l.Level == TextureLogLevel.Info && l.Message.Contains("synth_tiny.onnx") && l.Message.Contains("cuda skipped")),
            Is.True, string.Join("\n", log.Lines.Select(l => l.Message)));
        Assert.That(session.Inputs.Select(i => i.Name), Is.EqualTo(new[] { "noise" }));
        Assert.That(session.Inputs[0].Dimensions, Is.EqualTo(new[] { 1, 4, -1, -1 }));
        Assert.That(session.Outputs[0].Dimensions, Is.EqualTo(new[] { 1, 3, -1, -1 }));
        Assert.That(session.Metadata["texplug.kind"], Is.EqualTo("synthesis"));
        Assert.That(session.File.MetadataProps["texplug.noise_cell"], Is.EqualTo("2"));
    }

    [Test]
    public void Forced_cpu_opens_and_forced_gpu_providers_fail_clearly()
    {
        string path = TestPaths.ModelFixture("synth_tiny.onnx");
        using (ModelSession cpu = ModelSession.Open(path, Config(ExecutionProviderKind.Cpu)))
            Assert.That(cpu.ProviderReason, Is.EqualTo("requested cpu, using cpu"));
        var cuda = Assert.Throws<ExecutionProviderException>(() => ModelSession.Open(path, Config(ExecutionProviderKind.Cuda)))!;
        Assert.That(cuda.Message, Does.Contain("cuda was requested"));
        var dml = Assert.Throws<ExecutionProviderException>(() => ModelSession.Open(path, Config(ExecutionProviderKind.Dml)))!;
        Assert.That(dml.Message, Does.Contain("dml was requested"));
    }

    [Test]
    public void Runner_preallocates_and_computes_on_the_current_inputs()
    {
        using ModelSession session = ModelSession.Open(TestPaths.ModelFixture("synth_tiny.onnx"), Config());
        using FixedShapeRunner runner = session.CreateRunner(NoiseShape(3, 5));
        Assert.That(runner.OutputShape("image"), Is.EqualTo(new long[] { 1, 3, 6, 10 }));
        Assert.That(runner.Input("noise").Length, Is.EqualTo(60));
        Assert.That(runner.Output("image").Length, Is.EqualTo(180));

        var rng = new Random(3);
        float[] a = Enumerable.Range(0, 60).Select(_ => (float)(rng.NextDouble() - 0.5)).ToArray();
        float[] b = Enumerable.Range(0, 60).Select(_ => (float)(rng.NextDouble() - 0.5)).ToArray();
        float[] Run(float[] input)
        {
            input.CopyTo(runner.Input("noise"));
            runner.Run();
            return runner.Output("image").ToArray();
        }
        float[] outA = Run(a), outB = Run(b), outSum = Run(a.Zip(b, (x, y) => x + y).ToArray()), outZero = Run(new float[60]);
        Assert.That(outA, Is.Not.EqualTo(outB), "the output must follow the input");
        for (int i = 0; i < 180; i++)
        {
            // 1x1 conv then tanh: atanh(out) is affine in the input.
            double lhs = Math.Atanh(outSum[i]) + Math.Atanh(outZero[i]);
            double rhs = Math.Atanh(outA[i]) + Math.Atanh(outB[i]);
            Assert.That(lhs, Is.EqualTo(rhs).Within(1e-4), $"element {i}");
        }
        // Nearest x2 upsampling: each 2x2 block is one value.
        for (int c = 0; c < 3; c++)
            for (int y = 0; y < 6; y += 2)
                for (int x = 0; x < 10; x += 2)
                {
                    float v = outA[c * 60 + y * 10 + x];
                    Assert.That(new[] { outA[c * 60 + y * 10 + x + 1], outA[c * 60 + (y + 1) * 10 + x], outA[c * 60 + (y + 1) * 10 + x + 1] }, Is.All.EqualTo(v));
                }
    }

    [Test]
    public void Runner_checks_shapes_and_names()
    {
        using ModelSession session = ModelSession.Open(TestPaths.ModelFixture("synth_tiny.onnx"), Config());
        var wrongChannels = Assert.Throws<ModelException>(() => session.CreateRunner(new Dictionary<string, int[]> { ["noise"] = new[] { 1, 5, 4, 4 } }))!;
        Assert.That(wrongChannels.Message, Does.Contain("dimension 1 is fixed at 4").And.Contain("but 5 was given"));
        var missing = Assert.Throws<ModelException>(() => session.CreateRunner(new Dictionary<string, int[]> { ["z"] = new[] { 1, 4, 4, 4 } }))!;
        Assert.That(missing.Message, Does.Contain("no input 'z'").And.Contain("no shape given for input 'noise'"));
        var rank = Assert.Throws<ModelException>(() => session.CreateRunner(new Dictionary<string, int[]> { ["noise"] = new[] { 4, 4, 4 } }))!;
        Assert.That(rank.Message, Does.Contain("rank 4"));
        using FixedShapeRunner runner = session.CreateRunner(NoiseShape(2, 2), warmUp: false);
        Assert.That(Assert.Throws<ArgumentException>(() => runner.Input("image").ToArray())!.Message, Does.Contain("no input 'image'"));
    }

    [Test]
    public void Given_output_shapes_skip_the_sizing_run_and_a_wrong_one_fails_at_run()
    {
        using ModelSession session = ModelSession.Open(TestPaths.ModelFixture("synth_tiny.onnx"), Config());
        using FixedShapeRunner sized = session.CreateRunner(NoiseShape(3, 5));
        using FixedShapeRunner given = session.CreateRunner(NoiseShape(3, 5), warmUp: false,
            new Dictionary<string, int[]> { ["image"] = new[] { 1, 3, 6, 10 } });
        Assert.That(given.OutputShape("image"), Is.EqualTo(sized.OutputShape("image")));
        var rng = new Random(5);
        float[] input = Enumerable.Range(0, 60).Select(_ => (float)(rng.NextDouble() - 0.5)).ToArray();
        input.CopyTo(sized.Input("noise"));
        input.CopyTo(given.Input("noise"));
        sized.Run();
        given.Run();
        Assert.That(given.Output("image").ToArray(), Is.EqualTo(sized.Output("image").ToArray()));

        // A wrong shape where the model leaves the dimension open: nothing runs at creation, so the first run says so.
        using FixedShapeRunner wrong = session.CreateRunner(NoiseShape(3, 5), warmUp: false,
            new Dictionary<string, int[]> { ["image"] = new[] { 1, 3, 6, 11 } });
        var failed = Assert.Throws<ModelException>(() => wrong.Run())!;
        Assert.That(failed.Message, Does.Contain("synth_tiny.onnx").And.Contain("the run failed"));

        var name = Assert.Throws<ModelException>(() => session.CreateRunner(NoiseShape(3, 5), false, new Dictionary<string, int[]> { ["rgb"] = new[] { 1, 3, 6, 10 } }))!;
        Assert.That(name.Message, Does.Contain("there is no output 'rgb' (outputs: image)"));
        var rank = Assert.Throws<ModelException>(() => session.CreateRunner(NoiseShape(3, 5), false, new Dictionary<string, int[]> { ["image"] = new[] { 3, 6, 10 } }))!;
        Assert.That(rank.Message, Does.Contain("output 'image' has rank 4"));
        var fixedDim = Assert.Throws<ModelException>(() => session.CreateRunner(NoiseShape(3, 5), false, new Dictionary<string, int[]> { ["image"] = new[] { 1, 4, 6, 10 } }))!;
        Assert.That(fixedDim.Message, Does.Contain("output 'image' dimension 1 is fixed at 3 [1, 3, ?, ?], but 4 was given"));
    }

    [Test]
    public void One_non_finite_value_anywhere_is_found()
    {
        // The vector pass over whole vectors and the scalar tail must both see it.
        foreach (int length in new[] { 1, 7, 64, 1003 })
            foreach (float bad in new[] { float.NaN, float.PositiveInfinity, float.NegativeInfinity })
                foreach (int at in Enumerable.Range(0, length).Where(i => i % 59 == 0 || i >= length - 3))
                {
                    var data = new float[length];
                    for (int i = 0; i < length; i++)
                        data[i] = (i % 5 - 2) * 1e30f;
                    Assert.That(FixedShapeRunner.AllFinite(data), Is.True);
                    data[at] = bad;
                    Assert.That(FixedShapeRunner.AllFinite(data), Is.False, $"{bad} at {at} of {length}");
                }
    }

    [Test]
    public void Nan_outputs_are_detected_and_reported()
    {
        string path = TestPaths.ModelFixture("nan_synth.onnx");
        using ModelSession session = ModelSession.Open(path, Config());
        using FixedShapeRunner runner = session.CreateRunner(NoiseShape(2, 3));
        var e = Assert.Throws<ModelOutputException>(() => runner.Run())!;
        Assert.That(e.OutputName, Is.EqualTo("image"));
        Assert.That(e.NaNCount, Is.EqualTo(3 * 4 * 6));
        Assert.That(e.Message, Does.Contain(path).And.Contain("72 NaN").And.Contain("'image'"));

        var unchecked_ = Config();
        unchecked_.CheckOutputs = false;
        using ModelSession quiet = ModelSession.Open(path, unchecked_);
        using FixedShapeRunner quietRunner = quiet.CreateRunner(NoiseShape(2, 3));
        quietRunner.Run();
        Assert.That(float.IsNaN(quietRunner.Output("image")[0]), Is.True);
    }

    [Test]
    public void A_cancelled_run_throws_and_the_runner_still_works()
    {
        using ModelSession session = ModelSession.Open(TestPaths.ModelFixture("synth_tiny.onnx"), Config());
        using FixedShapeRunner runner = session.CreateRunner(NoiseShape(4, 4));
        using (var cts = new CancellationTokenSource())
        {
            cts.Cancel();
            Assert.Throws<OperationCanceledException>(() => runner.Run(cts.Token));
        }

        // Cancelled while running: ONNX Runtime's terminate flag stops it (or the run ends first); either way the
        // caller sees the cancellation.
        using (ModelSession big = ModelSession.Open(TestPaths.ModelFixture("synth_tiny.onnx"), Config()))
        using (FixedShapeRunner bigRunner = big.CreateRunner(NoiseShape(512, 512), warmUp: false))
        using (var cts = new CancellationTokenSource())
        {
            cts.CancelAfter(2);
            Assert.Throws<OperationCanceledException>(() =>
            {
                for (int i = 0; i < 1000; i++)
                    bigRunner.Run(cts.Token);
            });
            bigRunner.Run(); // the terminate flag was reset
        }
        runner.Run(CancellationToken.None);
    }
}

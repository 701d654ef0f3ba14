using NUnit.Framework;
using TexturePlugin.Core.Diagnostics;
using TexturePlugin.Core.Inference;

namespace TexturePlugin.Core.Tests.Inference;

/// <summary>Every kind of bad model file gets a clear <see cref="ModelException"/> naming the file.</summary>
[TestFixture]
public sealed class BadModelTests
{
    private TempFolder _temp = null!;

    [SetUp]
    public void SetUp() => _temp = new TempFolder();

    [TearDown]
    public void TearDown() => _temp.Dispose();

    private static SessionConfig Config() => new() { Provider = ExecutionProviderKind.Cpu, IntraOpThreads = 1, Log = TextureLog.Null };

    private static ModelException Fails(string path, string expected)
    {
        var e = Assert.Throws<ModelException>(() => ModelSession.Open(path, Config()).Dispose())!;
        Assert.That(e.Message, Does.Contain(path).And.Contain(expected));
        return e;
    }

    [Test]
    public void Missing_file() => Fails(_temp.File("none.onnx"), "does not exist");

    [Test]
    public void Empty_file()
    {
        string path = _temp.File("empty.onnx");
        File.WriteAllBytes(path, Array.Empty<byte>());
        Fails(path, "empty");
    }

    [Test]
    public void Not_onnx()
    {
        string path = _temp.File("text.onnx");
        File.WriteAllText(path, "<html><body>404 Not Found</body></html>");
        Fails(path, "is not an ONNX model");
        string png = _temp.File("picture.onnx");
        File.WriteAllBytes(png, new byte[] { 137, 80, 78, 71, 13, 10, 26, 10, 0, 0, 0, 13, 73, 72, 68, 82 });
        Fails(png, "is not an ONNX model");
    }

    [Test]
    public void Truncated_anywhere()
    {
        byte[] whole = File.ReadAllBytes(TestPaths.ModelFixture("synth_tiny.onnx"));
        foreach (int length in new[] { 3, 20, whole.Length / 3, whole.Length / 2, whole.Length - 30, whole.Length - 1 })
        {
            string path = _temp.File($"cut{length}.onnx");
            File.WriteAllBytes(path, whole.AsSpan(0, length).ToArray());
            var e = Assert.Throws<ModelException>(() => ModelSession.Open(path, Config()).Dispose(), $"cut at {length} of {whole.Length}")!;
            Assert.That(e.Message, Does.Contain(path).And.Contain("truncated"), $"cut at {length} of {whole.Length}");
        }
    }

    [Test]
    public void External_data_outside_the_folder_is_refused()
    {
        string path = TestPaths.ModelFixture(Path.Combine("escape", "external_outside.onnx"));
        var e = Fails(path, "outside the models folder");
        Assert.That(e.Message, Does.Contain("../escape_weights.bin").And.Contain("refused"));
    }

    [Test]
    public void External_data_at_an_absolute_path_is_refused()
    {
        string path = TestPaths.ModelFixture(Path.Combine("escape", "external_absolute.onnx"));
        var e = Fails(path, "absolute path");
        Assert.That(e.Message, Does.Contain("/etc/hostname"));
    }

    [Test]
    public void External_data_beside_the_model_loads_and_runs()
    {
        using (ModelSession inside = ModelSession.Open(TestPaths.ModelFixture("external_inside.onnx"), Config()))
        {
            Assert.That(inside.File.ExternalData.Select(x => x.Location).Distinct(), Is.EqualTo(new[] { "external_inside.weights" }));
            using FixedShapeRunner runner = inside.CreateRunner(new Dictionary<string, int[]> { ["noise"] = new[] { 1, 4, 2, 2 } });
            runner.Input("noise").Fill(0.5f);
            runner.Run();
            Assert.That(runner.Output("image").ToArray(), Has.None.EqualTo(0f));
        }
    }

    [Test]
    public void Missing_external_data_file_is_named()
    {
        string dir = Path.Combine(_temp.Path, "m");
        Directory.CreateDirectory(dir);
        File.Copy(TestPaths.ModelFixture("external_inside.onnx"), Path.Combine(dir, "external_inside.onnx"));
        var e = Fails(Path.Combine(dir, "external_inside.onnx"), "external_inside.weights");
        Assert.That(e.Message, Does.Contain("does not exist"));
    }

    [Test]
    public void Wrong_inputs_are_named_when_making_a_runner()
    {
        using ModelSession session = ModelSession.Open(TestPaths.ModelFixture("wrong_inputs.onnx"), Config());
        var e = Assert.Throws<ModelException>(() => session.CreateRunner(new Dictionary<string, int[]> { ["noise"] = new[] { 1, 4, 4, 4 } }))!;
        Assert.That(e.Message, Does.Contain("there is no input 'noise' (inputs: z)").And.Contain("no shape given for input 'z' [1, 5, ?, ?]"));
    }

    [Test]
    public void A_graph_onnx_runtime_rejects_is_reported_as_the_models_problem()
    {
        // Valid protobuf, unknown operator: only ONNX Runtime can tell.
        byte[] bytes = File.ReadAllBytes(TestPaths.ModelFixture("synth_tiny.onnx"));
        byte[] tanh = System.Text.Encoding.ASCII.GetBytes("Tanh");
        int at = bytes.AsSpan().IndexOf(tanh);
        Assert.That(at, Is.GreaterThan(0), "the fixture has a Tanh node");
        bytes[at + 3] = (byte)'x';
        string path = _temp.File("unknown_op.onnx");
        File.WriteAllBytes(path, bytes);
        var e = Fails(path, "ONNX Runtime cannot load the model");
        Assert.That(e.Message, Does.Contain("Tanx"));
        Assert.That(e.InnerException, Is.Not.Null);
    }

    [Test]
    public void Negative_thread_count_is_refused()
    {
        SessionConfig config = Config();
        config.IntraOpThreads = -2;
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => ModelSession.Open(TestPaths.ModelFixture("synth_tiny.onnx"), config))!;
        Assert.That(e.Message, Does.Contain("IntraOpThreads"));
    }
}

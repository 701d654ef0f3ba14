using System.Runtime.CompilerServices;
using System.Text.Json;
using Microsoft.ML.OnnxRuntime;

namespace TexturePlugin.Core.Tests.ShippedModels;

/// <summary>
/// The shipped models (models/NAME.onnx + NAME.json) and the raw float32 fixtures written by
/// training/ (tests/fixtures/parity). Uses ONNX Runtime's own C# API only, so these tests check the
/// exported files themselves, independently of Core's model classes.
/// </summary>
internal static class ShippedModelFiles
{
    private static readonly Lazy<string> Root = new(() => FindRoot());

    public static string RepoRoot => Root.Value;

    public static string ModelsDir => Path.Combine(RepoRoot, "models");

    public static string ParityDir => Path.Combine(RepoRoot, "tests", "fixtures", "parity");

    public static IEnumerable<string> Names(string kind) =>
        Directory.Exists(Path.Combine(FindRoot(), "models"))
            ? Directory.GetFiles(Path.Combine(FindRoot(), "models"), "*.json")
                .Where(p => File.Exists(Path.ChangeExtension(p, ".onnx")) && Kind(p) == kind)
                .Select(p => Path.GetFileNameWithoutExtension(p)!)
                .OrderBy(n => n, StringComparer.Ordinal)
            : Array.Empty<string>();

    public static JsonElement Manifest(string name)
    {
        using var doc = JsonDocument.Parse(File.ReadAllText(Path.Combine(ModelsDir, name + ".json")));
        return doc.RootElement.Clone();
    }

    public static InferenceSession Open(string name, int threads = 2)
    {
        using var options = new SessionOptions { IntraOpNumThreads = threads, InterOpNumThreads = 1 };
        return new InferenceSession(Path.Combine(ModelsDir, name + ".onnx"), options);
    }

    public static float[] ReadFloats(string path, int count)
    {
        byte[] bytes = File.ReadAllBytes(path);
        Assert.That(bytes.Length, Is.EqualTo(count * 4), $"{path}: size");
        var a = new float[count];
        Buffer.BlockCopy(bytes, 0, a, 0, bytes.Length);
        return a;
    }

    /// <summary>Runs a session on named [1,C,H,W] inputs and returns the single output with its shape.</summary>
    public static (float[] Data, long[] Shape) Run(InferenceSession session, params (string Name, float[] Data, long[] Shape)[] inputs)
    {
        var values = inputs.Select(i => OrtValue.CreateTensorValueFromMemory(i.Data, i.Shape)).ToList();
        try
        {
            using var runOptions = new RunOptions();
            string output = session.OutputMetadata.Keys.Single();
            using var results = session.Run(runOptions, inputs.Select(i => i.Name).ToArray(), values, new[] { output });
            var shape = results[0].GetTensorTypeAndShape().Shape;
            return (results[0].GetTensorDataAsSpan<float>().ToArray(), shape);
        }
        finally
        {
            foreach (var v in values)
            {
                v.Dispose();
            }
        }
    }

    public static float[] Gaussian(int count, int seed)
    {
        var rng = new Random(seed);
        var a = new float[count];
        for (int i = 0; i < count; i++)
        {
            double u1 = 1.0 - rng.NextDouble(), u2 = rng.NextDouble();
            a[i] = (float)(Math.Sqrt(-2 * Math.Log(u1)) * Math.Cos(2 * Math.PI * u2));
        }

        return a;
    }

    private static string Kind(string jsonPath)
    {
        using var doc = JsonDocument.Parse(File.ReadAllText(jsonPath));
        return doc.RootElement.TryGetProperty("kind", out var k) ? k.GetString() ?? "" : "";
    }

    private static string FindRoot([CallerFilePath] string sourceFile = "")
    {
        foreach (string start in new[] { Path.GetDirectoryName(sourceFile) ?? "", AppContext.BaseDirectory, Directory.GetCurrentDirectory() })
        {
            for (DirectoryInfo? dir = start.Length == 0 ? null : new(start); dir is not null; dir = dir.Parent)
            {
                if (File.Exists(Path.Combine(dir.FullName, "TexturePlugin.sln")))
                {
                    return dir.FullName;
                }
            }
        }

        throw new InvalidOperationException($"No TexturePlugin.sln above {sourceFile} or {AppContext.BaseDirectory}.");
    }
}

using System.Diagnostics;
using System.Globalization;
using Microsoft.ML.OnnxRuntime;

namespace TexturePlugin.Training.OrtRun;

/// <summary>
/// ortrun run MODEL.onnx [--threads N] --in NAME=FILE.bin:1x3x64x64 ... --out NAME=FILE.bin ...
///   reads raw little-endian float32 inputs, runs once, writes raw float32 outputs and prints
///   "output NAME d0xd1x..." per output.
/// ortrun time MODEL.onnx [--threads N] [--runs N] [--warmup N] --shape NAME=1x8x64x64 ...
///   standard normal inputs (seed 0), warm-up runs, then prints "median_ms X min_ms Y runs N".
/// ortrun batch MODEL.onnx [--threads N] --jobs FILE
///   one session, one run per line of FILE (each line: --in NAME=FILE:SHAPE ... --out NAME=FILE ...),
///   so an evaluation over many images pays the process and session start once.
/// Exit code 2 with one line on stderr on any error.
/// </summary>
internal static class Program
{
    private static int Main(string[] args)
    {
        try
        {
            if (args.Length >= 2 && args[0] == "batch")
            {
                return Batch(args);
            }

            if (args.Length < 2 || (args[0] != "run" && args[0] != "time"))
            {
                throw new ArgumentException("usage: ortrun run|time MODEL.onnx [--threads N] [--runs N] [--warmup N] --in NAME=FILE:SHAPE | --shape NAME=SHAPE ... [--out NAME=FILE ...]");
            }

            string model = args[1];
            if (!File.Exists(model))
            {
                throw new FileNotFoundException($"{model}: no such model file");
            }

            int threads = 2, runs = 50, warmup = 5;
            var inputs = new List<(string Name, string? File, long[] Shape)>();
            var outputs = new Dictionary<string, string>();
            for (int i = 2; i < args.Length; i += 2)
            {
                if (i + 1 >= args.Length)
                {
                    throw new ArgumentException($"option {args[i]} needs a value");
                }

                string v = args[i + 1];
                switch (args[i])
                {
                    case "--threads": threads = int.Parse(v, CultureInfo.InvariantCulture); break;
                    case "--runs": runs = int.Parse(v, CultureInfo.InvariantCulture); break;
                    case "--warmup": warmup = int.Parse(v, CultureInfo.InvariantCulture); break;
                    case "--in":
                        {
                            var (name, rest) = SplitOnce(v, '=');
                            int colon = rest.LastIndexOf(':');
                            if (colon < 0)
                            {
                                throw new ArgumentException($"--in {v}: expected NAME=FILE:SHAPE");
                            }

                            inputs.Add((name, rest[..colon], ParseShape(rest[(colon + 1)..])));
                            break;
                        }
                    case "--shape":
                        {
                            var (name, shape) = SplitOnce(v, '=');
                            inputs.Add((name, null, ParseShape(shape)));
                            break;
                        }
                    case "--out":
                        {
                            var (name, file) = SplitOnce(v, '=');
                            outputs[name] = file;
                            break;
                        }
                    default: throw new ArgumentException($"unknown option {args[i]}");
                }
            }

            using var options = new SessionOptions
            {
                IntraOpNumThreads = threads,
                InterOpNumThreads = 1,
                GraphOptimizationLevel = GraphOptimizationLevel.ORT_ENABLE_ALL,
            };
            // TEXPLUG_ORT_PROFILE=PREFIX: ONNX Runtime's per-node profile (JSON) of this run, for finding where a model's time goes
            string? profile = Environment.GetEnvironmentVariable("TEXPLUG_ORT_PROFILE");
            if (!string.IsNullOrEmpty(profile))
            {
                options.EnableProfiling = true;
                options.ProfileOutputPathPrefix = profile;
            }

            // TEXPLUG_ORT_NO_SPIN=1: intra-op threads sleep between parallel sections instead of spinning
            if (Environment.GetEnvironmentVariable("TEXPLUG_ORT_NO_SPIN") == "1")
            {
                options.AddSessionConfigEntry("session.intra_op.allow_spinning", "0");
            }

            using var session = new InferenceSession(model, options);
            var rng = new Random(0);
            var values = new List<OrtValue>();
            var names = new List<string>();
            try
            {
                foreach (var (name, file, shape) in inputs)
                {
                    if (!session.InputMetadata.ContainsKey(name))
                    {
                        throw new ArgumentException($"{model}: has no input '{name}' (inputs: {string.Join(", ", session.InputMetadata.Keys)})");
                    }

                    long count = shape.Aggregate(1L, (a, b) => a * b);
                    float[] data = file is null ? Gaussian(rng, count) : ReadFloats(file, count);
                    values.Add(OrtValue.CreateTensorValueFromMemory(data, shape));
                    names.Add(name);
                }

                var outNames = session.OutputMetadata.Keys.ToArray();
                using var runOptions = new RunOptions();
                if (args[0] == "run")
                {
                    using var results = session.Run(runOptions, names, values, outNames);
                    for (int k = 0; k < outNames.Length; k++)
                    {
                        var info = results[k].GetTensorTypeAndShape();
                        Console.WriteLine($"output {outNames[k]} {string.Join("x", info.Shape)}");
                        if (outputs.TryGetValue(outNames[k], out var path))
                        {
                            WriteFloats(path, results[k].GetTensorDataAsSpan<float>());
                        }
                    }

                    return 0;
                }

                var times = new List<double>();
                for (int r = 0; r < warmup + runs; r++)
                {
                    var sw = Stopwatch.StartNew();
                    using (session.Run(runOptions, names, values, outNames))
                    {
                    }

                    if (r >= warmup)
                    {
                        times.Add(sw.Elapsed.TotalMilliseconds);
                    }
                }

                times.Sort();
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"median_ms {times[times.Count / 2]:F3} min_ms {times[0]:F3} runs {runs} threads {threads}"));
                if (!string.IsNullOrEmpty(profile))
                {
                    Console.WriteLine($"profile {session.EndProfiling()}");   // written only when asked for
                }

                return 0;
            }
            finally
            {
                foreach (var v in values)
                {
                    v.Dispose();
                }
            }
        }
        catch (Exception e) when (e is ArgumentException or IOException or FormatException or OnnxRuntimeException or InvalidDataException)
        {
            Console.Error.WriteLine($"ortrun: {e.Message}");
            return 2;
        }
    }

    private static int Batch(string[] args)
    {
        string model = args[1];
        int threads = 2;
        string? jobs = null;
        for (int i = 2; i + 1 < args.Length; i += 2)
        {
            switch (args[i])
            {
                case "--threads": threads = int.Parse(args[i + 1], CultureInfo.InvariantCulture); break;
                case "--jobs": jobs = args[i + 1]; break;
                default: throw new ArgumentException($"unknown option {args[i]}");
            }
        }

        if (jobs is null || !File.Exists(jobs))
        {
            throw new ArgumentException($"batch needs --jobs FILE (got '{jobs}')");
        }

        using var options = new SessionOptions { IntraOpNumThreads = threads, InterOpNumThreads = 1 };
        using var session = new InferenceSession(model, options);
        var outNames = session.OutputMetadata.Keys.ToArray();
        using var runOptions = new RunOptions();
        foreach (string line in File.ReadLines(jobs).Where(l => l.Trim().Length > 0))
        {
            var parts = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            var names = new List<string>();
            var values = new List<OrtValue>();
            var outputs = new Dictionary<string, string>();
            try
            {
                for (int i = 0; i + 1 < parts.Length; i += 2)
                {
                    var (name, rest) = SplitOnce(parts[i + 1], '=');
                    if (parts[i] == "--out")
                    {
                        outputs[name] = rest;
                        continue;
                    }

                    int colon = rest.LastIndexOf(':');
                    if (parts[i] != "--in" || colon < 0)
                    {
                        throw new ArgumentException($"{jobs}: bad job '{line}'");
                    }

                    long[] shape = ParseShape(rest[(colon + 1)..]);
                    values.Add(OrtValue.CreateTensorValueFromMemory(ReadFloats(rest[..colon], shape.Aggregate(1L, (a, b) => a * b)), shape));
                    names.Add(name);
                }

                using var results = session.Run(runOptions, names, values, outNames);
                for (int k = 0; k < outNames.Length; k++)
                {
                    if (outputs.TryGetValue(outNames[k], out var path))
                    {
                        WriteFloats(path, results[k].GetTensorDataAsSpan<float>());
                    }
                }
            }
            finally
            {
                foreach (var v in values)
                {
                    v.Dispose();
                }
            }
        }

        return 0;
    }

    private static (string, string) SplitOnce(string s, char c)
    {
        int i = s.IndexOf(c);
        if (i <= 0)
        {
            throw new ArgumentException($"'{s}': expected NAME{c}VALUE");
        }

        return (s[..i], s[(i + 1)..]);
    }

    private static long[] ParseShape(string s) =>
        s.Split('x').Select(p => long.Parse(p, CultureInfo.InvariantCulture)).ToArray();

    private static float[] Gaussian(Random rng, long count)
    {
        var a = new float[count];
        for (long i = 0; i < count; i++)
        {
            double u1 = 1.0 - rng.NextDouble(), u2 = rng.NextDouble();
            a[i] = (float)(Math.Sqrt(-2 * Math.Log(u1)) * Math.Cos(2 * Math.PI * u2));
        }

        return a;
    }

    private static float[] ReadFloats(string path, long count)
    {
        byte[] bytes = File.ReadAllBytes(path);
        if (bytes.Length != count * 4)
        {
            throw new InvalidDataException($"{path}: {bytes.Length} bytes, expected {count * 4} ({count} float32)");
        }

        var a = new float[count];
        Buffer.BlockCopy(bytes, 0, a, 0, bytes.Length);
        return a;
    }

    private static void WriteFloats(string path, ReadOnlySpan<float> data)
    {
        string tmp = path + ".tmp";
        using (var f = File.Create(tmp))
        {
            f.Write(System.Runtime.InteropServices.MemoryMarshal.AsBytes(data));
        }

        File.Move(tmp, path, overwrite: true);
    }
}

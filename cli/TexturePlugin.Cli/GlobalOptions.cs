using System.CommandLine;
using TexturePlugin.Core.Imaging;
using TexturePlugin.Core.Inference;
using TexturePlugin.Core.Models;

namespace TexturePlugin.Cli;

/// <summary>Options every command takes: execution provider, threads, models folder, resource limits, --force.</summary>
internal sealed class GlobalOptions
{
    public Option<string> Ep { get; } = new("--ep")
    {
        Description = "Execution provider: auto, cpu, cuda or dml",
        DefaultValueFactory = _ => "auto",
        Recursive = true,
    };

    public Option<int> Threads { get; } = new("--threads")
    {
        Description = $"Threads for ONNX Runtime (0 = automatic; at most the logical processors, {SessionConfig.MaxThreads} here)",
        DefaultValueFactory = _ => 0,
        Recursive = true,
    };

    public Option<string?> Models { get; } = new("--models")
    {
        Description = "Models folder (default: $TEXPLUG_MODELS, else models/ found from the program or the current folder)",
        Recursive = true,
    };

    public Option<int> MaxSide { get; } = new("--max-side")
    {
        Description = $"Largest image side read or made, in pixels (default {ImageLimits.DefaultMaxSide})",
        DefaultValueFactory = _ => ImageLimits.DefaultMaxSide,
        Recursive = true,
    };

    public Option<double> MaxMegapixels { get; } = new("--max-megapixels")
    {
        Description = $"Most pixels in an image read or made, in megapixels of 2^20 (default {ImageLimits.DefaultMaxPixels >> 20})",
        DefaultValueFactory = _ => (double)(ImageLimits.DefaultMaxPixels >> 20),
        Recursive = true,
    };

    public Option<long> MaxInputMb { get; } = new("--max-input-mb")
    {
        Description = $"Most MiB read from an input that is not a regular file, e.g. a pipe (default {ImageLimits.DefaultMaxStreamBytes >> 20})",
        DefaultValueFactory = _ => ImageLimits.DefaultMaxStreamBytes >> 20,
        Recursive = true,
    };

    public Option<bool> Force { get; } = new("--force")
    {
        Description = "Replace read-only output files (their permissions are kept)",
        Recursive = true,
    };

    public GlobalOptions()
    {
        // Checked while parsing, so every command (models and procedural synthesis too) rejects bad values.
        Check(Ep, v => new[] { "auto", "cpu", "cuda", "dml" }.Contains((v ?? "").ToLowerInvariant())
            ? null : $"--ep must be auto, cpu, cuda or dml, not '{v}'.");
        Check(Threads, v => v >= 0 && v <= SessionConfig.MaxThreads
            ? null : $"--threads must be 0 (automatic) to {SessionConfig.MaxThreads} (the logical processors here), not {v}.");
        Check(Models, v => v is null || v.Trim().Length > 0 ? null : "--models needs a folder, not an empty name.");
        Check(MaxSide, v => v >= 1 ? null : $"--max-side must be positive, not {v}.");
        Check(MaxMegapixels, v => v > 0 && v <= 1 << 20 ? null : $"--max-megapixels must be above 0 and at most {1 << 20}, not {v}.");
        Check(MaxInputMb, v => v >= 1 && v <= 1L << 30 ? null : $"--max-input-mb must be 1 to {1L << 30}, not {v}.");
    }

    /// <summary>
    /// Adds a check of the option's value. A value that is not even of the option's type is left to the parser, which
    /// reports it itself; reading it here would throw instead.
    /// </summary>
    public static void Check<T>(Option<T> option, Func<T, string?> problem)
    {
        option.Validators.Add(r =>
        {
            T value;
            try
            {
                value = r.GetValueOrDefault<T>();
            }
            catch (InvalidOperationException)
            {
                return;
            }
            if (problem(value) is string message)
                r.AddError(message);
        });
    }

    public void AddTo(Command root)
    {
        foreach (Option option in new Option[] { Ep, Threads, Models, MaxSide, MaxMegapixels, MaxInputMb, Force })
            root.Options.Add(option);
    }

    public SessionConfig Session(ParseResult result)
    {
        string ep = result.GetValue(Ep) ?? "auto";
        ExecutionProviderKind kind = ep.ToLowerInvariant() switch
        {
            "auto" => ExecutionProviderKind.Auto,
            "cpu" => ExecutionProviderKind.Cpu,
            "cuda" => ExecutionProviderKind.Cuda,
            "dml" => ExecutionProviderKind.Dml,
            _ => throw new CliException($"--ep must be auto, cpu, cuda or dml, not '{ep}'."),
        };
        int threads = result.GetValue(Threads);
        if (threads < 0 || threads > SessionConfig.MaxThreads)
            throw new CliException($"--threads must be 0 (automatic) to {SessionConfig.MaxThreads} (the logical processors here), not {threads}.");
        return new SessionConfig { Provider = kind, IntraOpThreads = threads, Log = Core.Diagnostics.TextureLog.Null };
    }

    /// <summary>The image limits the flags set (the defaults of <see cref="ImageLimits"/> otherwise).</summary>
    public ImageLimits Limits(ParseResult result) => new(result.GetValue(MaxSide),
        (long)Math.Max(1, result.GetValue(MaxMegapixels) * (1 << 20)), result.GetValue(MaxInputMb) << 20);

    public ModelCatalog Catalog(ParseResult result) => ModelCatalog.Open(result.GetValue(Models));
}

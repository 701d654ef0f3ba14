using System.CommandLine;
using TexturePlugin.Core.Inference;
using TexturePlugin.Core.Models;

namespace TexturePlugin.Cli;

/// <summary>Options every command takes: execution provider, threads, models folder.</summary>
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
        Description = "Threads for ONNX Runtime (0 = automatic)",
        DefaultValueFactory = _ => 0,
        Recursive = true,
    };

    public Option<string?> Models { get; } = new("--models")
    {
        Description = "Models folder (default: $TEXPLUG_MODELS, else models/ found from the program or the current folder)",
        Recursive = true,
    };

    public GlobalOptions()
    {
        // Checked while parsing, so every command (models and procedural synthesis too) rejects bad values.
        Ep.Validators.Add(r =>
        {
            string v = r.GetValueOrDefault<string>() ?? "";
            if (!new[] { "auto", "cpu", "cuda", "dml" }.Contains(v.ToLowerInvariant()))
                r.AddError($"--ep must be auto, cpu, cuda or dml, not '{v}'.");
        });
        Threads.Validators.Add(r =>
        {
            int v = r.GetValueOrDefault<int>();
            if (v < 0)
                r.AddError($"--threads must be 0 (automatic) or positive, not {v}.");
        });
    }

    public void AddTo(Command root)
    {
        root.Options.Add(Ep);
        root.Options.Add(Threads);
        root.Options.Add(Models);
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
        if (threads < 0)
            throw new CliException($"--threads must be 0 (automatic) or positive, not {threads}.");
        return new SessionConfig { Provider = kind, IntraOpThreads = threads, Log = Core.Diagnostics.TextureLog.Null };
    }

    public ModelCatalog Catalog(ParseResult result) => ModelCatalog.Open(result.GetValue(Models));
}

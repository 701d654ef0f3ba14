using TexturePlugin.Core.Diagnostics;

namespace TexturePlugin.Core.Inference;

/// <summary>How <see cref="ModelSession.Open"/> creates its ONNX Runtime session.</summary>
public sealed class SessionConfig
{
    /// <summary>Execution provider; <see cref="ExecutionProviderKind.Auto"/> by default.</summary>
    public ExecutionProviderKind Provider { get; set; } = ExecutionProviderKind.Auto;

    /// <summary>Most threads a session uses: one per logical processor (<see cref="ModelSession.Open"/> clamps to it).</summary>
    public static int MaxThreads => Math.Max(1, Environment.ProcessorCount);

    /// <summary>
    /// Threads inside one operator; 0 lets ONNX Runtime choose (one per physical core). Clamped to <see cref="MaxThreads"/>.
    /// </summary>
    public int IntraOpThreads { get; set; }

    /// <summary>
    /// Threads for a pass that is one tile, when the engine otherwise runs tiles side by side on single-threaded runs
    /// (<see cref="ModelSession.OpenForOneTile"/>): 0 = none, every run uses <see cref="IntraOpThreads"/>. The engines'
    /// <c>PreferredConfig</c> sets it to the processor count when <see cref="IntraOpThreads"/> was automatic.
    /// </summary>
    public int OneTileThreads { get; set; }

    /// <summary>GPU index for CUDA and DirectML.</summary>
    public int DeviceId { get; set; }

    /// <summary>Check every output for NaN and infinity after each run (a pass over the output; on by default).</summary>
    public bool CheckOutputs { get; set; } = true;

    /// <summary>Where provider choices and fallback reasons go; <see cref="TextureLog.Console"/> when null.</summary>
    public ITextureLog? Log { get; set; }

    /// <summary>A copy.</summary>
    public SessionConfig Clone() => (SessionConfig)MemberwiseClone();

    /// <summary>
    /// The engines' rule (their <c>PreferredConfig</c>): a copy of <paramref name="config"/> (or of the defaults) where
    /// automatic threads (<see cref="IntraOpThreads"/> 0) become one thread per run, so tiles run side by side on lanes,
    /// and <see cref="OneTileThreads"/> one per logical processor, for a pass that is one tile. Threads the caller fixed
    /// stay as they are.
    /// </summary>
    internal static SessionConfig ForLanes(SessionConfig? config)
    {
        config = config?.Clone() ?? new SessionConfig();
        if (config.IntraOpThreads == 0)
        {
            config.IntraOpThreads = 1;
            config.OneTileThreads = Environment.ProcessorCount;
        }
        return config;
    }
}

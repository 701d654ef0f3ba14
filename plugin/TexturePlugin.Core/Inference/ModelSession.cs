using Microsoft.ML.OnnxRuntime;
using TexturePlugin.Core.Diagnostics;

namespace TexturePlugin.Core.Inference;

/// <summary>
/// An ONNX model opened with ONNX Runtime on the best execution provider allowed by the <see cref="SessionConfig"/>,
/// with the reason for every fallback. Make fixed-shape runners with <see cref="CreateRunner"/>.
/// </summary>
/// <remarks>
/// DirectML sessions have the memory pattern off and sequential execution (DirectML requires both), and only one
/// <c>Run</c> at a time across all runners of the session.
/// </remarks>
public sealed class ModelSession : IDisposable
{
    private InferenceSession? _session;

    private ModelSession(string path, InferenceSession session, ExecutionProviderKind provider, string reason, SessionConfig config,
        OnnxModelFile file)
    {
        FilePath = path;
        _session = session;
        Provider = provider;
        ProviderReason = reason;
        Config = config;
        File = file;
        Inputs = session.InputMetadata.Select(kv => Describe(kv.Key, kv.Value)).ToArray();
        Outputs = session.OutputMetadata.Select(kv => Describe(kv.Key, kv.Value)).ToArray();
        var metadata = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (KeyValuePair<string, string> kv in session.ModelMetadata.CustomMetadataMap)
            metadata[kv.Key] = kv.Value;
        Metadata = metadata;
    }

    /// <summary>The model file.</summary>
    public string FilePath { get; }

    /// <summary>The provider the session runs on.</summary>
    public ExecutionProviderKind Provider { get; }

    /// <summary>Why this provider: what was requested and why others were skipped or failed.</summary>
    public string ProviderReason { get; }

    public SessionConfig Config { get; }

    /// <summary>What the file's own structure says (metadata_props, external data).</summary>
    public OnnxModelFile File { get; }

    public IReadOnlyList<TensorInfo> Inputs { get; }
    public IReadOnlyList<TensorInfo> Outputs { get; }

    /// <summary>The model's metadata_props as ONNX Runtime reports them.</summary>
    public IReadOnlyDictionary<string, string> Metadata { get; }

    /// <summary>Held around <c>Run</c> by every runner when the provider needs one run at a time (DirectML).</summary>
    internal object? RunGate { get; private set; }

    /// <summary>
    /// How many runs of this session are worth starting at once, at most <paramref name="max"/>: one per logical
    /// processor when each run is single-threaded on a provider without a run gate (CPU with <c>IntraOpThreads = 1</c>);
    /// otherwise one, since ONNX Runtime's own threads already use the cores. The engines' default lanes.
    /// </summary>
    public int ConcurrentRuns(int max) =>
        Config.IntraOpThreads == 1 && RunGate is null ? Math.Clamp(Environment.ProcessorCount, 1, Math.Max(1, max)) : 1;

    /// <summary>
    /// A second session of the same file whose runs use <see cref="SessionConfig.OneTileThreads"/> intra-op threads, for a
    /// pass that is a single tile (which lanes cannot share out), or null when that does not apply: not a
    /// single-threaded CPU session, one processor, or <see cref="SessionConfig.OneTileThreads"/> below two (threads fixed by
    /// the caller). Measured here (2 vCPUs, session 9, interleaved A/B): a 256^2 scratch repair as one tile 11.8-22.0 ms
    /// on two threads against 16.2-24.6 ms on one; animated bark 256^2 (too small for strips) 4.2-5.1 against 4.9-6.7 ms;
    /// animated bark 512^2 as one pass on two threads 0.90-0.91x the time of two single-threaded strips side by side
    /// (a still 512^2: 0.81-1.16x in five runs). Tiles that lanes can share out run better on the lanes.
    /// </summary>
    /// <exception cref="ModelException">The file can no longer be opened.</exception>
    public ModelSession? OpenForOneTile()
    {
        if (Provider != ExecutionProviderKind.Cpu || Config.IntraOpThreads != 1 || Config.OneTileThreads < 2 || Environment.ProcessorCount < 2)
            return null;
        SessionConfig config = Config.Clone();
        config.IntraOpThreads = Math.Min(Config.OneTileThreads, Environment.ProcessorCount);
        config.OneTileThreads = 0;
        config.Provider = ExecutionProviderKind.Cpu;
        return Open(FilePath, config);
    }

    internal InferenceSession Session => _session ?? throw new ObjectDisposedException(nameof(ModelSession), $"The session for {FilePath} was disposed.");

    /// <summary>
    /// Opens <paramref name="path"/>: checks the file (exists, ONNX, not truncated, external data inside the model's
    /// own folder, which ONNX Runtime requires too), then tries the providers of the plan in order.
    /// </summary>
    /// <exception cref="ModelException">The file is unusable or ONNX Runtime rejects it.</exception>
    /// <exception cref="ExecutionProviderException">A forced provider is missing or fails.</exception>
    public static ModelSession Open(string path, SessionConfig? config = null)
    {
        if (path is null) throw new ArgumentNullException(nameof(path));
        config = (config ?? new SessionConfig()).Clone();
        if (config.IntraOpThreads < 0)
            throw new ArgumentOutOfRangeException(nameof(config), config.IntraOpThreads, "IntraOpThreads must be 0 (automatic) or positive.");
        // More threads than logical processors only wait on each other, and ONNX Runtime allocates per thread:
        // a mistyped thread count must not take the machine.
        config.IntraOpThreads = Math.Min(config.IntraOpThreads, SessionConfig.MaxThreads);
        config.OneTileThreads = Math.Min(config.OneTileThreads, SessionConfig.MaxThreads);
        ITextureLog log = config.Log ?? TextureLog.Console;
        OnnxModelFile file = OnnxModelFile.Read(path);
        ProviderPlan plan = ExecutionProviders.Plan(config.Provider);

        var reasons = new List<string>(plan.Skipped);
        foreach (ExecutionProviderKind candidate in plan.Candidates)
        {
            bool last = candidate == plan.Candidates[plan.Candidates.Count - 1];
            SessionOptions? options = null;
            try
            {
                options = CreateOptions(candidate, config);
            }
            catch (Exception e) when (e is OnnxRuntimeException or EntryPointNotFoundException or DllNotFoundException or NotSupportedException)
            {
                options?.Dispose();
                string why = $"{candidate.Name()} failed to initialise: {e.Message.Trim()}";
                if (config.Provider != ExecutionProviderKind.Auto)
                    throw new ExecutionProviderException($"Execution provider {candidate.Name()} was requested for {path}, but {why}", e);
                reasons.Add(why);
                continue;
            }
            try
            {
                var session = new InferenceSession(path, options);
                string reason = $"requested {config.Provider.Name()}, using {candidate.Name()}"
                                + (reasons.Count > 0 ? $" ({string.Join("; ", reasons)})" : "");
                var result = new ModelSession(path, session, candidate, reason, config, file);
                if (candidate == ExecutionProviderKind.Dml)
                    result.RunGate = new object();
                log.Write(reasons.Count > 0 && config.Provider == ExecutionProviderKind.Auto && candidate == ExecutionProviderKind.Cpu
                        ? TextureLogLevel.Info : TextureLogLevel.Debug,
                    $"{Path.GetFileName(path)}: execution provider {candidate.Name()}: {reason}");
                return result;
            }
            catch (OnnxRuntimeException e)
            {
                if (candidate == ExecutionProviderKind.Cpu)
                    throw new ModelException(path, $"ONNX Runtime cannot load the model: {e.Message.Trim()}", e);
                if (config.Provider != ExecutionProviderKind.Auto || last)
                    throw new ExecutionProviderException($"Execution provider {candidate.Name()} was requested for {path}, but the session failed: {e.Message.Trim()}", e);
                reasons.Add($"{candidate.Name()} failed: {e.Message.Trim()}");
            }
            finally
            {
                options.Dispose();
            }
        }
        throw new ExecutionProviderException($"No execution provider could open {path}: {string.Join("; ", reasons)}");
    }

    /// <summary>
    /// A runner for fixed input shapes (every model input must be given) with pre-allocated input and output tensors,
    /// warmed up once unless <paramref name="warmUp"/> is false. An output whose dimensions the model leaves open is
    /// sized by one run at creation (whatever <paramref name="warmUp"/> says) unless <paramref name="outputShapes"/>
    /// gives its shape; a shape given wrongly makes <see cref="FixedShapeRunner.Run"/> fail with a
    /// <see cref="ModelException"/>.
    /// </summary>
    public FixedShapeRunner CreateRunner(IReadOnlyDictionary<string, int[]> inputShapes, bool warmUp = true,
        IReadOnlyDictionary<string, int[]>? outputShapes = null) =>
        new(this, inputShapes, warmUp, outputShapes);

    public void Dispose() => Interlocked.Exchange(ref _session, null)?.Dispose();

    private static SessionOptions CreateOptions(ExecutionProviderKind provider, SessionConfig config)
    {
        var options = new SessionOptions
        {
            GraphOptimizationLevel = GraphOptimizationLevel.ORT_ENABLE_ALL,
            LogSeverityLevel = OrtLoggingLevel.ORT_LOGGING_LEVEL_ERROR,
        };
        try
        {
            if (config.IntraOpThreads > 0)
                options.IntraOpNumThreads = config.IntraOpThreads;
            // ONNX Runtime's intra-op threads spin between parallel sections (faster hand-offs) and, by default, for a
            // while after a run too, where they take the cores from the host's other threads: the next engine's
            // single-threaded lanes ran 1.5-1.9x slower right after a two-thread run (session 9). Spin only inside runs.
            if (config.IntraOpThreads != 1)
                options.AddSessionConfigEntry("session.force_spinning_stop", "1");
            switch (provider)
            {
                case ExecutionProviderKind.Dml:
                    // DirectML does not support memory patterns or parallel execution.
                    options.EnableMemoryPattern = false;
                    options.ExecutionMode = ExecutionMode.ORT_SEQUENTIAL;
                    options.AppendExecutionProvider_DML(config.DeviceId);
                    break;
                case ExecutionProviderKind.Cuda:
                    options.AppendExecutionProvider_CUDA(config.DeviceId);
                    break;
                case ExecutionProviderKind.Cpu:
                    break;
                default:
                    throw new ArgumentOutOfRangeException(nameof(provider), provider, "A concrete provider is needed here.");
            }
            return options;
        }
        catch
        {
            options.Dispose();
            throw;
        }
    }

    private static TensorInfo Describe(string name, NodeMetadata meta)
    {
        int[] dims = meta.IsTensor ? meta.Dimensions.ToArray() : Array.Empty<int>();
        string[] symbolic = meta.IsTensor && meta.SymbolicDimensions is not null ? meta.SymbolicDimensions.ToArray() : new string[dims.Length];
        for (int i = 0; i < symbolic.Length; i++)
            symbolic[i] ??= "";
        return new TensorInfo(name, dims, symbolic, meta.IsTensor ? meta.ElementType : typeof(object));
    }
}

using System.Runtime.InteropServices;
using Microsoft.ML.OnnxRuntime;

namespace TexturePlugin.Core.Inference;

/// <summary>Which execution providers the loaded native ONNX Runtime offers, and the order <c>auto</c> tries them.</summary>
public static class ExecutionProviders
{
    public const string CpuName = "CPUExecutionProvider";
    public const string CudaName = "CUDAExecutionProvider";
    public const string DmlName = "DmlExecutionProvider";

    /// <summary>
    /// What the CUDA provider needs on the machine: the native Microsoft.ML.OnnxRuntime.Gpu.Linux/.Gpu.Windows package
    /// of the version in Directory.Packages.props (1.31) links libcudart.so.13 and libcublas.so.13.
    /// </summary>
    public const string CudaRequirement = "CUDA 13 and cuDNN 9";

    /// <summary>Provider names the native library was built with (not a promise that the GPU works).</summary>
    public static IReadOnlyList<string> Available()
    {
        try
        {
            return OrtEnv.Instance().GetAvailableProviders();
        }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException or TypeInitializationException or BadImageFormatException)
        {
            throw new ExecutionProviderException(
                $"The native ONNX Runtime library could not be loaded ({e.GetType().Name}: {e.Message}). An executable must reference the native "
                + "package (build/OrtNative.props, -p:OrtFlavor=cpu|cuda|dml).", e);
        }
    }

    /// <summary>Parses "auto", "cpu", "cuda" or "dml" (also "directml"), case-insensitive.</summary>
    public static ExecutionProviderKind Parse(string text)
    {
        switch (text?.Trim().ToLowerInvariant())
        {
            case "auto": return ExecutionProviderKind.Auto;
            case "cpu": return ExecutionProviderKind.Cpu;
            case "cuda": return ExecutionProviderKind.Cuda;
            case "dml":
            case "directml": return ExecutionProviderKind.Dml;
            default: throw new TexturePluginException($"Unknown execution provider '{text}'; use auto, cpu, cuda or dml.");
        }
    }

    /// <summary>Lower-case name as used on command lines and in logs.</summary>
    public static string Name(this ExecutionProviderKind kind) => kind switch
    {
        ExecutionProviderKind.Auto => "auto",
        ExecutionProviderKind.Cpu => "cpu",
        ExecutionProviderKind.Cuda => "cuda",
        ExecutionProviderKind.Dml => "dml",
        _ => kind.ToString(),
    };

    /// <summary>
    /// The providers to try for <paramref name="requested"/>, in order, and why others were skipped. A forced provider
    /// that is not available throws here, with what to do about it.
    /// </summary>
    public static ProviderPlan Plan(ExecutionProviderKind requested, IReadOnlyCollection<string> available, bool isWindows)
    {
        string have = string.Join(", ", available);
        bool dml = available.Contains(DmlName);
        bool cuda = available.Contains(CudaName);
        string dmlMissing = !isWindows
            ? "DirectML is Windows only"
            : $"the native ONNX Runtime has no {DmlName} (it offers {have}); build with -p:OrtFlavor=dml";
        string cudaMissing = $"the native ONNX Runtime has no {CudaName} (it offers {have}); build with -p:OrtFlavor=cuda and install {CudaRequirement}";
        switch (requested)
        {
            case ExecutionProviderKind.Cpu:
                return new ProviderPlan(requested, new[] { ExecutionProviderKind.Cpu }, Array.Empty<string>());
            case ExecutionProviderKind.Cuda:
                if (!cuda)
                    throw new ExecutionProviderException($"Execution provider cuda was requested, but {cudaMissing}.");
                return new ProviderPlan(requested, new[] { ExecutionProviderKind.Cuda }, Array.Empty<string>());
            case ExecutionProviderKind.Dml:
                if (!isWindows || !dml)
                    throw new ExecutionProviderException($"Execution provider dml was requested, but {dmlMissing}.");
                return new ProviderPlan(requested, new[] { ExecutionProviderKind.Dml }, Array.Empty<string>());
            case ExecutionProviderKind.Auto:
                var order = new List<ExecutionProviderKind>();
                var skipped = new List<string>();
                if (isWindows && dml)
                    order.Add(ExecutionProviderKind.Dml);
                else
                    skipped.Add($"dml skipped: {dmlMissing}");
                if (cuda)
                    order.Add(ExecutionProviderKind.Cuda);
                else
                    skipped.Add($"cuda skipped: {cudaMissing}");
                order.Add(ExecutionProviderKind.Cpu);
                return new ProviderPlan(requested, order, skipped);
            default:
                throw new ArgumentOutOfRangeException(nameof(requested), requested, null);
        }
    }

    /// <summary><see cref="Plan(ExecutionProviderKind, IReadOnlyCollection{string}, bool)"/> for this process.</summary>
    public static ProviderPlan Plan(ExecutionProviderKind requested) =>
        Plan(requested, Available().ToArray(), RuntimeInformation.IsOSPlatform(OSPlatform.Windows));
}

/// <summary>The providers to try in order, and the reasons others were skipped.</summary>
public sealed class ProviderPlan
{
    public ProviderPlan(ExecutionProviderKind requested, IReadOnlyList<ExecutionProviderKind> candidates, IReadOnlyList<string> skipped)
    {
        Requested = requested;
        Candidates = candidates;
        Skipped = skipped;
    }

    public ExecutionProviderKind Requested { get; }
    public IReadOnlyList<ExecutionProviderKind> Candidates { get; }
    public IReadOnlyList<string> Skipped { get; }
}

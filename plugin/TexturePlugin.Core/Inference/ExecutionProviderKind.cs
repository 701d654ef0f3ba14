namespace TexturePlugin.Core.Inference;

/// <summary>Where ONNX Runtime runs a model.</summary>
public enum ExecutionProviderKind
{
    /// <summary>DirectML on Windows, then CUDA, then CPU: the first that works, with the reason for each skip logged.</summary>
    Auto,
    Cpu,
    /// <summary>NVIDIA CUDA; needs the native package from <c>-p:OrtFlavor=cuda</c> and the CUDA libraries.</summary>
    Cuda,
    /// <summary>DirectML (Windows); needs <c>-p:OrtFlavor=dml</c>.</summary>
    Dml,
}

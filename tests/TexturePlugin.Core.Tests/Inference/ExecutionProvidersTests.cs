using NUnit.Framework;
using TexturePlugin.Core.Inference;

namespace TexturePlugin.Core.Tests.Inference;

[TestFixture]
public sealed class ExecutionProvidersTests
{
    private static readonly string[] CpuOnly = { ExecutionProviders.CpuName };
    private static readonly string[] CudaBuild = { ExecutionProviders.CudaName, ExecutionProviders.CpuName };
    private static readonly string[] Everything = { ExecutionProviders.DmlName, ExecutionProviders.CudaName, ExecutionProviders.CpuName };

    [Test]
    public void Auto_on_a_cpu_build_falls_back_to_cpu_with_reasons()
    {
        ProviderPlan plan = ExecutionProviders.Plan(ExecutionProviderKind.Auto, CpuOnly, isWindows: false);
        Assert.That(plan.Candidates, Is.EqualTo(new[] { ExecutionProviderKind.Cpu }));
        Assert.That(plan.Skipped, Has.Count.EqualTo(2));
        Assert.That(plan.Skipped[0], Does.Contain("dml skipped").And.Contain("Windows only"));
        Assert.That(plan.Skipped[1], Does.Contain("cuda skipped").And.Contain("OrtFlavor=cuda"));

        ProviderPlan windows = ExecutionProviders.Plan(ExecutionProviderKind.Auto, CpuOnly, isWindows: true);
        Assert.That(windows.Skipped[0], Does.Contain("OrtFlavor=dml"));
    }

    [Test]
    public void Auto_prefers_directml_then_cuda_then_cpu()
    {
        Assert.That(ExecutionProviders.Plan(ExecutionProviderKind.Auto, Everything, isWindows: true).Candidates,
            Is.EqualTo(new[] { ExecutionProviderKind.Dml, ExecutionProviderKind.Cuda, ExecutionProviderKind.Cpu }));
        Assert.That(ExecutionProviders.Plan(ExecutionProviderKind.Auto, CudaBuild, isWindows: false).Candidates,
            Is.EqualTo(new[] { ExecutionProviderKind.Cuda, ExecutionProviderKind.Cpu }));
        // A DirectML provider name on Linux cannot be used.
        Assert.That(ExecutionProviders.Plan(ExecutionProviderKind.Auto, Everything, isWindows: false).Candidates,
            Is.EqualTo(new[] { ExecutionProviderKind.Cuda, ExecutionProviderKind.Cpu }));
    }

    [Test]
    public void Forced_providers_never_fall_back()
    {
        Assert.That(ExecutionProviders.Plan(ExecutionProviderKind.Cuda, CudaBuild, false).Candidates, Is.EqualTo(new[] { ExecutionProviderKind.Cuda }));
        Assert.That(ExecutionProviders.Plan(ExecutionProviderKind.Dml, Everything, true).Candidates, Is.EqualTo(new[] { ExecutionProviderKind.Dml }));
        Assert.That(ExecutionProviders.Plan(ExecutionProviderKind.Cpu, Everything, true).Candidates, Is.EqualTo(new[] { ExecutionProviderKind.Cpu }));
    }

    [Test]
    public void Forcing_a_missing_provider_fails_clearly()
    {
        var cuda = Assert.Throws<ExecutionProviderException>(() => ExecutionProviders.Plan(ExecutionProviderKind.Cuda, CpuOnly, false))!;
        Assert.That(cuda.Message, Does.Contain("cuda was requested").And.Contain("CUDAExecutionProvider").And.Contain("-p:OrtFlavor=cuda"));
        Assert.That(cuda.Message, Does.Contain("CUDA 13 and cuDNN 9").And.Not.Contain("CUDA 12"));
        var dmlLinux = Assert.Throws<ExecutionProviderException>(() => ExecutionProviders.Plan(ExecutionProviderKind.Dml, Everything, false))!;
        Assert.That(dmlLinux.Message, Does.Contain("Windows only"));
        var dmlWindows = Assert.Throws<ExecutionProviderException>(() => ExecutionProviders.Plan(ExecutionProviderKind.Dml, CudaBuild, true))!;
        Assert.That(dmlWindows.Message, Does.Contain("DmlExecutionProvider").And.Contain("-p:OrtFlavor=dml"));
    }

    [Test]
    public void The_auto_fallback_names_the_CUDA_version_the_native_package_links()
    {
        // Microsoft.ML.OnnxRuntime.Gpu 1.31 links libcudart.so.13: a fallback that asks for CUDA 12 sends people to the wrong install.
        var plan = ExecutionProviders.Plan(ExecutionProviderKind.Auto, CpuOnly, isWindows: false);
        string cudaSkip = plan.Skipped.Single(s => s.StartsWith("cuda skipped", StringComparison.Ordinal));
        Assert.That(cudaSkip, Does.Contain("install CUDA 13 and cuDNN 9").And.Not.Contain("CUDA 12"));
    }

    [Test]
    public void This_machine_has_the_cpu_provider()
    {
        Assert.That(ExecutionProviders.Available(), Does.Contain(ExecutionProviders.CpuName));
    }

    [TestCase("auto", ExecutionProviderKind.Auto)]
    [TestCase("CPU", ExecutionProviderKind.Cpu)]
    [TestCase(" cuda ", ExecutionProviderKind.Cuda)]
    [TestCase("dml", ExecutionProviderKind.Dml)]
    [TestCase("DirectML", ExecutionProviderKind.Dml)]
    public void Names_parse(string text, ExecutionProviderKind kind)
    {
        Assert.That(ExecutionProviders.Parse(text), Is.EqualTo(kind));
    }

    [Test]
    public void Unknown_name_lists_the_choices()
    {
        var e = Assert.Throws<TexturePluginException>(() => ExecutionProviders.Parse("tpu"))!;
        Assert.That(e.Message, Does.Contain("tpu").And.Contain("auto, cpu, cuda or dml"));
    }
}

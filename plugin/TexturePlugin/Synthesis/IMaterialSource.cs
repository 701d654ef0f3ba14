using TexturePlugin.Core.Imaging;

namespace TexturePlugin.Synthesis;

/// <summary>Something that renders a material at a seed and time: a synthesis model or a procedural recipe.</summary>
internal interface IMaterialSource : IDisposable
{
    string Name { get; }

    /// <summary>What computes it, for the HUD ("CPU", "CUDA", "procedural").</summary>
    string Provider { get; }

    /// <summary>Sizes must be multiples of this.</summary>
    int SizeUnit { get; }

    /// <summary>Smallest side accepted.</summary>
    int MinimumSize { get; }

    /// <summary>Fills <paramref name="target"/> (worker thread; one call at a time).</summary>
    void Render(RgbaImage target, int seed, double time);
}

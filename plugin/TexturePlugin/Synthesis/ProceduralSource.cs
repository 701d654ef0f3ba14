using TexturePlugin.Core.Imaging;
using TexturePlugin.Core.Synthesis;

namespace TexturePlugin.Synthesis;

/// <summary>A Core procedural material (noise only): always available, no model needed.</summary>
internal sealed class ProceduralSource : IMaterialSource
{
    private readonly ProceduralMaterial _material;

    public ProceduralSource(ProceduralMaterial material) => _material = material;

    public string Name => _material.Name;

    public string Provider => "procedural";

    public int SizeUnit => 1;

    public int MinimumSize => 1;

    public void Render(RgbaImage target, int seed, double time) => _material.Render(target, seed, time);

    public void Dispose()
    {
    }
}

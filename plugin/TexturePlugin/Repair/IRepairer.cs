using TexturePlugin.Core.Imaging;
using TexturePlugin.Core.Repair;

namespace TexturePlugin.Repair;

/// <summary>Fills the damaged pixels of an image in place; intact pixels stay bit-exact.</summary>
internal interface IRepairer : IDisposable
{
    string Provider { get; }

    /// <summary>
    /// Repairs the damage inside the rectangle a stroke touched (wrapped coordinates); returns the
    /// rectangles that changed, to upload (worker thread).
    /// </summary>
    IReadOnlyList<TileRect> Repair(RgbaImage image, DamageMask mask, TileRect touched);
}

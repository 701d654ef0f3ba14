using TexturePlugin.Core.Imaging;
using TexturePlugin.Core.Repair;

namespace TexturePlugin.Repair;

/// <summary>Fills the damaged pixels of an image in place; intact pixels stay bit-exact.</summary>
internal interface IRepairer : IDisposable
{
    string Provider { get; }

    /// <summary>
    /// Opens and warms up what the first <see cref="Repair"/> needs (worker thread, once, before any stroke), so the
    /// first stroke is repaired as fast as the next. A model that cannot be opened or run is handled here as
    /// <see cref="Repair"/> would handle it.
    /// </summary>
    void Prepare();

    /// <summary>
    /// Repairs the damage inside the rectangle a stroke touched (wrapped coordinates); returns the
    /// rectangles that changed, to upload (worker thread).
    /// </summary>
    IReadOnlyList<TileRect> Repair(RgbaImage image, DamageMask mask, TileRect touched);
}

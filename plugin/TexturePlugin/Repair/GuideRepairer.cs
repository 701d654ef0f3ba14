using TexturePlugin.Core.Imaging;
using TexturePlugin.Core.Repair;

namespace TexturePlugin.Repair;

/// <summary>
/// Without a repair model: the coarse copy guide alone (ARCHITECTURE.md), which copies real texture
/// from intact patches into the holes, whole image at a time. Sizes must be multiples of its scale.
/// </summary>
internal sealed class GuideRepairer : IRepairer
{
    private readonly CoarseGuide _guide = new(scale: 4, patch: 5);
    private byte[] _result = Array.Empty<byte>();

    public string Provider => "copy guide (no repair model)";

    public void Prepare()
    {
        // nothing to open: the guide's buffers grow on the first repair
    }

    public IReadOnlyList<TileRect> Repair(RgbaImage image, DamageMask mask, TileRect touched)
    {
        if (_result.Length != image.Pixels.Length)
            _result = new byte[image.Pixels.Length];
        _guide.Build(image.Pixels, mask.Bits, image.Width, image.Height, _result);
        _result.CopyTo(image.Pixels, 0);
        return new[] { new TileRect(0, 0, image.Width, image.Height) };
    }

    public void Dispose()
    {
    }
}

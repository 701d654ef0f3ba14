using TexturePlugin.Core.Imaging;

namespace TexturePlugin.Core.Repair.Structure;

/// <summary>
/// The structure fill as a stage of <see cref="RepairEngine"/>: after the network has filled a tile, where the tile's
/// damage is deep, copy the texture along its dominant offsets and blend the network's shading in
/// (<see cref="OffsetFill"/>). The offsets are a property of the texture: found once per image and mask object (a live
/// brush repairs the same pair stroke after stroke; the first call's tiles say where to look) and shared by the lanes;
/// they stay candidates that every copy checks against the current damage. Thread-safe across lanes; each lane brings
/// its own <see cref="Workspace"/>.
/// </summary>
internal sealed class StructureStage
{
    private readonly object _gate = new();
    private OffsetFill? _finder;
    private readonly WeakReference<RgbaImage> _image = new(null!);
    private readonly WeakReference<DamageMask> _mask = new(null!);
    private TileRect _box;   // where this call's damage is: where the statistics look

    /// <summary>The tuning; <c>Enabled = false</c> leaves repairs to the network alone. Set between calls.</summary>
    public StructureOptions Options { get; set; } = StructureOptions.Default;

    /// <summary>What one lane keeps between tiles: its fill and the tile-sized buffers.</summary>
    public sealed class Workspace
    {
        private OffsetFill? _fill;
        private byte[] _copy = Array.Empty<byte>(), _has = Array.Empty<byte>(), _target = Array.Empty<byte>();

        internal OffsetFill Fill(StructureOptions options) =>
            _fill is not null && ReferenceEquals(_fill.Options, options) ? _fill : _fill = new OffsetFill(options);

        internal (Memory<byte> Copy, Memory<byte> Has, Memory<byte> Target) Buffers(int pixels)
        {
            if (_has.Length < pixels)
            {
                _copy = new byte[pixels * 4];
                _has = new byte[pixels];
                _target = new byte[pixels];
            }
            return (_copy.AsMemory(0, pixels * 4), _has.AsMemory(0, pixels), _target.AsMemory(0, pixels));
        }
    }

    /// <summary>
    /// Starts a call over <paramref name="tiles"/>: the statistics, if they are found in this call, look around the
    /// tiles' bounding box less <paramref name="margin"/> (the damage they were made for; the whole texture when the
    /// tiles span it).
    /// </summary>
    public void Begin(List<TileRect> tiles, int width, int height, int margin)
    {
        if (tiles.Count == 0)
            return;
        int x0 = int.MaxValue, y0 = int.MaxValue, x1 = int.MinValue, y1 = int.MinValue;
        foreach (TileRect t in tiles)
            (x0, y0, x1, y1) = (Math.Min(x0, t.X), Math.Min(y0, t.Y), Math.Max(x1, t.X + t.Width), Math.Max(y1, t.Y + t.Height));
        if (x1 - x0 >= width || y1 - y0 >= height)
        {
            _box = new TileRect(0, 0, width, height);
            return;
        }
        int m = Math.Min(margin, Math.Min(x1 - x0, y1 - y0) / 2 - 1);
        _box = m > 0 ? new TileRect(x0 + m, y0 + m, x1 - x0 - 2 * m, y1 - y0 - 2 * m) : new TileRect(x0, y0, x1 - x0, y1 - y0);
    }

    /// <summary>
    /// Applies the fill to <paramref name="repaired"/> (the network's output for <paramref name="tile"/>, RGBA) where the
    /// tile's <paramref name="damaged"/> mask is deep. Textures whose sides are not multiples of the cell and the scale
    /// keep the network's fill.
    /// </summary>
    public void Apply(Workspace workspace, RgbaImage image, DamageMask mask, TileRect tile, ReadOnlySpan<byte> damaged, Span<byte> repaired)
    {
        StructureOptions options = Options;
        if (!options.Enabled)
            return;
        OffsetFill fill = workspace.Fill(options);
        if (!fill.Fits(image.Width, image.Height))
            return;
        int tw = tile.Width, th = tile.Height;
        var (copyMemory, hasMemory, targetMemory) = workspace.Buffers(tw * th);
        Span<byte> copy = copyMemory.Span, has = hasMemory.Span, target = targetMemory.Span;
        if (fill.Target(damaged, tw, th, target) == 0)
            return;
        lock (_gate)
        {
            if (!_image.TryGetTarget(out RgbaImage? seen) || !ReferenceEquals(seen, image)
                || !_mask.TryGetTarget(out DamageMask? seenMask) || !ReferenceEquals(seenMask, mask)
                || !ReferenceEquals(_finder?.Options, options))
            {
                _finder = ReferenceEquals(_finder?.Options, options) ? _finder : new OffsetFill(options);
                _finder!.FindOffsets(image.Pixels, mask.Bits, image.Width, image.Height, _box);
                _image.SetTarget(image);
                _mask.SetTarget(mask);
            }
            fill.UseOffsets(_finder.Offsets);
        }
        if (fill.Copy(image.Pixels, mask.Bits, image.Width, image.Height, tile, target, copy, has) > 0)
            fill.Blend(repaired, copy, has, tw, th);
    }
}

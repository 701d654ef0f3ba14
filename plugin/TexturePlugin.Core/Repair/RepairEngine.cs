using TexturePlugin.Core.Imaging;
using TexturePlugin.Core.Inference;
using TexturePlugin.Core.Models;
using TexturePlugin.Core.Synthesis;
using TexturePlugin.Core.Tensors;

namespace TexturePlugin.Core.Repair;

/// <summary>
/// Texture repair with a repair model: image and damage mask in, repaired image out. Only the damaged regions go
/// through the network (<see cref="DirtyTiles"/>: context margin = the model's receptive field, wrap-around at the
/// texture's edges); each tile gets the <see cref="CoarseGuide"/>, and only damaged pixels are written back, so
/// intact pixels stay bit-exact. Not thread-safe: one call at a time.
/// </summary>
public sealed class RepairEngine : IDisposable
{
    /// <summary>Tile sides are rounded up to multiples of this (besides the model's own multiple), so that
    /// repeated strokes of similar size reuse the same pre-allocated runner.</summary>
    public const int TileQuantum = 32;

    private readonly ModelSession _session;
    private readonly bool _ownsSession;
    private readonly RunnerCache _runners;
    private readonly CoarseGuide _guide;
    private readonly string _imageName, _maskName, _guideName, _outputName;
    private readonly DirtyTiles.Workspace _workspace = new();
    private readonly List<TileRect> _tiles = new();
    private TileRect[] _earlier = new TileRect[16];
    private int _margin;
    private byte[] _tileRgba = Array.Empty<byte>();
    private byte[] _tileMask = Array.Empty<byte>();
    private byte[] _tileGuide = Array.Empty<byte>();
    private byte[] _tileOut = Array.Empty<byte>();

    /// <summary>Wraps an open session of a repair model described by <paramref name="manifest"/>.</summary>
    /// <exception cref="ModelException">The manifest is not a repair model or lacks an input role.</exception>
    public RepairEngine(ModelSession session, ModelManifest manifest, bool ownsSession = false)
    {
        _session = session ?? throw new ArgumentNullException(nameof(session));
        Manifest = manifest ?? throw new ArgumentNullException(nameof(manifest));
        _ownsSession = ownsSession;
        if (manifest.Kind != ModelKind.Repair)
            throw new ModelException(session.FilePath, $"model '{manifest.Name}' is a {manifest.Kind} model, not a repair model");
        string Role(string role) => manifest.Inputs.FirstOrDefault(i => i.Role == role)?.Name
            ?? throw new ModelException(session.FilePath, $"model '{manifest.Name}' has no input with role '{role}'");
        _imageName = Role("image");
        _maskName = Role("mask");
        _guideName = Role("guide");
        _outputName = manifest.Output.Name;
        Range = manifest.ValueRange;
        Order = manifest.ChannelOrder;
        _guide = new CoarseGuide(manifest.GuideScale, manifest.GuidePatch);
        Multiple = Lcm(Lcm(Math.Max(1, manifest.SizeMultiple), manifest.GuideScale), TileQuantum);
        _margin = Math.Max(0, manifest.ReceptiveField);
        int planes = Order.PlaneCount();
        _runners = new RunnerCache(session, (w, h) => new Dictionary<string, int[]>
        {
            [_imageName] = new[] { 1, planes, h, w },
            [_maskName] = new[] { 1, 1, h, w },
            [_guideName] = new[] { 1, planes, h, w },
        }, capacity: 48);   // scattered damage gives many tile sizes; fewer runners would thrash
    }

    /// <summary>Makes an engine that owns a model opened (and checked against its manifest) by the catalog.</summary>
    public RepairEngine(LoadedModel model)
        : this((model ?? throw new ArgumentNullException(nameof(model))).Session, model.Manifest, ownsSession: true)
    {
    }

    /// <summary>
    /// Opens the model of <paramref name="manifest"/> (NAME.onnx beside NAME.json), checks it against the manifest
    /// and makes an engine that owns the session.
    /// </summary>
    /// <exception cref="ModelException">The file is unusable or differs from its manifest.</exception>
    public static RepairEngine Open(ModelManifest manifest, SessionConfig? config = null)
    {
        if (manifest is null) throw new ArgumentNullException(nameof(manifest));
        LoadedModel model = ModelCatalog.LoadFile(manifest.FilePath, config);
        try
        {
            return new RepairEngine(model);
        }
        catch
        {
            model.Dispose();
            throw;
        }
    }

    /// <summary>The model's manifest.</summary>
    public ModelManifest Manifest { get; }

    /// <summary>The session (its provider and why).</summary>
    public ModelSession Session => _session;

    /// <summary>Value range of the image-like tensors.</summary>
    public ValueRange Range { get; }

    /// <summary>Plane order of the image-like tensors.</summary>
    public ChannelOrder Order { get; }

    /// <summary>Tile sides are multiples of this.</summary>
    public int Multiple { get; }

    /// <summary>
    /// Context pixels around the damage in each tile. Default: the model's receptive field, so a tile sees everything a
    /// whole-texture pass would. Smaller is faster (less of the texture runs) but may differ from a whole-texture repair.
    /// </summary>
    public int Margin
    {
        get => _margin;
        set => _margin = value >= 0 ? value : throw new ArgumentOutOfRangeException(nameof(value), value, "The margin cannot be negative.");
    }

    /// <summary>Smallest tile side a model accepts (ARCHITECTURE.md: 64).</summary>
    public const int MinimumSize = 64;

    /// <summary>
    /// A repaired copy of <paramref name="image"/>. With <paramref name="dirtyTilesOnly"/> (the default) only tiles
    /// around the damage run through the network; otherwise the whole texture runs as one wrapped tile.
    /// </summary>
    public RgbaImage Repair(RgbaImage image, DamageMask mask, bool dirtyTilesOnly = true, IProgress<double>? progress = null,
        CancellationToken cancellationToken = default)
    {
        RgbaImage result = image.Clone();
        RepairInPlace(result, mask, dirtyTilesOnly, progress, cancellationToken);
        return result;
    }

    /// <summary>
    /// Repairs <paramref name="image"/> in place; returns the tiles that ran (the changed areas; the list is reused by
    /// the next call). Allocation-free in steady state.
    /// </summary>
    public IReadOnlyList<TileRect> RepairInPlace(RgbaImage image, DamageMask mask, bool dirtyTilesOnly = true,
        IProgress<double>? progress = null, CancellationToken cancellationToken = default)
    {
        CheckPair(image, mask);
        List<TileRect> tiles = dirtyTilesOnly
            ? DirtyTiles.Compute(mask, new TileRect(0, 0, mask.Width, mask.Height), Margin, Multiple, MinimumSize, DirtyTiles.DefaultCell, _workspace, _tiles)
            : WholeTile(image.Width, image.Height, mask);
        RunTiles(image, mask, tiles, progress, cancellationToken);
        return tiles;
    }

    /// <summary>
    /// Live painting: repairs, in place, the damage of <paramref name="mask"/> inside <paramref name="region"/> (the
    /// rectangle a brush stroke touched, wrapping), and returns the tiles that changed (upload only those; the list is
    /// reused by the next call).
    /// </summary>
    public IReadOnlyList<TileRect> RepairRegion(RgbaImage image, DamageMask mask, TileRect region,
        CancellationToken cancellationToken = default)
    {
        CheckPair(image, mask);
        List<TileRect> tiles = DirtyTiles.Compute(mask, region, Margin, Multiple, MinimumSize, DirtyTiles.DefaultCell, _workspace, _tiles);
        RunTiles(image, mask, tiles, null, cancellationToken);
        return tiles;
    }

    /// <summary>
    /// Make-tileable: repairs a band of <paramref name="halfBand"/> pixels on each side of the wrap-around seams
    /// (left/right and top/bottom), with wrap-around context, so the texture tiles without a visible seam.
    /// Default band: 1/16 of the smaller side, at least 8 pixels.
    /// </summary>
    public RgbaImage MakeTileable(RgbaImage image, int halfBand = 0, IProgress<double>? progress = null,
        CancellationToken cancellationToken = default)
    {
        if (image is null) throw new ArgumentNullException(nameof(image));
        if (halfBand <= 0)
            halfBand = Math.Max(8, Math.Min(image.Width, image.Height) / 16);
        DamageMask band = DamageMask.SeamBand(image.Width, image.Height, halfBand);
        return Repair(image, band, dirtyTilesOnly: true, progress, cancellationToken);
    }

    private List<TileRect> WholeTile(int width, int height, DamageMask mask)
    {
        _tiles.Clear();
        if (Array.IndexOf(mask.Bits, (byte)1) < 0 && mask.CountDamaged() == 0)
            return _tiles;
        int w = RoundUp(Math.Max(width, MinimumSize), Multiple), h = RoundUp(Math.Max(height, MinimumSize), Multiple);
        _tiles.Add(new TileRect(0, 0, w, h));
        return _tiles;
    }

    private void RunTiles(RgbaImage image, DamageMask mask, List<TileRect> tiles, IProgress<double>? progress, CancellationToken cancellationToken)
    {
        if (_earlier.Length < tiles.Count)
            _earlier = new TileRect[tiles.Count * 2];
        for (int t = 0; t < tiles.Count; t++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            RunTile(image, mask, tiles, t, cancellationToken);
            progress?.Report((t + 1.0) / tiles.Count);
        }
    }

    private void RunTile(RgbaImage image, DamageMask mask, List<TileRect> tiles, int index, CancellationToken cancellationToken)
    {
        TileRect tile = tiles[index];
        int tw = tile.Width, th = tile.Height, pixels = tw * th;
        EnsureBuffers(pixels);
        Span<byte> rgba = _tileRgba.AsSpan(0, pixels * 4), damaged = _tileMask.AsSpan(0, pixels);
        Span<byte> guide = _tileGuide.AsSpan(0, pixels * 4), repaired = _tileOut.AsSpan(0, pixels * 4);
        DirtyTiles.Extract(image.Pixels, image.Width, image.Height, tile, rgba);
        DirtyTiles.ExtractMask(mask.Bits, mask.Width, mask.Height, tile, damaged);
        _guide.Build(rgba, damaged, tw, th, guide);

        FixedShapeRunner runner = _runners.Get(tw, th);
        Span<float> imageTensor = runner.Input(_imageName);
        TensorConvert.ToTensor(rgba, tw, th, imageTensor, Range, Order);
        Span<float> maskTensor = runner.Input(_maskName);
        float middle = Range.Middle;
        int planes = Order.PlaneCount();
        for (int i = 0; i < pixels; i++)
        {
            bool hit = damaged[i] != 0;
            maskTensor[i] = hit ? 1f : 0f;
            if (hit)
                for (int p = 0; p < planes; p++)
                    imageTensor[p * pixels + i] = middle;
        }
        TensorConvert.ToTensor(guide, tw, th, runner.Input(_guideName), Range, Order);
        runner.Run(cancellationToken);
        TensorConvert.FromTensor(runner.Output(_outputName), tw, th, repaired, tw * 4, Range, Order);

        // Write back damaged pixels only, each texture pixel once (a tile wider than the texture repeats it), and only
        // those this tile owns: deep enough inside it, and not owned by an earlier overlapping tile.
        int cols = Math.Min(tw, image.Width), rows = Math.Min(th, image.Height);
        int earlier = 0;
        for (int e = 0; e < index; e++)
            if (Overlap(tiles[e], tile, image.Width, image.Height))
                _earlier[earlier++] = tiles[e];
        byte[] dst = image.Pixels;
        for (int j = 0; j < rows; j++)
        {
            int y = DirtyTiles.Mod(tile.Y + j, image.Height);
            for (int i = 0; i < cols; i++)
            {
                int k = j * tw + i;
                if (damaged[k] == 0)
                    continue;
                int x = DirtyTiles.Mod(tile.X + i, image.Width);
                if (!DirtyTiles.Owns(tile, x, y, image.Width, image.Height, Margin) || OwnedEarlier(earlier, x, y, image.Width, image.Height))
                    continue;
                int d = (y * image.Width + x) * 4;
                dst[d] = repaired[k * 4];
                dst[d + 1] = repaired[k * 4 + 1];
                dst[d + 2] = repaired[k * 4 + 2];
                // Alpha from the guide: the intact pixel the guide copied (opaque where the mask came from alpha).
                dst[d + 3] = guide[k * 4 + 3];
            }
        }
    }

    private bool OwnedEarlier(int count, int x, int y, int width, int height)
    {
        for (int e = 0; e < count; e++)
            if (DirtyTiles.Owns(_earlier[e], x, y, width, height, Margin))
                return true;
        return false;
    }

    private static bool Overlap(TileRect a, TileRect b, int width, int height) =>
        AxisOverlap(a.X, a.Width, b.X, b.Width, width) && AxisOverlap(a.Y, a.Height, b.Y, b.Height, height);

    private static bool AxisOverlap(int a0, int aw, int b0, int bw, int period)
    {
        if (aw >= period || bw >= period)
            return true;
        int d = DirtyTiles.Mod(b0 - a0, period);
        return d < aw || period - d < bw;
    }

    private void CheckPair(RgbaImage image, DamageMask mask)
    {
        if (image is null) throw new ArgumentNullException(nameof(image));
        if (mask is null) throw new ArgumentNullException(nameof(mask));
        if (mask.Width != image.Width || mask.Height != image.Height)
            throw new TexturePluginException($"The mask is {mask.Width}x{mask.Height} but the image is {image.Width}x{image.Height}.");
    }

    private void EnsureBuffers(int pixels)
    {
        if (_tileMask.Length >= pixels)
            return;
        _tileRgba = new byte[pixels * 4];
        _tileMask = new byte[pixels];
        _tileGuide = new byte[pixels * 4];
        _tileOut = new byte[pixels * 4];
    }

    public void Dispose()
    {
        _runners.Dispose();
        if (_ownsSession)
            _session.Dispose();
    }

    private static int RoundUp(int a, int m) => (a + m - 1) / m * m;

    private static int Lcm(int a, int b)
    {
        int x = a, y = b;
        while (y != 0) (x, y) = (y, x % y);
        return a / x * b;
    }
}

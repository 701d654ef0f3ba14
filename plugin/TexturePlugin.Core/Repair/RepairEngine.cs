using TexturePlugin.Core.Imaging;
using TexturePlugin.Core.Inference;
using TexturePlugin.Core.Models;
using TexturePlugin.Core.Repair.Structure;
using TexturePlugin.Core.Synthesis;
using TexturePlugin.Core.Tensors;
using TexturePlugin.Core.Threading;

namespace TexturePlugin.Core.Repair;

/// <summary>
/// Texture repair with a repair model: image and damage mask in, repaired image out. Only the damaged regions go
/// through the network (<see cref="DirtyTiles"/>: context margin = the model's receptive field, wrap-around at the
/// texture's edges); each tile gets the <see cref="CoarseGuide"/>, and only damaged pixels are written back, so
/// intact pixels stay bit-exact. Not thread-safe: one call at a time.
/// </summary>
public sealed class RepairEngine : IDisposable
{
    /// <summary>Default of <see cref="TileQuantum"/>.</summary>
    public const int DefaultTileQuantum = 16;

    private readonly ModelSession _session;
    private readonly bool _ownsSession;
    private readonly string _imageName, _maskName, _guideName, _outputName;
    private readonly DirtyTiles.Workspace _workspace = new();
    private readonly List<TileRect> _tiles = new();
    private readonly Lane?[] _lanes = new Lane?[MaxLanes];
    private readonly OneTileSession _oneTile;
    private Lane? _oneTileLane;
    private readonly object _progressGate = new();
    private int _margin;
    private int _tileQuantum;
    private int _laneCount;

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
        TileQuantum = DefaultTileQuantum;
        _margin = Math.Max(0, manifest.TileMargin);
        _guideContext = manifest.GuideContext;
        _guideStep = manifest.GuideStep;
        _laneCount = DefaultLanes(session);
        _lanes[0] = NewLane(session);
        _oneTile = new OneTileSession(session);
    }

    /// <summary>
    /// The session settings repair models run best with: a copy of <paramref name="config"/> where
    /// <see cref="SessionConfig.IntraOpThreads"/> 0 becomes 1 and <see cref="SessionConfig.OneTileThreads"/> the
    /// processor count. One thread per run and one run per core (<see cref="Lanes"/>) beat threads inside a run for
    /// several dirty tiles (session 9, interleaved A/B on 2 vCPUs: 256^2 holes, 5 tiles, 6.7 against 9.4 ms; 2048^2 with
    /// 2 % damage 113 against 158 ms); a pass that is one tile runs on every core instead (<see cref="OneTileOnAllCores"/>:
    /// 256^2 scratch 12.5 against 16.2 ms).
    /// </summary>
    public static SessionConfig PreferredConfig(SessionConfig? config)
        => SessionConfig.ForLanes(config);

    /// <summary>Most tiles that run at once (<see cref="Lanes"/>).</summary>
    public const int MaxLanes = 4;

    /// <summary>
    /// Lanes for a session: one per core (at most <see cref="MaxLanes"/>) when each run is single-threaded on a provider
    /// without a run gate (CPU with <c>IntraOpThreads = 1</c>); otherwise one, since ONNX Runtime's own threads already
    /// use the cores.
    /// </summary>
    public static int DefaultLanes(ModelSession session) =>
        (session ?? throw new ArgumentNullException(nameof(session))).ConcurrentRuns(MaxLanes);

    /// <summary>
    /// Tiles that run through the network at the same time when damage spans several tiles (each lane has its own
    /// pre-allocated tensors). Results do not depend on it: every damaged pixel is written by the same tile either way.
    /// </summary>
    public int Lanes
    {
        get => _laneCount;
        set => _laneCount = value is >= 1 and <= MaxLanes
            ? value : throw new ArgumentOutOfRangeException(nameof(value), value, $"Lanes must be 1 to {MaxLanes}.");
    }

    /// <summary>
    /// Whether a pass whose damage makes one tile runs on a second session whose runs use every core
    /// (<see cref="ModelSession.OpenForOneTile"/>, opened on first use) instead of one lane's single thread. Default true;
    /// it applies only when the session was opened with automatic threads (<see cref="PreferredConfig"/>) on a CPU with
    /// several cores. Results are the same bits either way (the same tile, and ONNX Runtime's CPU kernels give the same
    /// sums on one thread or two; tested).
    /// </summary>
    public bool OneTileOnAllCores { get; set; } = true;

    private Lane NewLane(ModelSession session)
    {
        int planes = Order.PlaneCount();
        var runners = new RunnerCache(session, (w, h) => new Dictionary<string, int[]>
        {
            [_imageName] = new[] { 1, planes, h, w },
            [_maskName] = new[] { 1, 1, h, w },
            [_guideName] = new[] { 1, planes, h, w },
        }, (w, h) => new Dictionary<string, int[]> { [_outputName] = new[] { 1, planes, h, w } },
        capacity: 48);   // scattered damage gives many tile sizes; fewer runners would thrash
        return new Lane(runners, new CoarseGuide(Manifest.GuideScale, Manifest.GuidePatch));
    }

    /// <summary>
    /// What one tile at a time needs: runners (tensors) per tile size, the guide's workspace, tile buffers. Lanes other
    /// than the first drain a pass's tiles on a pool thread (<see cref="PoolHelper"/>: no allocation, and the caller
    /// does the lane's share itself if no pool thread has started it).
    /// </summary>
    private sealed class Lane : IDisposable, IHelperWork
    {
        private readonly PoolHelper _pool = new();
        private TileWork? _work;

        public Lane(RunnerCache runners, CoarseGuide guide)
        {
            Runners = runners;
            Guide = guide;
        }

        /// <summary>Queues draining <paramref name="work"/>'s tiles on this lane.</summary>
        public void Start(TileWork work)
        {
            _work = work;
            _pool.Start(this);
        }

        void IHelperWork.Run() => _work!.Drain(this);

        /// <summary>Returns when this lane has drained the work (failures are recorded in the work itself).</summary>
        public void Finish()
        {
            _pool.Join();
            _work = null;
        }

        public RunnerCache Runners { get; }
        public CoarseGuide Guide { get; }
        public TileRect[] Earlier = new TileRect[16];
        public byte[] Rgba = Array.Empty<byte>(), Mask = Array.Empty<byte>(), GuideBuffer = Array.Empty<byte>(), Out = Array.Empty<byte>();
        public byte[] WindowRgba = Array.Empty<byte>(), WindowMask = Array.Empty<byte>(), WindowGuide = Array.Empty<byte>();
        public readonly StructureStage.Workspace Structure = new();

        public void EnsureWindow(int pixels)
        {
            if (WindowMask.Length >= pixels)
                return;
            WindowRgba = new byte[pixels * 4];
            WindowMask = new byte[pixels];
            WindowGuide = new byte[pixels * 4];
        }

        public void EnsureBuffers(int pixels)
        {
            if (Mask.Length >= pixels)
                return;
            Rgba = new byte[pixels * 4];
            Mask = new byte[pixels];
            GuideBuffer = new byte[pixels * 4];
            Out = new byte[pixels * 4];
        }

        public void Dispose() => Runners.Dispose();
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
        LoadedModel model = ModelCatalog.LoadFile(manifest.FilePath, PreferredConfig(config));
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

    /// <summary>Tile sides are multiples of this: the model's size multiple, the guide scale and <see cref="TileQuantum"/>.</summary>
    public int Multiple { get; private set; }

    /// <summary>
    /// Tile sides are rounded up to multiples of this (besides the model's own multiple), so that repeated strokes of
    /// similar size reuse the same pre-allocated runner. Smaller runs less of the texture but makes more tile shapes
    /// (one runner each). Default <see cref="DefaultTileQuantum"/>; set it between passes.
    /// </summary>
    public int TileQuantum
    {
        get => _tileQuantum;
        set
        {
            if (value < 1 || value > 1024)
                throw new ArgumentOutOfRangeException(nameof(value), value, "The tile quantum must be 1 to 1024 pixels.");
            _tileQuantum = value;
            Multiple = Lcm(Lcm(Math.Max(1, Manifest.SizeMultiple), Manifest.GuideScale), value);
        }
    }

    /// <summary>
    /// Context pixels around the damage in each tile. Default: the model's <see cref="ModelManifest.TileMargin"/>
    /// (manifest <c>tile_margin</c>, else <c>context_margin</c>: tiles agree with a whole-texture pass within the
    /// tolerance its metrics state; else the receptive field). Set it to <see cref="ModelManifest.ReceptiveField"/> for
    /// tiles whose network sees everything a whole-texture pass would; smaller is faster (less of the texture runs).
    /// </summary>
    public int Margin
    {
        get => _margin;
        set => _margin = value >= 0 ? value : throw new ArgumentOutOfRangeException(nameof(value), value, "The margin cannot be negative.");
    }

    /// <summary>
    /// Extra pixels around each tile that the coarse copy guide searches for sources (not run through the network):
    /// the guide of a small tile otherwise finds little intact texture to copy. Limited per axis so the window does
    /// not exceed the texture; rounded down to the guide scale. 0 = the tile alone. Default: the model's
    /// <see cref="ModelManifest.GuideContext"/>. Only the tile's damage is filled; the window's other damage is not.
    /// </summary>
    public int GuideContext
    {
        get => _guideContext;
        set => _guideContext = value >= 0 ? value : throw new ArgumentOutOfRangeException(nameof(value), value, "The guide context cannot be negative.");
    }

    private int _guideContext;

    /// <summary>
    /// The guide's source step in a window (<see cref="CoarseGuide.Build(ReadOnlySpan{byte}, ReadOnlySpan{byte}, int, int, Span{byte}, int, int, int, int, int)"/>):
    /// 1 compares every source, k &gt; 1 scans every k-th row and column and refines around the best (about 1/k^2 of the
    /// search). Default: the model's <see cref="ModelManifest.GuideStep"/>. A tile without a window (guide context 0, or a
    /// tile as large as the texture) always compares every source, as training did.
    /// </summary>
    public int GuideStep
    {
        get => _guideStep;
        set => _guideStep = value >= 1 && value <= CoarseGuide.MaxSourceStep ? value
            : throw new ArgumentOutOfRangeException(nameof(value), value, $"The guide step must be 1 to {CoarseGuide.MaxSourceStep}.");
    }

    private int _guideStep;

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
        if (dirtyTilesOnly && MostlyDirty(tiles, image.Width, image.Height))
            tiles = WholeTile(image.Width, image.Height, mask);
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
    /// Default band: 1/16 of the smaller side, at least 8 pixels, at most <see cref="DamageMask.MaxSeamHalfWidth"/>.
    /// </summary>
    public RgbaImage MakeTileable(RgbaImage image, int halfBand = 0, IProgress<double>? progress = null,
        CancellationToken cancellationToken = default)
    {
        if (image is null) throw new ArgumentNullException(nameof(image));
        if (halfBand <= 0)
            halfBand = Math.Min(Math.Max(8, Math.Min(image.Width, image.Height) / 16), DamageMask.MaxSeamHalfWidth(image.Width, image.Height));
        DamageMask band = DamageMask.SeamBand(image.Width, image.Height, halfBand);
        return Repair(image, band, dirtyTilesOnly: true, progress, cancellationToken);
    }

    /// <summary>
    /// Dirty tiles that cover at least this share of a texture (by area, overlaps counted) give way to one
    /// whole-texture tile, for textures of at most <see cref="WholeTextureSide"/> pixels a side: one guide and one run
    /// then cost less than tiles that overlap and each search a guide window reaching over most of the texture, and the
    /// network sees the whole texture, as in training. Default 0.75; <see cref="double.PositiveInfinity"/> keeps the tiles
    /// always. Session 9, interleaved A/B on 2 vCPUs: 256^2 scratches (3 tiles covering 93 %) 20.4-20.8 ms as tiles on the
    /// lanes, 15.7-18.0 ms as one whole-texture tile (on every core, <see cref="OneTileOnAllCores"/>).
    /// </summary>
    public double WholeTextureShare
    {
        get => _wholeTextureShare;
        set => _wholeTextureShare = value > 0 && !double.IsNaN(value)
            ? value : throw new ArgumentOutOfRangeException(nameof(value), value, "The share must be positive.");
    }

    private double _wholeTextureShare = 0.75;

    /// <summary>Largest texture side for which <see cref="WholeTextureShare"/> applies (larger ones keep their tiles).</summary>
    public const int WholeTextureSide = 1024;

    private bool MostlyDirty(List<TileRect> tiles, int width, int height)
    {
        if (tiles.Count < 2 || width > WholeTextureSide || height > WholeTextureSide)
            return false;
        long area = 0;
        foreach (TileRect t in tiles)
            area += t.Area;
        return area >= WholeTextureShare * width * height;
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
        _structure.Begin(tiles, image.Width, image.Height, _margin);
        int lanes = Math.Min(_laneCount, tiles.Count);
        if (lanes <= 1)
        {
            Lane lane = (tiles.Count == 1 && _laneCount > 1 && OneTileOnAllCores ? OneTileLane() : null) ?? _lanes[0]!;
            for (int t = 0; t < tiles.Count; t++)
            {
                cancellationToken.ThrowIfCancellationRequested();
                RunTile(lane, image, mask, tiles, t, cancellationToken);
                progress?.Report((t + 1.0) / tiles.Count);
            }
            return;
        }
        for (int l = 1; l < lanes; l++)
            _lanes[l] ??= NewLane(_session);
        // Tiles are taken in order by whichever lane is free. Concurrent tiles only read intact pixels (damaged ones are
        // replaced by the mask before the network and the guide see them) and each writes only damaged pixels it owns,
        // so the result is the same as one lane's.
        var work = new TileWork(this, image, mask, tiles, progress, cancellationToken);
        for (int l = 1; l < lanes; l++)
            _lanes[l]!.Start(work);
        try
        {
            work.Drain(_lanes[0]!);
        }
        finally
        {
            // Drain records any failure in the work (the first is rethrown below); Finish only waits for the lane.
            for (int l = 1; l < lanes; l++)
                _lanes[l]!.Finish();
        }
        work.ThrowIfFailed();
    }

    /// <summary>Whether a one-tile pass has run on the all-cores session (for tests).</summary>
    internal bool OneTileSessionUsed => _oneTileLane is not null;

    private Lane? OneTileLane()
    {
        if (_oneTileLane is null && _oneTile.Get() is ModelSession session)
            _oneTileLane = NewLane(session);
        return _oneTileLane;
    }

    /// <summary>One multi-lane pass: the next tile index, completed count and the first failure.</summary>
    private sealed class TileWork
    {
        private readonly RepairEngine _engine;
        private readonly RgbaImage _image;
        private readonly DamageMask _mask;
        private readonly List<TileRect> _tiles;
        private readonly IProgress<double>? _progress;
        private readonly CancellationToken _token;
        private int _next = -1, _done;
        private System.Runtime.ExceptionServices.ExceptionDispatchInfo? _failure;

        public TileWork(RepairEngine engine, RgbaImage image, DamageMask mask, List<TileRect> tiles, IProgress<double>? progress,
            CancellationToken token)
        {
            _engine = engine;
            _image = image;
            _mask = mask;
            _tiles = tiles;
            _progress = progress;
            _token = token;
        }

        public void Drain(Lane lane)
        {
            try
            {
                int t;
                while (Volatile.Read(ref _failure) is null && (t = Interlocked.Increment(ref _next)) < _tiles.Count)
                {
                    _token.ThrowIfCancellationRequested();
                    _engine.RunTile(lane, _image, _mask, _tiles, t, _token);
                    int done = Interlocked.Increment(ref _done);
                    if (_progress is not null)
                        lock (_engine._progressGate)
                            _progress.Report((double)done / _tiles.Count);
                }
            }
            catch (Exception e)
            {
                Interlocked.CompareExchange(ref _failure, System.Runtime.ExceptionServices.ExceptionDispatchInfo.Capture(e), null);
            }
        }

        public void ThrowIfFailed() => _failure?.Throw();
    }

    private void RunTile(Lane lane, RgbaImage image, DamageMask mask, List<TileRect> tiles, int index, CancellationToken cancellationToken)
    {
        TileRect tile = tiles[index];
        int tw = tile.Width, th = tile.Height, pixels = tw * th;
        lane.EnsureBuffers(pixels);
        Span<byte> rgba = lane.Rgba.AsSpan(0, pixels * 4), damaged = lane.Mask.AsSpan(0, pixels);
        Span<byte> guide = lane.GuideBuffer.AsSpan(0, pixels * 4), repaired = lane.Out.AsSpan(0, pixels * 4);
        DirtyTiles.Extract(image.Pixels, image.Width, image.Height, tile, rgba);
        DirtyTiles.ExtractMask(mask.Bits, mask.Width, mask.Height, tile, damaged);
        BuildGuide(lane, image, mask, tile, rgba, damaged, guide);

        FixedShapeRunner runner = lane.Runners.Get(tw, th);
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
        _structure.Apply(lane.Structure, image, mask, tile, damaged, repaired);

        // Write back damaged pixels only, each texture pixel once (a tile wider than the texture repeats it), and only
        // those this tile owns: deep enough inside it, and not owned by an earlier overlapping tile.
        int cols = Math.Min(tw, image.Width), rows = Math.Min(th, image.Height);
        if (lane.Earlier.Length < index)
            lane.Earlier = new TileRect[index * 2];
        int earlier = 0;
        for (int e = 0; e < index; e++)
            if (Overlap(tiles[e], tile, image.Width, image.Height))
                lane.Earlier[earlier++] = tiles[e];
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
                if (!DirtyTiles.Owns(tile, x, y, image.Width, image.Height, Margin) || OwnedEarlier(lane.Earlier, earlier, x, y, image.Width, image.Height))
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

    private void BuildGuide(Lane lane, RgbaImage image, DamageMask mask, TileRect tile, Span<byte> rgba, Span<byte> damaged, Span<byte> guide)
    {
        int scale = Manifest.GuideScale;
        int gx = Math.Min(_guideContext, Math.Max(0, (image.Width - tile.Width) / 2)) / scale * scale;
        int gy = Math.Min(_guideContext, Math.Max(0, (image.Height - tile.Height) / 2)) / scale * scale;
        if (gx == 0 && gy == 0)
        {
            lane.Guide.Build(rgba, damaged, tile.Width, tile.Height, guide);
            return;
        }
        var window = new TileRect(tile.X - gx, tile.Y - gy, tile.Width + 2 * gx, tile.Height + 2 * gy);
        int area = window.Width * window.Height;
        lane.EnsureWindow(area);
        Span<byte> wrgba = lane.WindowRgba.AsSpan(0, area * 4), wmask = lane.WindowMask.AsSpan(0, area);
        Span<byte> wguide = lane.WindowGuide.AsSpan(0, area * 4);
        DirtyTiles.Extract(image.Pixels, image.Width, image.Height, window, wrgba);
        DirtyTiles.ExtractMask(mask.Bits, mask.Width, mask.Height, window, wmask);
        lane.Guide.Build(wrgba, wmask, window.Width, window.Height, wguide, gx, gy, gx + tile.Width, gy + tile.Height, _guideStep);
        int row = tile.Width * 4;
        for (int j = 0; j < tile.Height; j++)
            wguide.Slice(((j + gy) * window.Width + gx) * 4, row).CopyTo(guide.Slice(j * row, row));
    }

    /// <summary>
    /// The structure fill's tuning (<see cref="StructureOptions"/>, ARCHITECTURE.md "The structure fill"; <c>Enabled =
    /// false</c> leaves repairs to the network alone). Set between calls.
    /// </summary>
    public StructureOptions Structure
    {
        get => _structure.Options;
        set
        {
            (value ?? throw new ArgumentNullException(nameof(value))).Validate();
            _structure.Options = value;
        }
    }

    private readonly StructureStage _structure = new();

    private bool OwnedEarlier(TileRect[] earlier, int count, int x, int y, int width, int height)
    {
        for (int e = 0; e < count; e++)
            if (DirtyTiles.Owns(earlier[e], x, y, width, height, Margin))
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

    public void Dispose()
    {
        foreach (Lane? lane in _lanes)
            lane?.Dispose();
        _oneTileLane?.Dispose();
        _oneTile.Dispose();
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

using TexturePlugin.Core.Imaging;
using TexturePlugin.Core.Inference;
using TexturePlugin.Core.Models;
using TexturePlugin.Core.Noise;
using TexturePlugin.Core.Tensors;
using TexturePlugin.Core.Threading;

namespace TexturePlugin.Core.Synthesis;

/// <summary>
/// Texture synthesis with a synthesis model: seed and size in, texture out. Textures larger than
/// <see cref="MaxTileSize"/> are generated in tiles whose noise windows and context margins wrap around the
/// texture, so the result matches one pass and still tiles; the same seed gives the same bits. With
/// <see cref="Lanes"/> above one, tiles run at the same time (one single-threaded run per core), and a texture that is
/// one tile runs as one pass on every core (<see cref="OneTileOnAllCores"/>). Time moves the noise through the <see cref="GaussianNoiseField"/>'s
/// slices for animation. Not thread-safe: one call at a time.
/// </summary>
public sealed class SynthesisEngine : IDisposable
{
    /// <summary>Most tiles that run at once (<see cref="Lanes"/>).</summary>
    public const int MaxLanes = 4;

    private readonly ModelSession _session;
    private readonly bool _ownsSession;
    private readonly string _noiseName;
    private readonly string? _originName;
    private readonly string _outputName;
    private readonly Lane?[] _lanes = new Lane?[MaxLanes];
    private readonly OneTileSession _oneTile;
    private Lane? _oneTileLane;
    private readonly object _progressGate = new();
    private readonly Pass _pass = new();
    private GaussianNoiseField? _field;
    private (int Width, int Height, int MaxTile, int Lanes) _planKey;
    private List<SynthesisTile>? _plan;
    private int _maxTileSize = 1024;
    private int _laneCount;
    private NoiseSlices[] _slices = Array.Empty<NoiseSlices>();

    /// <summary>
    /// Wraps an open session of a synthesis model described by <paramref name="manifest"/>.
    /// </summary>
    /// <param name="ownsSession">Dispose the session with the engine.</param>
    /// <exception cref="ModelException">The manifest is not a synthesis model or does not match the session.</exception>
    public SynthesisEngine(ModelSession session, ModelManifest manifest, bool ownsSession = false)
    {
        _session = session ?? throw new ArgumentNullException(nameof(session));
        Manifest = manifest ?? throw new ArgumentNullException(nameof(manifest));
        _ownsSession = ownsSession;
        if (manifest.Kind != ModelKind.Synthesis)
            throw new ModelException(session.FilePath, $"model '{manifest.Name}' is a {manifest.Kind} model, not a synthesis model");
        ModelInput noise = manifest.Inputs.FirstOrDefault(i => i.Role == "noise")
            ?? throw new ModelException(session.FilePath, $"model '{manifest.Name}' has no input with role 'noise'");
        _noiseName = noise.Name;
        ModelInput? origin = manifest.InputWithRole(ModelManifest.RoleOrigin);
        if (origin is not null && origin.Channels != 2)
            throw new ModelException(session.FilePath, $"model '{manifest.Name}' has an origin input of {origin.Channels} channels; it takes 2 (x, y)");
        _originName = origin?.Name;
        _outputName = manifest.Output.Name;
        NoiseChannels = manifest.NoiseChannels;
        Cell = manifest.NoiseCell;
        if (NoiseChannels <= 0 || Cell <= 0)
            throw new ModelException(session.FilePath, $"model '{manifest.Name}' has noise channels {NoiseChannels} and cell {Cell}; both must be positive");
        Unit = Lcm(Cell, Math.Max(1, manifest.SizeMultiple));
        Range = manifest.ValueRange;
        Order = manifest.ChannelOrder;
        _laneCount = session.ConcurrentRuns(MaxLanes);
        _lanes[0] = NewLane(session);
        _oneTile = new OneTileSession(session);
    }

    private Lane NewLane(ModelSession session) => new(this, new RunnerCache(session, (w, h) =>
    {
        var shapes = new Dictionary<string, int[]> { [_noiseName] = new[] { 1, NoiseChannels, h / Cell, w / Cell } };
        if (_originName is not null)
            shapes[_originName] = new[] { 1, 2, 1, 1 };
        return shapes;
    }, (w, h) => new Dictionary<string, int[]> { [_outputName] = new[] { 1, Order.PlaneCount(), h, w } }));

    /// <summary>Makes an engine that owns a model opened (and checked against its manifest) by the catalog.</summary>
    public SynthesisEngine(LoadedModel model)
        : this((model ?? throw new ArgumentNullException(nameof(model))).Session, model.Manifest, ownsSession: true)
    {
    }

    /// <summary>
    /// Opens the model of <paramref name="manifest"/> (NAME.onnx beside NAME.json), checks it against the manifest
    /// and makes an engine that owns the session. <see cref="SessionConfig.IntraOpThreads"/> 0 means one thread per
    /// logical processor here (<see cref="Environment.ProcessorCount"/>).
    /// </summary>
    /// <exception cref="ModelException">The file is unusable or differs from its manifest.</exception>
    public static SynthesisEngine Open(ModelManifest manifest, SessionConfig? config = null)
    {
        if (manifest is null) throw new ArgumentNullException(nameof(manifest));
        LoadedModel model = ModelCatalog.LoadFile(manifest.FilePath, PreferredConfig(config));
        try
        {
            return new SynthesisEngine(model);
        }
        catch
        {
            model.Dispose();
            throw;
        }
    }

    /// <summary>
    /// The session settings synthesis models run best with: a copy of <paramref name="config"/> where
    /// <see cref="SessionConfig.IntraOpThreads"/> 0 becomes one thread per logical processor. Use it for sessions opened
    /// elsewhere (e.g. through <see cref="ModelCatalog.Load"/>) that a <see cref="SynthesisEngine"/> will run.
    /// </summary>
    public static SessionConfig PreferredConfig(SessionConfig? config)
    {
        // One thread per run and one run per core (Lanes) for textures of several tiles (2048^2 on 2 vCPUs: 324-365 ms
        // against 461-478 ms on two threads a run, session 9); a texture of one tile runs as one pass on every core
        // (OneTileOnAllCores, interleaved A/B: animated bark 256^2, too small for strips, 4.2-5.1 against 4.9-6.7 ms on
        // one lane; animated 512^2 0.90-0.91x the time of two single-threaded strips, a still one 0.81-1.16x in five
        // runs). Before the phase convolutions (session 8) a second intra-op thread gained nothing.
        return SessionConfig.ForLanes(config);
    }

    /// <summary>
    /// Tiles that run at the same time, each on its own pre-allocated tensors (default: one per logical processor, at
    /// most <see cref="MaxLanes"/>, when runs are single-threaded on a provider without a run gate; otherwise one).
    /// With more than one lane a texture whose tiles are fewer than the lanes is cut into strips, if each strip keeps at
    /// least four margins of its own (512x512 with the shipped models: two strips), unless it is one tile that
    /// <see cref="OneTileOnAllCores"/> runs as one pass. Strips agree with one pass as tiles
    /// do (<see cref="MaxTileSize"/>). Set it between calls.
    /// </summary>
    public int Lanes
    {
        get => _laneCount;
        set => _laneCount = value is >= 1 and <= MaxLanes
            ? value : throw new ArgumentOutOfRangeException(nameof(value), value, $"Lanes must be 1 to {MaxLanes}.");
    }

    /// <summary>
    /// Whether a texture that fits one tile (<see cref="MaxTileSize"/>) runs as one pass on a second session whose runs
    /// use every core (<see cref="ModelSession.OpenForOneTile"/>, opened on first use) instead of as strips on the lanes.
    /// Default true; it applies only when the session was opened with automatic threads (the engines'
    /// <c>PreferredConfig</c>) on a CPU with several cores. The result equals the lanes' within the strips' tolerance,
    /// and is the same bits on every call either way. Set it between calls.
    /// </summary>
    public bool OneTileOnAllCores { get; set; } = true;

    /// <summary>The model's manifest.</summary>
    public ModelManifest Manifest { get; }

    /// <summary>The session (its provider and why).</summary>
    public ModelSession Session => _session;

    /// <summary>Noise channels the model takes.</summary>
    public int NoiseChannels { get; }

    /// <summary>Pixels per noise lattice point.</summary>
    public int Cell { get; }

    /// <summary>Width and height must be multiples of this (noise cell and the model's size multiple).</summary>
    public int Unit { get; }

    /// <summary>Smallest width and height a model accepts (ARCHITECTURE.md: 64).</summary>
    public const int MinimumSize = 64;

    /// <summary>Value range of the output tensor.</summary>
    public ValueRange Range { get; }

    /// <summary>Output plane order.</summary>
    public ChannelOrder Order { get; }

    /// <summary>Largest tile side (at least <see cref="MinimumSize"/>); bigger textures are generated in tiles (default 1024).</summary>
    public int MaxTileSize
    {
        get => _maxTileSize;
        set => _maxTileSize = value >= MinimumSize
            ? value
            : throw new ArgumentOutOfRangeException(nameof(value), value, $"Tiles must be at least {MinimumSize} pixels on a side.");
    }

    /// <summary>Generates a new <paramref name="width"/> x <paramref name="height"/> texture.</summary>
    /// <param name="time">Animation time in noise slices (0 = the still texture of this seed).</param>
    /// <param name="progress">Receives the fraction done after each tile.</param>
    public RgbaImage Generate(int width, int height, int seed, double time = 0, IProgress<double>? progress = null,
        CancellationToken cancellationToken = default)
    {
        CheckSize(width, height);
        var image = new RgbaImage(width, height);
        GenerateInto(image, seed, time, progress, cancellationToken);
        return image;
    }

    /// <summary>
    /// Generates into an existing image (its size chooses the texture size). In steady state (same size, seed
    /// and tile size) this allocates nothing.
    /// </summary>
    public void GenerateInto(RgbaImage target, int seed, double time = 0, IProgress<double>? progress = null,
        CancellationToken cancellationToken = default)
    {
        if (target is null) throw new ArgumentNullException(nameof(target));
        int width = target.Width, height = target.Height;
        CheckSize(width, height);
        int periodX = width / Cell, periodY = height / Cell;
        if (_field is null || _field.Seed != seed || _field.PeriodX != periodX || _field.PeriodY != periodY)
            _field = new GaussianNoiseField(seed, periodX, periodY);
        Lane? oneTile = OneTileOnAllCores && _laneCount > 1 && width <= MaxTileSize && height <= MaxTileSize ? OneTileLane() : null;
        int parts = oneTile is null ? _laneCount : 1;
        if (_plan is null || _planKey != (width, height, MaxTileSize, parts))
        {
            _plan = SynthesisTile.Plan(width, height, MaxTileSize, Manifest.ReceptiveField, Unit, parts);
            _planKey = (width, height, MaxTileSize, parts);
            Array.Clear(_slices, 0, _slices.Length);
        }
        if (double.IsNaN(time) || double.IsInfinity(time))
            throw new ArgumentOutOfRangeException(nameof(time), time, "Animation time must be finite.");
        if (_slices.Length < _plan.Count)
            _slices = new NoiseSlices[_plan.Count];
        int lanes = Math.Min(parts, _plan.Count);
        Pass pass = _pass.Reset(target, time, progress, cancellationToken, lanes);
        if (lanes <= 1)
        {
            (oneTile ?? _lanes[0]!).Run(pass, 0);
            return;
        }
        // Tile t runs on lane t % lanes: the same tiles on the same lanes every call, so each lane's runner keeps its
        // tile's still noise. Lanes write disjoint cores of the target and their own tiles' noise slices.
        for (int l = 1; l < lanes; l++)
            (_lanes[l] ??= NewLane(_session)).Start(pass, l);
        Exception? failure = null;
        try
        {
            _lanes[0]!.Run(pass, 0);
        }
        catch (Exception e)
        {
            failure = e;
            pass.Stop();
        }
        for (int l = 1; l < lanes; l++)
        {
            Exception? e = _lanes[l]!.Finish();
            failure ??= e;
        }
        if (failure is not null)
            System.Runtime.ExceptionServices.ExceptionDispatchInfo.Capture(failure).Throw();
    }

    /// <summary>Whether a one-tile pass has run on the all-cores session (for tests).</summary>
    internal bool OneTileSessionUsed => _oneTileLane is not null;

    /// <summary>The session one-tile passes run on, opening it (null when there is none; for the bench's bare-model peer).</summary>
    internal ModelSession? OneTileSession => _oneTile.Get();

    private Lane? OneTileLane()
    {
        if (_oneTileLane is null && _oneTile.Get() is ModelSession session)
            _oneTileLane = NewLane(session);
        return _oneTileLane;
    }

    /// <summary>The manifest's per-channel colour curves (<see cref="ModelManifest.ColourLut"/>) on a region of the output.</summary>
    internal static void ApplyColourLut(byte[] lut, RgbaImage image, int x0, int y0, int width, int height)
    {
        byte[] px = image.Pixels;
        for (int y = y0; y < y0 + height; y++)
        {
            int i = (y * image.Width + x0) * 4, end = i + width * 4;
            for (; i < end; i += 4)
            {
                px[i] = lut[px[i]];
                px[i + 1] = lut[256 + px[i + 1]];
                px[i + 2] = lut[512 + px[i + 2]];
            }
        }
    }

    /// <summary>One call's work, shared by the lanes (one per engine, reset per call: calls do not overlap).</summary>
    private sealed class Pass
    {
        private int _done, _stopped;

        public RgbaImage Target { get; private set; } = null!;
        public double Time { get; private set; }
        public IProgress<double>? Progress { get; private set; }
        public CancellationToken Token { get; private set; }
        public int Lanes { get; private set; }

        /// <summary>Set when a lane failed: the others stop after their current tile.</summary>
        public bool Stopped => Volatile.Read(ref _stopped) != 0;

        public Pass Reset(RgbaImage target, double time, IProgress<double>? progress, CancellationToken token, int lanes)
        {
            (Target, Time, Progress, Token, Lanes, _done, _stopped) = (target, time, progress, token, lanes, 0, 0);
            return this;
        }

        public void Stop() => Volatile.Write(ref _stopped, 1);

        public int Done() => Interlocked.Increment(ref _done);
    }

    /// <summary>
    /// A lane: its runners (tensors) and what its runner's input holds after the last still fill. Lanes other than the
    /// first run on a pool thread without allocating; if none has picked the work up when the first lane is done,
    /// the caller withdraws it and runs it itself, so a busy pool never stalls a call.
    /// </summary>
    private sealed class Lane : IHelperWork
    {
        private readonly SynthesisEngine _engine;
        private readonly PoolHelper _pool = new();
        private Pass? _pass;
        private int _index;

        public Lane(SynthesisEngine engine, RunnerCache runners)
        {
            _engine = engine;
            Runners = runners;
        }

        public RunnerCache Runners { get; }

        // The window size follows from the runner's shape.
        public (FixedShapeRunner? Runner, GaussianNoiseField? Field, int X, int Y, double Time) Still;

        /// <summary>Runs tiles index, index + lanes, ... of the plan on this lane.</summary>
        public void Run(Pass pass, int index)
        {
            List<SynthesisTile> plan = _engine._plan!;
            for (int t = index; t < plan.Count && !pass.Stopped; t += pass.Lanes)
            {
                pass.Token.ThrowIfCancellationRequested();
                SynthesisTile tile = plan[t];
                FixedShapeRunner runner = Runners.Get(tile.WindowWidth, tile.WindowHeight);
                _engine.FillNoise(this, runner, t, tile, pass.Time);
                if (_engine._originName is not null)
                {
                    // Where the window starts in the texture (wrapped into it): the copies of a copy-synthesis model
                    // depend on absolute position (training/texlib/copysynth.py).
                    Span<float> origin = runner.Input(_engine._originName);
                    origin[0] = Wrap(tile.WindowX, pass.Target.Width);
                    origin[1] = Wrap(tile.WindowY, pass.Target.Height);
                }
                runner.Run(pass.Token);
                TensorConvert.FromTensorRegion(runner.Output(_engine._outputName), tile.WindowWidth, tile.WindowHeight,
                    tile.MarginX, tile.MarginY, tile.CoreWidth, tile.CoreHeight, pass.Target, tile.CoreX, tile.CoreY,
                    _engine.Range, _engine.Order);
                if (_engine.Manifest.ColourLut is byte[] lut)
                    ApplyColourLut(lut, pass.Target, tile.CoreX, tile.CoreY, tile.CoreWidth, tile.CoreHeight);
                int done = pass.Done();
                if (pass.Progress is not null)
                    lock (_engine._progressGate)
                        pass.Progress.Report((double)done / plan.Count);
            }
        }

        /// <summary>Queues this lane's tiles (<see cref="Run(Pass, int)"/>) on a pool thread.</summary>
        public void Start(Pass pass, int index)
        {
            (_pass, _index) = (pass, index);
            _pool.Start(this);
        }

        void IHelperWork.Run()
        {
            try
            {
                Run(_pass!, _index);
            }
            catch
            {
                _pass!.Stop();
                throw;
            }
            finally
            {
                _pass = null;
            }
        }

        /// <summary>Returns when this lane's tiles are done (here, if no pool thread started them), with its failure.</summary>
        public Exception? Finish() => _pool.Join();
    }

    /// <summary>
    /// The noise window of tile <paramref name="index"/> at <paramref name="time"/>. A still texture (whole time) comes
    /// straight from the field. Between slices the two neighbouring slices are kept per tile and blended as the field
    /// blends them (cos/sin of the fraction), so an animation frame costs one pass over the window instead of two
    /// Gaussian samples per value; the slices are regenerated only when the frame crosses a whole slice.
    /// A still window that the runner's input already holds (same field, window and time: regenerating the same
    /// texture) is not filled again; ONNX Runtime only reads its inputs.
    /// </summary>
    private void FillNoise(Lane lane, FixedShapeRunner runner, int index, SynthesisTile tile, double time)
    {
        Span<float> destination = runner.Input(_noiseName);
        int x = tile.WindowX / Cell, y = tile.WindowY / Cell, w = tile.WindowWidth / Cell, h = tile.WindowHeight / Cell;
        double floor = Math.Floor(time);
        if (floor == time)
        {
            (FixedShapeRunner?, GaussianNoiseField?, int, int, double) still = (runner, _field, x, y, time);
            if (lane.Still == still)
                return;
            lane.Still = default;   // invalid while the fill runs, in case it throws
            _field!.Fill(destination, NoiseChannels, x, y, w, h, time);
            lane.Still = still;
            return;
        }
        lane.Still = default;
        long k = (long)floor;
        int length = NoiseChannels * w * h;
        ref NoiseSlices slices = ref _slices[index];
        if (slices.A is null || slices.A.Length != length || slices.Field != _field)
        {
            slices.A = new float[length];
            slices.B = new float[length];
            slices.Slice = long.MinValue;
            slices.Field = _field;
        }
        if (slices.Slice != k)
        {
            if (slices.Slice == k - 1)
                (slices.A, slices.B) = (slices.B, slices.A!);   // moving forward: the old next slice is the new current one
            else
                _field!.Fill(slices.A, NoiseChannels, x, y, w, h, k);
            _field!.Fill(slices.B!, NoiseChannels, x, y, w, h, k + 1);
            slices.Slice = k;
        }
        double angle = (time - floor) * (Math.PI / 2);
        double wa = DeterministicMath.CosQuarter(angle), wb = DeterministicMath.SinQuarter(angle);
        float[] a = slices.A!, b = slices.B!;
        for (int i = 0; i < length; i++)
            destination[i] = (float)(wa * a[i] + wb * b[i]);
    }

    private struct NoiseSlices
    {
        public float[]? A;
        public float[]? B;
        public long Slice;
        public GaussianNoiseField? Field;
    }

    /// <summary>Variants: one texture per seed <paramref name="firstSeed"/> .. firstSeed + count - 1.</summary>
    public IEnumerable<(int Seed, RgbaImage Image)> Variants(int width, int height, int firstSeed, int count,
        CancellationToken cancellationToken = default)
    {
        if (count < 1) throw new ArgumentOutOfRangeException(nameof(count), count, "At least one variant is needed.");
        CheckSize(width, height);
        for (int i = 0; i < count; i++)
            yield return (firstSeed + i, Generate(width, height, firstSeed + i, 0, null, cancellationToken));
    }

    /// <summary>The largest texture <see cref="Generate"/> makes (<see cref="ImageLimits.Default"/> unless set).</summary>
    public ImageLimits Limits { get; set; } = ImageLimits.Default;

    /// <summary>
    /// Throws a <see cref="TexturePluginException"/> naming the numbers when the model cannot make this size, or an
    /// <see cref="ImageLimitException"/> when it is over <see cref="Limits"/>.
    /// </summary>
    public void CheckSize(int width, int height)
    {
        // Checked before the message is built: GenerateInto runs every frame and must not allocate.
        if (!Limits.Allows(width, height))
            Limits.Check(width, height, $"Model '{Manifest.Name}'");
        if (width < MinimumSize || height < MinimumSize || width % Unit != 0 || height % Unit != 0)
            throw new TexturePluginException(
                $"Model '{Manifest.Name}' makes sizes that are multiples of {Unit} and at least {MinimumSize}x{MinimumSize}, not {width}x{height}.");
    }

    public void Dispose()
    {
        foreach (Lane? lane in _lanes)
            lane?.Runners.Dispose();
        _oneTileLane?.Runners.Dispose();
        _oneTile.Dispose();
        if (_ownsSession)
            _session.Dispose();
    }

    private static int Wrap(int v, int n) => ((v % n) + n) % n;

    private static int Lcm(int a, int b)
    {
        int x = a, y = b;
        while (y != 0) (x, y) = (y, x % y);
        return a / x * b;
    }
}

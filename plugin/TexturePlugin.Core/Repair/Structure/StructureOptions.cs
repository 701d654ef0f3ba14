namespace TexturePlugin.Core.Repair.Structure;

/// <summary>
/// Tuning of the structure fill (<see cref="OffsetFill"/>): how the dominant offsets of a texture are found, how the
/// damage is labelled with them, and how the copy is blended with the network's fill. ARCHITECTURE.md ("The structure
/// fill") gives the specification these numbers plug into. Change one with <c>with</c>.
/// </summary>
public sealed record StructureOptions
{
    /// <summary>The defaults, chosen on a tuning set of supertuxkart textures (regular and irregular).</summary>
    public static StructureOptions Default { get; } = new();

    /// <summary>Off: the repair is the network's alone.</summary>
    public bool Enabled { get; init; } = true;

    /// <summary>Block side of the offset statistics (pixels).</summary>
    public int Scale { get; init; } = 4;

    /// <summary>How many dominant offsets label the damage (K).</summary>
    public int Offsets { get; init; } = 32;

    /// <summary>Offsets shorter than this many blocks (chessboard) are not candidates: they copy the damage's own rim.</summary>
    public int MinOffset { get; init; } = 2;

    /// <summary>Longest offset searched, in pixels per axis.</summary>
    public int Reach { get; init; } = 128;

    /// <summary>Intact surroundings of the damage that the statistics look at, in pixels around its bounding box.</summary>
    public int Surround { get; init; } = 64;

    /// <summary>The statistics compare every this-many-th block of the surround per axis (from its corner).</summary>
    public int StatisticsStep { get; init; } = 2;

    /// <summary>The statistics step grows (by one at a time) until its grid over the surround holds at most this many blocks.</summary>
    public int MaxPositions { get; init; } = 1024;

    /// <summary>The refinement step grows (by one at a time) until its grid over the surround holds at most this many pixels.</summary>
    public int MaxPixels { get; init; } = 4096;

    /// <summary>The refinement compares every this-many-th pixel of the surround per axis (from its corner).</summary>
    public int RefineStep { get; init; } = 4;

    /// <summary>Full-resolution refinement around each block offset, in pixels per axis.</summary>
    public int Refine { get; init; } = 2;

    /// <summary>Side of the cells that take one offset each (pixels).</summary>
    public int Cell { get; init; } = 8;

    /// <summary>Intact pixels this far around a cell take part in its data cost.</summary>
    public int Rim { get; init; } = 2;

    /// <summary>Cuts between cells are blended over this many pixels on each side (0 = hard cuts).</summary>
    public int Feather { get; init; } = 1;

    /// <summary>Re-labelling sweeps after the ring-by-ring pass.</summary>
    public int Sweeps { get; init; } = 2;

    /// <summary>Standard deviation (pixels) of the low-pass that takes the network's shading and keeps the copy's detail.</summary>
    public double Sigma { get; init; } = 3.0;

    /// <summary>
    /// The fill runs only where the damage is deeper than this (a damaged pixel this many pixels from every intact one,
    /// chessboard): thin scratches are the network's job, and it does them well.
    /// </summary>
    public int MinDepth { get; init; } = 4;

    /// <summary>Throws when a value is out of its range.</summary>
    public void Validate()
    {
        static void Check(bool ok, string name, object value, string range)
        {
            if (!ok)
                throw new ArgumentOutOfRangeException(name, value, $"Structure option {name} must be {range}.");
        }
        Check(Scale >= 1 && Scale <= 16, nameof(Scale), Scale, "1 to 16");
        Check(Offsets >= 1 && Offsets <= 256, nameof(Offsets), Offsets, "1 to 256");
        Check(MinOffset >= 1, nameof(MinOffset), MinOffset, "at least 1");
        Check(Reach >= Scale * (MinOffset + 1), nameof(Reach), Reach, "longer than the shortest offset");
        Check(Refine >= 0 && Refine < Scale * 2, nameof(Refine), Refine, "0 to twice the scale");
        Check(Surround >= 0, nameof(Surround), Surround, "at least 0");
        Check(StatisticsStep >= 1 && StatisticsStep <= 8, nameof(StatisticsStep), StatisticsStep, "1 to 8");
        Check(RefineStep >= 1 && RefineStep <= 16, nameof(RefineStep), RefineStep, "1 to 16");
        Check(MaxPositions >= 1, nameof(MaxPositions), MaxPositions, "at least 1");
        Check(MaxPixels >= 1, nameof(MaxPixels), MaxPixels, "at least 1");
        Check(Cell >= 1 && Cell <= 64, nameof(Cell), Cell, "1 to 64");
        Check(Rim >= 0 && Rim <= Cell, nameof(Rim), Rim, "0 to the cell side");
        Check(Feather >= 0 && Feather < Cell, nameof(Feather), Feather, "0 to the cell side less one");
        Check(Sweeps >= 0 && Sweeps <= 16, nameof(Sweeps), Sweeps, "0 to 16");
        Check(Sigma > 0 && Sigma <= 32, nameof(Sigma), Sigma, "above 0 and at most 32");
        Check(MinDepth >= 0, nameof(MinDepth), MinDepth, "at least 0");
    }
}

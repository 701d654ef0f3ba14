namespace TexturePlugin.Core.Noise;

/// <summary>The lattice noise a fractal is built from.</summary>
public enum NoiseBasis
{
    /// <summary>Gradient (Perlin) noise.</summary>
    Perlin,
    /// <summary>Value noise: random values at lattice points, smoothly interpolated.</summary>
    Value,
    /// <summary>Cellular (Worley) noise: distance to the nearest of one jittered feature point per cell (F1).</summary>
    Cellular,
}

/// <summary>How octaves combine.</summary>
public enum FractalMode
{
    /// <summary>One octave.</summary>
    None,
    /// <summary>Fractional Brownian motion: the plain weighted sum.</summary>
    Fbm,
    /// <summary>Ridged multifractal-style: sharp crests from <c>(1 - |n|)^2</c>.</summary>
    Ridged,
    /// <summary>Turbulence: the sum of <c>|n|</c>, billowy.</summary>
    Turbulence,
}

/// <summary>
/// Parameters of <see cref="TileableNoise"/>. Frequencies are whole numbers of cells across the tile, so every octave
/// (the lacunarity is a whole number too) and the domain warp repeat exactly at the tile's edges.
/// </summary>
public sealed class NoiseSettings
{
    public int Seed { get; set; }
    public NoiseBasis Basis { get; set; } = NoiseBasis.Perlin;
    public FractalMode Fractal { get; set; } = FractalMode.Fbm;

    /// <summary>Lattice cells across the tile in x for the first octave.</summary>
    public int FrequencyX { get; set; } = 4;

    /// <summary>Lattice cells across the tile in y for the first octave.</summary>
    public int FrequencyY { get; set; } = 4;

    public int Octaves { get; set; } = 5;

    /// <summary>Frequency multiplier per octave (a whole number keeps the tile periodic).</summary>
    public int Lacunarity { get; set; } = 2;

    /// <summary>Amplitude multiplier per octave.</summary>
    public float Gain { get; set; } = 0.5f;

    /// <summary>Domain warp displacement as a fraction of the tile (0 = no warp).</summary>
    public float WarpStrength { get; set; }

    /// <summary>Cells across the tile of the warp field.</summary>
    public int WarpFrequency { get; set; } = 2;

    /// <summary>Octaves of the warp field.</summary>
    public int WarpOctaves { get; set; } = 3;

    /// <summary>Sets both frequencies.</summary>
    public int Frequency
    {
        set
        {
            FrequencyX = value;
            FrequencyY = value;
        }
    }

    public NoiseSettings Clone() => (NoiseSettings)MemberwiseClone();

    /// <summary>Throws on values that would break periodicity or make no sense.</summary>
    public void Validate()
    {
        var problems = new List<string>();
        if (FrequencyX < 1 || FrequencyY < 1) problems.Add($"frequency must be at least 1 cell, not {FrequencyX}x{FrequencyY}");
        if (Octaves < 1 || Octaves > 16) problems.Add($"octaves must be 1..16, not {Octaves}");
        if (Lacunarity < 1 || Lacunarity > 8) problems.Add($"lacunarity must be a whole number 1..8, not {Lacunarity}");
        if (!(Gain > 0 && Gain <= 1)) problems.Add($"gain must be in (0, 1], not {Gain}");
        if (!(WarpStrength >= 0 && WarpStrength <= 4)) problems.Add($"warp strength must be in [0, 4], not {WarpStrength}");
        if (WarpFrequency < 1) problems.Add($"warp frequency must be at least 1, not {WarpFrequency}");
        if (WarpOctaves < 1 || WarpOctaves > 16) problems.Add($"warp octaves must be 1..16, not {WarpOctaves}");
        long finest = (long)Math.Max(FrequencyX, FrequencyY) * (long)Math.Pow(Lacunarity, Octaves - 1);
        if (finest > 1 << 24) problems.Add($"the finest octave has {finest} cells, more than 2^24");
        if (problems.Count > 0)
            throw new TexturePluginException("Invalid noise settings: " + string.Join("; ", problems) + ".");
    }
}

namespace TexturePlugin.Core.Noise;

/// <summary>
/// Integer hashing behind every noise in Core. Only integer arithmetic (wrapping multiply, xor, shifts), so the
/// same seed gives the same bits on every platform and runtime.
/// </summary>
public static class NoiseHash
{
    /// <summary>32-bit avalanche mix (lowbias32 by Chris Wellons).</summary>
    public static uint Mix(uint h)
    {
        unchecked
        {
            h ^= h >> 16;
            h *= 0x7FEB352Du;
            h ^= h >> 15;
            h *= 0x846CA68Bu;
            h ^= h >> 16;
            return h;
        }
    }

    /// <summary>64-bit avalanche mix (SplitMix64 finaliser).</summary>
    public static ulong Mix64(ulong z)
    {
        unchecked
        {
            z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
            z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
            return z ^ (z >> 31);
        }
    }

    /// <summary>Hash of a seed and two lattice coordinates.</summary>
    public static uint Hash(int seed, int x, int y)
    {
        unchecked
        {
            uint h = Mix((uint)seed ^ 0x9E3779B9u);
            h = Mix(h ^ (uint)x);
            return Mix(h + 0x632BE5ABu ^ (uint)y);
        }
    }

    /// <summary>Hash of a seed, a channel, two coordinates and a time slice.</summary>
    public static ulong Hash64(int seed, int channel, int x, int y, long slice)
    {
        unchecked
        {
            const ulong Gamma = 0x9E3779B97F4A7C15UL;
            ulong h = Mix64((ulong)(uint)seed + Gamma);
            h = Mix64(h + Gamma ^ (ulong)(uint)channel);
            h = Mix64(h + Gamma ^ (ulong)(uint)x);
            h = Mix64(h + Gamma ^ (ulong)(uint)y);
            return Mix64(h + Gamma ^ (ulong)slice);
        }
    }

    /// <summary>A uniform float in [0, 1) from the top 24 bits of a hash.</summary>
    public static float ToUnitFloat(uint h) => (h >> 8) * (1.0f / 16777216.0f);

    /// <summary>Non-negative remainder: <c>Wrap(-1, 8) == 7</c>.</summary>
    public static int Wrap(int value, int period)
    {
        int r = value % period;
        return r < 0 ? r + period : r;
    }

    /// <summary>Non-negative remainder for long values.</summary>
    public static long Wrap(long value, long period)
    {
        long r = value % period;
        return r < 0 ? r + period : r;
    }
}

namespace TexturePlugin.Core.Repair.Structure;

/// <summary>The structure fill's work arrays: grown when a call needs more, kept between calls.</summary>
internal static class Buffers
{
    /// <summary>Makes <paramref name="a"/> hold at least <paramref name="n"/> items (at least doubling; the old items kept when asked).</summary>
    public static void Grow<T>(ref T[] a, int n, bool keep = false)
    {
        if (a.Length >= n)
            return;
        var bigger = new T[Math.Max(n, a.Length * 2)];
        if (keep)
            a.CopyTo(bigger, 0);
        a = bigger;
    }
}

namespace TexturePlugin.Core.Tests.Noise;

internal static class NoiseTestHelpers
{
    /// <summary>FNV-1a 64 over the floats' bits: any change in any bit changes it.</summary>
    public static string Hash(ReadOnlySpan<float> values)
    {
        ulong h = 0xCBF29CE484222325UL;
        foreach (float v in values)
        {
            uint bits = (uint)BitConverter.SingleToInt32Bits(v);
            for (int i = 0; i < 4; i++)
            {
                h ^= (bits >> (8 * i)) & 0xFF;
                h *= 0x100000001B3UL;
            }
        }
        return h.ToString("X16");
    }
}

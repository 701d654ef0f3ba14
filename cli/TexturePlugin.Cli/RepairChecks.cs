using System.Globalization;
using TexturePlugin.Core.Imaging;
using TexturePlugin.Core.Repair;

namespace TexturePlugin.Cli;

/// <summary>
/// What repair and tile refuse or point out so that no run loses a texture without saying so: a mask that covers
/// (almost) everything leaves the network nothing to copy from and gives a flat image, and a run can change nothing.
/// </summary>
internal static class RepairChecks
{
    /// <summary>Largest damaged share repaired without <c>--allow-full</c>.</summary>
    public const double MaxDamagedShare = 0.9;

    /// <summary>Refuses a mask that marks more than <see cref="MaxDamagedShare"/> of the image, unless <paramref name="allowFull"/>.</summary>
    public static void CheckShare(int damaged, int width, int height, string maskName, bool allowFull)
    {
        double share = (double)damaged / ((long)width * height);
        if (share <= MaxDamagedShare || allowFull)
            return;
        throw new CliException(string.Format(CultureInfo.InvariantCulture,
            "{0} marks {1:0.#}% of the {2}x{3} image as damaged (more than {4:0}%): the repair would have almost nothing intact to copy from "
            + "and would replace the texture with a flat fill; check the mask (white = damaged), or give --allow-full to repair it anyway.",
            maskName, share * 100, width, height, MaxDamagedShare * 100));
    }

    /// <summary>A note for the summary line when the output equals the input; null when pixels changed.</summary>
    public static string? NothingChanged(RgbaImage input, RgbaImage output, int damaged)
    {
        if (damaged == 0)
            return "nothing to repair: the mask marks no pixel as damaged, so the output is the input unchanged";
        return input.Pixels.AsSpan().SequenceEqual(output.Pixels) ? "the repair changed no pixel: the output is the input unchanged" : null;
    }

    /// <summary>Refuses a --band wider than <see cref="DamageMask.MaxSeamHalfWidth"/> for the image.</summary>
    public static void CheckBand(int halfBand, int width, int height)
    {
        int max = DamageMask.MaxSeamHalfWidth(width, height);
        if (halfBand > max)
            throw new CliException($"--band {halfBand} is wider than the {width}x{height} image allows (at most {max} px on each side of a seam, "
                + "a quarter of its smaller side): the band would cover the whole texture and leave nothing to repair from.");
    }

    /// <summary>
    /// Compares the sizes the image's and the mask's headers claim, before either is decoded (a small file can decode
    /// to gigabytes). Headers that are not recognised are left to the decoder.
    /// </summary>
    public static void CheckMaskHeader(string imagePath, string maskPath)
    {
        if (!File.Exists(imagePath) || !File.Exists(maskPath))
            return;
        if (ImageIO.ReadSize(imagePath) is { } image && ImageIO.ReadSize(maskPath) is { } mask && image != mask)
            throw new CliException($"{maskPath}: the mask is {mask.Width}x{mask.Height} but the image is {image.Width}x{image.Height}.");
    }
}

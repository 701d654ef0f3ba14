using System.Globalization;

namespace TexturePlugin.Demo;

/// <summary>
/// The HUD's upload figure. The first upload into a new texture on llvmpipe took 300-400 ms (first use of the texture
/// and the ring), later ones well under a millisecond; an average seeded with the first one kept showing it on a still
/// texture. Until a second upload only the first is shown, labelled as such; from the second on, a running average
/// (weight 0.1) of the uploads after the first.
/// </summary>
internal sealed class UploadFigure
{
    private double _first = double.NaN, _average = double.NaN;

    public void Add(double milliseconds)
    {
        if (double.IsNaN(_first))
            _first = milliseconds;
        else
            _average = double.IsNaN(_average) ? milliseconds : _average * 0.9 + milliseconds * 0.1;
    }

    public override string ToString() =>
        !double.IsNaN(_average) ? string.Create(CultureInfo.InvariantCulture, $"upload {_average:0.00} ms")
        : !double.IsNaN(_first) ? string.Create(CultureInfo.InvariantCulture, $"first upload {_first:0} ms")
        : "no upload yet";
}

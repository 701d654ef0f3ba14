namespace TexturePlugin.Core.Noise;

/// <summary>
/// Logarithm, sine, cosine and the inverse normal CDF from +, -, *, / and sqrt only (all correctly rounded by
/// IEEE 754), so results are bit-identical on every platform, unlike Math.Log or Math.Cos whose last bits
/// depend on the C library and the CPU.
/// </summary>
public static class DeterministicMath
{
    private const double Ln2 = 0.693147180559945309417232121458;

    /// <summary>Natural logarithm of a positive finite number.</summary>
    public static double Log(double x)
    {
        if (!(x > 0) || double.IsInfinity(x))
            throw new ArgumentOutOfRangeException(nameof(x), x, "Log needs a positive finite number.");
        long bits = BitConverter.DoubleToInt64Bits(x);
        int exponent = (int)((bits >> 52) & 0x7FF);
        if (exponent == 0)
        {
            // Subnormal: scale into the normal range first (exact).
            return Log(x * 4503599627370496.0) - 52 * Ln2;
        }
        exponent -= 1023;
        double m = BitConverter.Int64BitsToDouble((bits & 0x000FFFFFFFFFFFFFL) | 0x3FF0000000000000L); // [1, 2)
        if (m > 1.4142135623730951)
        {
            m *= 0.5;
            exponent++;
        }
        // ln(m) = 2 atanh(s), s = (m-1)/(m+1), |s| <= 0.1716: the series converges fast.
        double s = (m - 1.0) / (m + 1.0);
        double s2 = s * s;
        double term = s;
        double sum = s;
        for (int k = 3; k <= 27; k += 2)
        {
            term *= s2;
            sum += term / k;
        }
        return exponent * Ln2 + 2.0 * sum;
    }

    /// <summary>Sine for angles in [0, pi/2] (Taylor series, error below 1e-16).</summary>
    public static double SinQuarter(double x)
    {
        double x2 = x * x;
        double term = x;
        double sum = x;
        for (int k = 1; k <= 11; k++)
        {
            term *= -x2 / ((2 * k) * (2 * k + 1));
            sum += term;
        }
        return sum;
    }

    /// <summary>Cosine for angles in [0, pi/2].</summary>
    public static double CosQuarter(double x)
    {
        double x2 = x * x;
        double term = 1.0;
        double sum = 1.0;
        for (int k = 1; k <= 11; k++)
        {
            term *= -x2 / ((2 * k - 1) * (2 * k));
            sum += term;
        }
        return sum;
    }

    /// <summary>
    /// The standard normal quantile (inverse CDF) of p in (0, 1): Wichura's AS241 (PPND16), relative error
    /// about 1e-16.
    /// </summary>
    public static double InverseNormal(double p)
    {
        if (!(p > 0 && p < 1))
            throw new ArgumentOutOfRangeException(nameof(p), p, "The normal quantile needs p in (0, 1).");
        double q = p - 0.5;
        if (Math.Abs(q) <= 0.425)
        {
            double r = 0.180625 - q * q;
            return q * (((((((2509.0809287301226727 * r + 33430.575583588128105) * r + 67265.770927008700853) * r
                        + 45921.953931549871457) * r + 13731.693765509461125) * r + 1971.5909503065514427) * r
                        + 133.14166789178437745) * r + 3.3871328727963666080)
                   / (((((((5226.4952788528545610 * r + 28729.085735721942674) * r + 39307.895800092710610) * r
                        + 21213.794301586595867) * r + 5394.1960214247511077) * r + 687.18700749205790830) * r
                        + 42.313330701600911252) * r + 1.0);
        }
        double t = q < 0 ? p : 1.0 - p;
        t = Math.Sqrt(-Log(t));
        double value;
        if (t <= 5.0)
        {
            t -= 1.6;
            value = (((((((7.74545014278341407640e-4 * t + 0.0227238449892691845833) * t + 0.241780725177450611770) * t
                        + 1.27045825245236838258) * t + 3.64784832476320460504) * t + 5.76949722146069140550) * t
                        + 4.63033784615654529590) * t + 1.42343711074968357734)
                    / (((((((1.05075007164441684324e-9 * t + 5.47593808499534494600e-4) * t + 0.0151986665636164571966) * t
                        + 0.148103976427480074590) * t + 0.689767334985100004550) * t + 1.67638483018380384940) * t
                        + 2.05319162663775882187) * t + 1.0);
        }
        else
        {
            t -= 5.0;
            value = (((((((2.01033439929228813265e-7 * t + 2.71155556874348757815e-5) * t + 0.00124266094738807843860) * t
                        + 0.0265321895265761230930) * t + 0.296560571828504891230) * t + 1.78482653991729133580) * t
                        + 5.46378491116411436990) * t + 6.65790464350110377720)
                    / (((((((2.04426310338993978564e-15 * t + 1.42151175831644588870e-7) * t + 1.84631831751005468180e-5) * t
                        + 7.86869131145613259100e-4) * t + 0.0148753612908506148525) * t + 0.136929880922735805310) * t
                        + 0.599832206555887937690) * t + 1.0);
        }
        return q < 0 ? -value : value;
    }
}

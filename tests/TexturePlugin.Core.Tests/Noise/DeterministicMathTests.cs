using NUnit.Framework;
using TexturePlugin.Core.Noise;

namespace TexturePlugin.Core.Tests.Noise;

[TestFixture]
public sealed class DeterministicMathTests
{
    [Test]
    public void Log_agrees_with_the_runtime_to_the_last_bits()
    {
        var rng = new Random(1);
        foreach (double x in new[] { 1e-300, 5e-324, 1e-17, 0.1, 0.5, 0.70710678, 1.0, 1.0000001, 2.0, 3.5, 1e10, double.MaxValue }
                     .Concat(Enumerable.Range(0, 2000).Select(_ => Math.Exp(rng.NextDouble() * 80 - 40))))
        {
            double expected = Math.Log(x), actual = DeterministicMath.Log(x);
            Assert.That(actual, Is.EqualTo(expected).Within(1e-15 * Math.Max(1.0, Math.Abs(expected))), $"log({x:R})");
        }
        Assert.Throws<ArgumentOutOfRangeException>(() => DeterministicMath.Log(0));
        Assert.Throws<ArgumentOutOfRangeException>(() => DeterministicMath.Log(-1));
    }

    [Test]
    public void Quarter_sine_and_cosine_agree_with_the_runtime()
    {
        for (int i = 0; i <= 1000; i++)
        {
            double a = i * (Math.PI / 2) / 1000;
            Assert.That(DeterministicMath.SinQuarter(a), Is.EqualTo(Math.Sin(a)).Within(4e-16), $"sin({a})");
            Assert.That(DeterministicMath.CosQuarter(a), Is.EqualTo(Math.Cos(a)).Within(4e-16), $"cos({a})");
        }
    }

    [TestCase(0.5, 0.0)]
    [TestCase(0.975, 1.959963984540054)]
    [TestCase(0.025, -1.959963984540054)]
    [TestCase(0.8413447460685429, 1.0)]
    [TestCase(0.9986501019683699, 3.0)]
    [TestCase(1e-10, -6.361340902404056)]
    [TestCase(1e-12, -7.034483825301132)]
    public void Inverse_normal_hits_known_quantiles(double p, double z)
    {
        Assert.That(DeterministicMath.InverseNormal(p), Is.EqualTo(z).Within(1e-7 + 1e-9 * Math.Abs(z)));
    }
}

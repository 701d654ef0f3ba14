using NUnit.Framework;
using TexturePlugin.Core.Imaging;

namespace TexturePlugin.Demo.Tests;

/// <summary>
/// The headless demo's frame against committed references (References/*.png, made by this command
/// line and checked by eye). Tolerance: every channel within <see cref="ChannelTolerance"/> for all
/// but <see cref="OutlierFraction"/> of the pixels. The references use procedural content and the
/// copy guide only (an empty models folder), so trained models do not change them.
/// </summary>
public class HeadlessScreenshotTests : DemoTestBase
{
    private const int ChannelTolerance = 8;
    private const double OutlierFraction = 0.005;

    [TestCase("synth")]
    [TestCase("repair")]
    public void TheHeadlessFrameMatchesTheReference(string mode)
    {
        CopyDirectory(Path.Combine(Output, "testplugins", "TexturePlugin"), Path.Combine(Scratch, "plugins", "TexturePlugin"));
        string emptyModels = Directory.CreateDirectory(Path.Combine(Scratch, "no-models")).FullName;
        string? savedModels = Environment.GetEnvironmentVariable("TEXPLUG_MODELS");
        Environment.SetEnvironmentVariable("TEXPLUG_MODELS", emptyModels);
        string actualPath = Path.Combine(Scratch, $"headless-{mode}.png");
        try
        {
            var options = DemoOptions.Parse(new[]
            {
                "--headless", "--plugins", Path.Combine(Scratch, "plugins"), "--mode", mode, "--material", "marble", "--seed", "7",
                "--size", "320x240", "--no-hud", "--frames", "60", "--screenshot", actualPath, "--no-watch",
            });
            using (var app = new DemoApp(options))
            {
                app.Log.Quiet = true;
                app.RunAsOptioned(options);
                Assert.That(app.Plugins.Plugins.Single().Error, Is.Null);
                Assert.That(app.Device.Errors, Is.Empty, "GL errors during the run");
            }
        }
        finally
        {
            Environment.SetEnvironmentVariable("TEXPLUG_MODELS", savedModels);
        }

        var actual = ImageIO.Load(actualPath);
        var expected = ImageIO.Load(Path.Combine(Output, "References", $"headless-{mode}.png"));
        Compare(actual, expected, actualPath);
    }

    private static void Compare(RgbaImage actual, RgbaImage expected, string actualPath)
    {
        Assert.That((actual.Width, actual.Height), Is.EqualTo((expected.Width, expected.Height)), "frame size");
        int outliers = 0;
        var first = new List<string>();
        for (int i = 0; i < actual.Pixels.Length; i += 4)
        {
            int worst = 0;
            for (int c = 0; c < 3; c++)
                worst = Math.Max(worst, Math.Abs(actual.Pixels[i + c] - expected.Pixels[i + c]));
            if (worst <= ChannelTolerance)
                continue;
            outliers++;
            if (first.Count < 5)
                first.Add($"({i / 4 % actual.Width}, {i / 4 / actual.Width}) off by {worst}");
        }

        double fraction = (double)outliers / (actual.Width * actual.Height);
        string kept = Path.Combine(TestContext.CurrentContext.WorkDirectory, Path.GetFileName(actualPath));
        if (fraction > OutlierFraction)
            File.Copy(actualPath, kept, overwrite: true);
        Assert.That(fraction, Is.LessThanOrEqualTo(OutlierFraction),
            $"{outliers} pixels differ by more than {ChannelTolerance}: {string.Join(", ", first)}; actual frame kept at {kept}");
    }
}

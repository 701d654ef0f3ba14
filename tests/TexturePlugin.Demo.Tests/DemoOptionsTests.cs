using NUnit.Framework;

namespace TexturePlugin.Demo.Tests;

public class DemoOptionsTests
{
    [Test]
    public void HeadlessDefaultsToSixtyFrames()
    {
        var o = DemoOptions.Parse(new[] { "--headless", "--mode", "repair", "--size", "640x480" });
        Assert.That((o.Headless, o.Mode, o.Frames, o.Width, o.Height), Is.EqualTo((true, "repair", (int?)60, 640, 480)));
    }

    [TestCase("--mode", "paint", "--mode paint: expected synth or repair.")]
    [TestCase("--size", "10x10", "--size 10x10: expected WIDTHxHEIGHT, each 64..8192.")]
    [TestCase("--frames", "zero", "--frames zero: expected a whole number in 1..1000000.")]
    [TestCase("--bogus", null, "Unknown argument '--bogus'. Try --help.")]
    public void BadArgumentsSayWhatIsExpected(string flag, string? value, string message)
    {
        var args = value is null ? new[] { flag } : new[] { flag, value };
        Assert.That(() => DemoOptions.Parse(args), Throws.TypeOf<DemoException>().With.Message.EqualTo(message));
    }
}
